from fangkong.accounts.models import User
from fangkong.core.models import ChangeLog


def test_anonymous_is_sent_to_login(client, db):
    for url in ["/", "/areas/", "/policies/", "/users/", "/audit/changes/"]:
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith("/login/"), url


def test_login_page_is_chinese_by_default_and_english_on_request(client, db):
    assert "登录" in client.get("/login/").content.decode()
    assert "Log in" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_language_choice_persists_for_the_user(client, tree, make_user):
    user = make_user("community_worker", tree.a.community)
    client.force_login(user)
    assert "工作台" in client.get("/").content.decode()
    resp = client.post("/language/", {"language": "en", "next": "/areas/"})
    assert resp.status_code == 302 and resp["Location"] == "/areas/"
    assert User.objects.get(pk=user.pk).language == "en"
    # A new session on another device, with a Chinese browser: still English.
    client.logout()
    client.cookies.clear()
    client.force_login(user)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Workbench" in html and "工作台" not in html


def test_language_switch_rejects_foreign_redirects(client, db):
    resp = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert resp["Location"] == "/"


def test_admin_creates_user_with_scope_and_it_is_logged(client, tree, make_user):
    admin = make_user("district_admin", tree.district)
    client.force_login(admin)
    resp = client.post(
        "/users/new/",
        {
            "username": "gridzhang",
            "display_name": "张网格",
            "phone": "13800000000",
            "password": "long-enough-pass",
            "language": "zh-hans",
            "area": tree.a.grid.pk,
            "role": "grid_member",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    user = User.objects.get(username="gridzhang")
    assert [(s.area, s.role.code) for s in user.scopes.all()] == [(tree.a.grid, "grid_member")]
    assert ChangeLog.objects.filter(object_id=str(user.pk), user=admin, action="create").exists()
    page = client.get(f"/users/{user.pk}/").content.decode()
    assert "网格员" in page and tree.a.grid.name in page


def test_scope_form_offers_only_the_admins_areas(client, tree, make_user):
    admin = make_user("district_admin", tree.street2)
    client.force_login(admin)
    resp = client.post(
        "/users/new/",
        {
            "username": "outsider",
            "password": "long-enough-pass",
            "language": "en",
            "area": tree.a.community.pk,
            "role": "community_worker",
        },
    )
    assert resp.status_code == 400 and not User.objects.filter(username="outsider").exists()


def test_user_list_shows_only_users_of_the_jurisdiction(client, tree, make_user):
    make_user("community_worker", tree.a.community, username="in_a")
    make_user("community_worker", tree.c.community, username="in_c")
    client.force_login(make_user("district_admin", tree.street1))
    html = client.get("/users/").content.decode()
    assert "in_a" in html and "in_c" not in html
    assert client.get(f"/users/{User.objects.get(username='in_c').pk}/").status_code == 404


def test_worker_cannot_manage_users(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    assert client.get("/users/").status_code == 403
    assert (
        "Users" not in client.get("/").content.decode() and "用户管理" not in client.get("/").content.decode()
    )
