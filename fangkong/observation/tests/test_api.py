import pytest
from django.utils import timezone

from fangkong.core.testing import APIViewTestCases
from fangkong.observation import services
from fangkong.observation.models import Alert, HealthReport, ObservationOrder, Room
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


class TestOrderAPI(APIViewTestCases):
    prefix = "observation/orders"
    model = ObservationOrder

    def valid_payload(self, tree):
        return {
            "person": make_person(tree.a.household).pk,
            "order_type": "home",
            "reason": "returnee",
            "source": "api",
        }

    def invalid_payload(self, tree):
        return {
            "person": make_person(tree.a.household).pk,
            "order_type": "jail",
            "reason": "returnee",
        }, "order_type"

    def test_create_computes_end(self, api, tree, make_user):
        user = make_user("community_worker", tree.a.community)
        resp = api.as_user(user).post(f"/api/{self.prefix}/", self.valid_payload(tree), format="json")
        body = resp.json()
        assert body["planned_end"] == str(timezone.localdate() + timezone.timedelta(days=14))
        assert [t["day"] for t in body["tests"]] == [7, 14] and body["status"] == "active"

    def test_person_outside_scope_is_400(self, api, tree, make_user):
        user = make_user("community_worker", tree.a.community)
        payload = {"person": make_person(tree.b.household).pk, "order_type": "home", "reason": "returnee"}
        resp = api.as_user(user).post(f"/api/{self.prefix}/", payload, format="json")
        assert resp.status_code == 400 and "person" in resp.json()


class TestReportAPI(APIViewTestCases):
    prefix = "observation/reports"
    model = HealthReport

    def _order(self, tree):
        return services.order_create(
            actor=None, person=make_person(tree.a.household), order_type="home", reason="returnee"
        )

    def valid_payload(self, tree):
        return {
            "order": self._order(tree).pk,
            "temperature": "37.5",
            "symptoms": ["cough"],
            "channel": "call",
        }

    def invalid_payload(self, tree):
        return {"order": self._order(tree).pk, "temperature": "99.0"}, "temperature"

    def test_fever_alert_and_resolve(self, api, tree, make_user):
        user = make_user("community_worker", tree.a.community)
        api.as_user(user).post(f"/api/{self.prefix}/", self.valid_payload(tree), format="json")
        alerts = api.get("/api/observation/alerts/?kind=fever").json()["results"]
        assert len(alerts) == 1 and "37.5" in alerts[0]["message"]
        resp = api.post(
            f"/api/observation/alerts/{alerts[0]['id']}/resolve/", {"action": "refer"}, format="json"
        )
        assert resp.status_code == 200 and resp.json()["status"] == "referred"
        assert (
            api.post(
                f"/api/observation/alerts/{alerts[0]['id']}/resolve/", {"action": "x"}, format="json"
            ).status_code
            == 400
        )
        assert Alert.objects.get(kind="fever").resolved_by == user


class TestRoomAPI(APIViewTestCases):
    prefix = "observation/rooms"
    model = Room

    def _site(self, tree):
        from fangkong.areas.models import Place

        return Place.objects.create(area=tree.a.community, kind="observation_site", name="观察点")

    def valid_payload(self, tree):
        return {
            "site": self._site(tree).pk,
            "number": "101",
            "floor": 1,
            "capacity": 1,
            "features": ["window"],
        }

    def invalid_payload(self, tree):
        return {"site": self._site(tree).pk, "number": "", "capacity": 1}, "number"
