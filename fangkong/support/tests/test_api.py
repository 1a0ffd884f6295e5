from fangkong.core.testing import APIViewTestCases
from fangkong.support import services
from fangkong.support.models import Closure, Request


class TestRequestAPI(APIViewTestCases):
    prefix = "support/requests"
    model = Request
    role = "community_worker"

    def valid_payload(self, tree):
        if not Closure.objects.filter(area=tree.a.community).exists():
            services.closure_declare(actor=None, area=tree.a.community, reason="封闭管理")
        return {"household": tree.a.household.pk, "kind": "medicine", "note": "降压药", "client_id": "api-1"}

    def invalid_payload(self, tree):
        return {"household": tree.b.household.pk, "kind": "medicine"}, "household"


class TestClosureAPI(APIViewTestCases):
    prefix = "support/closures"
    model = Closure
    role = "community_worker"
    creatable = False


def test_api_filing_is_idempotent_and_refuses_outside_a_closure(api, tree, make_user):
    user = make_user("community_worker", tree.a.community)
    api.as_user(user)
    resp = api.post(
        "/api/support/requests/", {"household": tree.a.household.pk, "kind": "medicine"}, format="json"
    )
    assert resp.status_code == 400 and "household" in resp.json()  # no closure yet
    services.closure_declare(actor=None, area=tree.a.community, reason="封闭管理")
    body = {"household": tree.a.household.pk, "kind": "medicine", "client_id": "same"}
    a = api.post("/api/support/requests/", body, format="json")
    b = api.post("/api/support/requests/", body, format="json")
    assert a.status_code == 201 and a.json()["id"] == b.json()["id"] and Request.objects.count() == 1
    assert a.json()["state"] == "new" and a.json()["steps"][0]["step"] == "registered"


def test_api_runner_sync_and_mine(api, closed):
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    api.as_user(closed.runner_user)
    assert [r["id"] for r in api.get("/api/support/requests/mine/").json()] == [req.pk]
    body = {"actions": [{"client_id": "s1", "request": req.pk, "action": "card_collected"}]}
    assert api.post("/api/support/requests/sync/", body, format="json").json()["results"][0]["status"] == "ok"
    assert (
        api.post("/api/support/requests/sync/", body, format="json").json()["results"][0]["status"]
        == "duplicate"
    )
    assert api.post("/api/support/requests/sync/", {"actions": "x"}, format="json").status_code == 400


def test_api_assign_error_speaks_the_callers_language(api, closed):
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    api.as_user(closed.lead)
    resp = api.post(
        f"/api/support/requests/{req.pk}/assign/",
        {"member": 999999},
        format="json",
        headers={"accept-language": "zh-hans"},
    )
    assert resp.status_code == 400
    assert resp.json()["member"] == ["请选择本封闭区域服务组的成员。"]
