"""Issue 9, one write path per rule: the accounts rules live in accounts.services, and the page and the
API create a user with their first scope through one service in one transaction."""

import pytest
from django.core.exceptions import ValidationError

from fangkong.accounts import services
from fangkong.accounts.models import Scope, User


def _new_user(tree, **extra):
    return {
        "username": "gridzhang",
        "display_name": "张网格",
        "phone": "13800000000",
        "password": "long-enough-pass",
        "language": "zh-hans",
        "area": tree.a.grid.pk,
        "role": "grid_member",
        **extra,
    }


def test_service_refuses_removing_ones_own_scope(tree, make_user):
    admin = make_user("district_admin", tree.district)
    scope = admin.scopes.get()
    with pytest.raises(ValidationError):
        services.scope_remove(actor=admin, scope=scope)
    assert Scope.objects.get(pk=scope.pk).active


def test_service_refuses_deactivating_oneself(tree, make_user):
    admin = make_user("district_admin", tree.district)
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=admin, user=admin, is_active=False)
    assert "is_active" in exc.value.message_dict
    assert User.objects.get(pk=admin.pk).is_active
    other = make_user("community_worker", tree.a.community)
    services.user_update(actor=admin, user=other, is_active=False)
    assert not User.objects.get(pk=other.pk).is_active


def test_pages_follow_the_service_rules(client, tree, make_user):
    admin = make_user("district_admin", tree.district)
    client.force_login(admin)
    scope = admin.scopes.get()
    resp = client.post(f"/users/{admin.pk}/scopes/{scope.pk}/remove/", follow=True)
    assert resp.status_code == 200 and "不能移除自己的" in resp.content.decode()
    assert Scope.objects.get(pk=scope.pk).active
    resp = client.post(f"/users/{admin.pk}/toggle-active/", follow=True)
    assert "不能停用自己" in resp.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


def test_user_and_first_scope_are_one_transaction_on_page_and_api(client, api, tree, make_user, monkeypatch):
    """A refused first scope leaves no user behind, on both paths (the page used to answer 500)."""
    admin = make_user("district_admin", tree.district)

    def refuse(**kw):
        raise ValidationError({"area": "refused"})

    monkeypatch.setattr(services, "scope_add", refuse)
    client.force_login(admin)
    resp = client.post("/users/new/", _new_user(tree))
    assert resp.status_code == 400 and "refused" in resp.content.decode()
    api.as_user(admin)
    resp = api.post("/api/users/", _new_user(tree), format="json")
    assert resp.status_code == 400 and "area" in resp.json()
    assert not User.objects.filter(username="gridzhang").exists()


def test_user_with_first_scope_through_the_service(tree, make_user):
    from fangkong.accounts.models import Role

    admin = make_user("district_admin", tree.district)
    user = services.user_create_with_scope(
        actor=admin,
        username="gridli",
        password="long-enough-pass",
        area=tree.a.grid,
        role=Role.objects.get(code="grid_member"),
    )
    assert [(s.area, s.role.code, s.active) for s in user.scopes.all()] == [
        (tree.a.grid, "grid_member", True)
    ]
