from fangkong.core.testing import APIViewTestCases
from fangkong.policies.models import Policy


class TestPolicyAPI(APIViewTestCases):
    prefix = "policies"
    model = Policy

    def valid_payload(self, tree):
        return {
            "key": "gate.temperature.threshold",
            "value": "37.5",
            "effective_from": "2026-01-01T00:00:00+08:00",
            "area": tree.a.community.pk,
            "source": "社区通知",
        }

    def invalid_payload(self, tree):
        return {
            "key": "gate.temperature.threshold",
            "value": "37.5",
            "area": tree.a.community.pk,
            "source": "x",
        }, "effective_from"


def test_value_endpoint_answers_for_an_area_and_a_time(api, tree, make_user):
    api.as_user(make_user("community_worker", tree.a.community))
    body = api.get(
        "/api/policies/value/?key=observation.close_contact.days&at=2020-05-01T00:00:00%2B08:00"
    ).json()
    assert body["value"] == 14 and body["version"] == 1
    body = api.get(
        f"/api/policies/value/?key=observation.close_contact.days&area={tree.a.household.pk}"
    ).json()
    assert body["value"] == 5 and "第九版" in body["source"]
    assert api.get(f"/api/policies/value/?key=x.y&area={tree.a.household.pk}").status_code == 404
    assert (
        api.get(f"/api/policies/value/?key=gate.temperature.threshold&area={tree.c.household.pk}").status_code
        == 404
    )
    assert api.get("/api/policies/value/?key=gate.temperature.threshold&at=yesterday").status_code == 400


def test_community_worker_cannot_write_policy(api, tree, make_user):
    api.as_user(make_user("community_worker", tree.a.community))
    resp = api.post("/api/policies/", TestPolicyAPI().valid_payload(tree), format="json")
    assert resp.status_code == 403
