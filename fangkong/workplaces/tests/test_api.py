"""The workplaces API: scoped lists, writes through the services, clear 400s for bad numbers."""

import pytest

from fangkong.core.testing import api_ids
from fangkong.workplaces import services
from fangkong.workplaces.models import Room, Workplace

pytestmark = pytest.mark.django_db


def test_lists_are_scoped_and_a_contact_sees_their_own(api, wp):
    assert api_ids(api.as_user(wp.street), "/api/workplaces/workplaces/") == {wp.factory.pk, wp.other.pk}
    assert api_ids(api.as_user(wp.contact), "/api/workplaces/workplaces/") == {wp.factory.pk}
    assert api_ids(api.as_user(wp.other_street), "/api/workplaces/workplaces/") == set()


def test_create_workplace_and_room_with_bad_numbers(api, wp, dorm):
    c = api.as_user(wp.street)
    resp = c.post(
        "/api/workplaces/workplaces/",
        {"area": wp.tree.a.community.pk, "name": "API工地", "type": "construction_site"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert Workplace.objects.get(name="API工地").place.kind == "construction_site"
    resp = c.post(
        "/api/workplaces/rooms/",
        {"dormitory": dorm.above.pk, "number": "1", "floor_area": "20", "beds": 6, "occupants": 8},
        format="json",
    )
    assert resp.status_code == 400 and "occupants" in resp.json() and not Room.objects.exists()
    resp = c.post(
        "/api/workplaces/rooms/",
        {"dormitory": dorm.above.pk, "number": "1", "floor_area": "-2", "beds": 6, "occupants": 1},
        format="json",
    )
    assert resp.status_code == 400 and "floor_area" in resp.json()
    resp = c.post(
        "/api/workplaces/rooms/",
        {"dormitory": dorm.above.pk, "number": "1", "floor_area": "20", "beds": 8, "occupants": 8},
        format="json",
    )
    assert resp.status_code == 201
    rid = resp.json()["id"]
    violations = c.get(f"/api/workplaces/violations/?room={rid}").json()["results"]
    assert {v["rule"] for v in violations} == {
        "workplace.dormitory.min_area",
        "workplace.dormitory.max_per_room",
    }
    assert all(v["policy_version"] == 1 and v["policy_source"] for v in violations)
    resp = c.patch(f"/api/workplaces/rooms/{rid}/", {"occupants": 3}, format="json")
    assert resp.status_code == 200
    assert c.get(f"/api/workplaces/violations/?room={rid}&open=true").json()["results"] == []


def test_other_street_cannot_write_into_the_workplace(api, wp, dorm):
    c = api.as_user(wp.other_street)
    resp = c.post(
        "/api/workplaces/rooms/",
        {"dormitory": dorm.above.pk, "number": "1", "floor_area": "20", "beds": 2},
        format="json",
    )
    assert resp.status_code == 400 and not Room.objects.exists()
    resp = c.post("/api/workplaces/staff/", {"workplace": wp.factory.pk, "name": "甲"}, format="json")
    assert resp.status_code == 400


def test_plan_decide_through_the_api(api, wp):
    plan = services.plan_generate(actor=wp.contact, workplace=wp.factory)
    c = api.as_user(wp.contact)
    assert c.post(f"/api/workplaces/plans/{plan.pk}/submit/").status_code == 200
    assert (
        c.post(f"/api/workplaces/plans/{plan.pk}/decide/", {"approve": True}, format="json").status_code
        == 403
    )
    s = api.as_user(wp.street)
    resp = s.post(f"/api/workplaces/plans/{plan.pk}/decide/", {"approve": False}, format="json")
    assert resp.status_code == 400  # a rejection needs its reason
    resp = s.post(f"/api/workplaces/plans/{plan.pk}/decide/", {"approve": True}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
