"""Issue 9, holes 7 and 8: who may act on whom, password rules, tokens and lockout."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts import services
from fangkong.accounts.models import Role, User
from fangkong.core.models import ChangeLog


@pytest.fixture
def community_admin_and_district_user(tree, make_user):
    admin = make_user("district_admin", tree.a.community, username="cadmin")
    district_user = make_user("district_admin", tree.district, username="duser")
    # The district user also holds a scope inside the community administrator's area.
    services.scope_add(
        actor=None, user=district_user, area=tree.a.grid, role=Role.objects.get(code="grid_member")
    )
    return admin, User.objects.get(pk=district_user.pk)


def test_community_admin_cannot_deactivate_a_district_user_by_page(client, community_admin_and_district_user):
    admin, duser = community_admin_and_district_user
    client.force_login(admin)
    page = client.get(f"/users/{duser.pk}/")
    assert page.status_code == 200  # visible (scope in A)...
    assert "toggle-active" not in page.content.decode()  # ...offered no button...
    resp = client.post(f"/users/{duser.pk}/toggle-active/")
    assert resp.status_code == 403  # ...but not manageable
    assert User.objects.get(pk=duser.pk).is_active is True


def test_community_admin_cannot_touch_scopes_or_password_of_a_wider_user(
    tree, community_admin_and_district_user
):
    admin, duser = community_admin_and_district_user
    grid_scope = duser.scopes.get(area=tree.a.grid)
    with pytest.raises(PermissionDenied):
        services.scope_remove(actor=admin, scope=grid_scope)
    with pytest.raises(PermissionDenied):
        services.scope_add(
            actor=admin, user=duser, area=tree.a.community, role=Role.objects.get(code="cadre")
        )
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=admin, user=duser, password="another-long-pass-9")
    assert duser.scopes.filter(active=True).count() == 2


def test_community_admin_still_manages_users_inside_the_community(tree, make_user):
    admin = make_user("district_admin", tree.a.community)
    worker = make_user("community_worker", tree.a.grid)
    services.user_update(actor=admin, user=worker, is_active=False)
    assert User.objects.get(pk=worker.pk).is_active is False
    with pytest.raises(PermissionDenied):  # and never an area outside its own
        services.scope_add(
            actor=admin, user=worker, area=tree.b.community, role=Role.objects.get(code="cadre")
        )


def test_weak_password_refused_by_service_page_and_api(client, api, tree, make_user):
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=None, username="weak1", password="aaaaaaaaaa")
    assert "password" in exc.value.message_dict
    admin = make_user("district_admin", tree.district)
    client.force_login(admin)
    resp = client.post(
        "/users/new/",
        {
            "username": "weak2",
            "password": "aaaaaaaaaa",
            "language": "zh-hans",
            "area": tree.a.grid.pk,
            "role": "grid_member",
        },
    )
    assert resp.status_code == 400 and "这个密码太常见了" in resp.content.decode()
    api.as_user(admin)
    resp = api.post(
        "/api/users/",
        {
            "username": "weak3",
            "password": "aaaaaaaaaa",
            "area": tree.a.community.pk,
            "role": "gate_volunteer",
        },
        format="json",
    )
    assert resp.status_code == 400 and "password" in resp.json()
    assert not User.objects.filter(username__startswith="weak").exists()
    user = make_user("grid_member", tree.a.grid)
    with pytest.raises(ValidationError):
        services.user_set_password(actor=admin, user=user, password="12345678901")
    assert User.objects.get(pk=user.pk).check_password("test-password-123")


def test_expired_token_is_refused_and_a_fresh_login_replaces_it(api, tree, make_user, settings):
    import datetime

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    make_user("community_worker", tree.a.community, username="tk")
    body = api.post(
        "/api/auth/token/", {"username": "tk", "password": "test-password-123"}, format="json"
    ).json()
    assert body["expires"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/users/me/").json()["username"] == "tk"
    Token.objects.filter(key=body["token"]).update(
        created=timezone.now() - datetime.timedelta(hours=settings.FANGKONG_TOKEN_TTL_HOURS + 1)
    )
    resp = api.get("/api/users/me/")
    assert (
        resp.status_code == 401
        and "expired" in resp.json()["detail"].lower()
        or "过期" in resp.json()["detail"]
    )
    api.credentials()
    again = api.post(
        "/api/auth/token/", {"username": "tk", "password": "test-password-123"}, format="json"
    ).json()
    assert again["token"] != body["token"]


def test_user_revokes_own_tokens_by_api_and_page(api, client, tree, make_user):
    from rest_framework.authtoken.models import Token

    user = make_user("gate_volunteer", tree.a.community, username="vt")
    key = api.post(
        "/api/auth/token/", {"username": "vt", "password": "test-password-123"}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.post("/api/auth/token/revoke/").json() == {"revoked": 1}
    assert api.get("/api/users/me/").status_code == 401
    Token.objects.create(user=user)
    client.force_login(user)
    page = client.get("/users/me/tokens/")
    assert (
        'id="revoke-tokens"' in page.content.decode()
        and Token.objects.get(user=user).key not in page.content.decode()
    )
    client.post("/users/me/tokens/")
    assert not Token.objects.filter(user=user).exists()
    assert "API tokens revoked" in ChangeLog.objects.filter(object_id=str(user.pk)).latest("id").message


@pytest.mark.parametrize("where", ["page", "api", "admin"])
def test_login_locks_out_after_repeated_failures(client, tree, make_user, settings, where):
    make_user("district_admin", tree.district, username="victim")
    url = {"page": "/login/", "api": "/api/auth/token/", "admin": "/admin/login/"}[where]
    statuses = [
        client.post(url, {"username": "victim", "password": f"wrong-{i}"}).status_code
        for i in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert statuses[0] in (200, 400) and statuses[-1] == 429
    # Locked: even the right password is refused, with a clear message rather than an error page.
    resp = client.post(url, {"username": "victim", "password": "test-password-123"})
    assert resp.status_code == 429
    text = resp.json()["detail"] if where == "api" else resp.content.decode()
    assert "登录失败次数过多" in text  # zh-hans by default
