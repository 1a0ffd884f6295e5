import datetime

import pytest
from django.utils import timezone

from fangkong.briefing.models import Briefing, FigureValue, Item
from fangkong.briefing.tests.factories import make_briefing
from fangkong.core.testing import APIViewTestCases
from fangkong.observation import services as obs
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


class TestBriefingAPI(APIViewTestCases):
    prefix = "briefing/briefings"
    model = Briefing
    creatable = False

    def test_generate_then_amend(self, api, tree, make_user):
        obs.order_create(actor=None, person=make_person(tree.a.household), order_type="home", reason="other")
        api.as_user(make_user("district_admin", tree.district))
        today = timezone.localdate().isoformat()
        resp = api.post(f"/api/{self.prefix}/generate/", {"date": today}, format="json")
        assert resp.status_code == 201 and resp.json()["version"] == 1, resp.content
        again = api.post(f"/api/{self.prefix}/generate/", {"date": today}, format="json")
        assert again.json()["id"] == resp.json()["id"]  # a retry is idempotent
        amended = api.post(f"/api/{self.prefix}/generate/", {"date": today, "amend": True}, format="json")
        assert amended.status_code == 201 and amended.json()["version"] == 2

    def test_generate_bad_input(self, api, tree, make_user):
        api.as_user(make_user("district_admin", tree.district))
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        resp = api.post(f"/api/{self.prefix}/generate/", {"date": tomorrow}, format="json")
        assert resp.status_code == 400 and "non_field_errors" in resp.json()
        resp = api.post(f"/api/{self.prefix}/generate/", {"date": "2026-02-30"}, format="json")
        assert resp.status_code == 400 and "date" in resp.json()
        yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        resp = api.post(f"/api/{self.prefix}/generate/", {"date": yesterday, "amend": True}, format="json")
        assert resp.status_code == 400 and "无法更正" in str(resp.json())

    def test_generate_needs_the_permission(self, api, tree, make_user):
        api.as_user(make_user("leadership_viewer", tree.district))
        resp = api.post(
            f"/api/{self.prefix}/generate/", {"date": timezone.localdate().isoformat()}, format="json"
        )
        assert resp.status_code == 403


class TestFigureAPI(APIViewTestCases):
    prefix = "briefing/figures"
    model = FigureValue
    creatable = False
    role = "leadership_viewer"


class TestItemAPI(APIViewTestCases):
    prefix = "briefing/items"
    model = Item

    def valid_payload(self, tree):
        return {
            "briefing": make_briefing(tree.a.household).pk,
            "kind": "task",
            "text": "落实三天三检",
            "area": tree.a.community.pk,
            "deadline": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        }

    def invalid_payload(self, tree):
        return {**self.valid_payload(tree), "kind": "wish"}, "kind"

    def test_other_communitys_briefing_is_400(self, api, tree, make_user):
        api.as_user(make_user("district_admin", tree.a.community))
        payload = {**self.valid_payload(tree), "briefing": make_briefing(tree.b.household).pk}
        resp = api.post(f"/api/{self.prefix}/", payload, format="json")
        assert resp.status_code == 400 and "briefing" in resp.json()

    def test_state(self, api, tree, make_user):
        api.as_user(make_user("district_admin", tree.a.community))
        item = api.post(f"/api/{self.prefix}/", self.valid_payload(tree), format="json").json()
        resp = api.post(f"/api/{self.prefix}/{item['id']}/state/", {"state": "done"}, format="json")
        assert resp.status_code == 200 and resp.json()["state"] == "done" and resp.json()["done_at"]
        resp = api.post(f"/api/{self.prefix}/{item['id']}/state/", {"state": "maybe"}, format="json")
        assert resp.status_code == 400
