from fangkong.accounts.models import User


def test_token_login_and_me(api, tree, make_user):
    make_user("community_worker", tree.a.community, username="wk")
    resp = api.post("/api/auth/token/", {"username": "wk", "password": "test-password-123"}, format="json")
    assert resp.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {resp.json()['token']}")
    me = api.get("/api/users/me/").json()
    assert me["username"] == "wk" and me["scopes"][0]["role"] == "community_worker"


def test_admin_creates_user_through_api(api, tree, make_user):
    api.as_user(make_user("district_admin", tree.district))
    resp = api.post(
        "/api/users/",
        {
            "username": "vol1",
            "password": "long-enough-pass",
            "area": tree.a.community.pk,
            "role": "gate_volunteer",
        },
        format="json",
    )
    assert resp.status_code == 201
    assert User.objects.get(username="vol1").scopes.get().role.code == "gate_volunteer"
    again = api.post(
        "/api/users/",
        {
            "username": "vol1",
            "password": "long-enough-pass",
            "area": tree.a.community.pk,
            "role": "gate_volunteer",
        },
        format="json",
    )
    assert again.status_code == 400 and "username" in again.json()
    assert User.objects.filter(username="vol1").count() == 1


def test_malformed_json_is_400_not_500(api, tree, make_user):
    api.as_user(make_user("district_admin", tree.district))
    resp = api.post("/api/users/", "{not json", content_type="application/json")
    assert resp.status_code == 400 and "detail" in resp.json()


def test_api_404_is_json(api, db):
    resp = api.get("/api/no-such-endpoint/")
    assert resp.status_code == 404 and resp.json()["detail"]
