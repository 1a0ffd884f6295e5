import pytest
from django.utils import timezone, translation

from fangkong.core.models import SensitiveAccess
from fangkong.people import services
from fangkong.people.models import Person, StatusChange

from .helpers import add_person, bad_check_digit, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def worker(tree, make_user):
    return make_user("community_worker", tree.a.community)


def test_list_is_masked_scoped_and_filtered(api, tree, worker):
    number = resident_id()
    mine = add_person(tree.a.household, name="张三", number=number)
    add_person(tree.b.household, name="张四", phone="")
    body = api.as_user(worker).get("/api/people/").json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    row = body["results"][0]
    assert row["id_masked"] == number[:6] + "********" + number[-4:]
    assert "id_number" not in row and "phone" not in row and row["phone_masked"] == "138****8000"
    assert number not in str(body)
    assert [r["name"] for r in api.get("/api/people/?q=zs").json()["results"]] == ["张三"]
    assert [r["id"] for r in api.get(f"/api/people/?q={number}").json()["results"]] == [mine.pk]
    assert api.get("/api/people/?status=home_observation").json()["results"] == []


def test_create_update_and_errors(api, tree, worker):
    api.as_user(worker)
    number = resident_id(female=True)
    resp = api.post(
        "/api/people/",
        {
            "household": tree.a.household.pk,
            "name": "王芳",
            "id_number": number,
            "phone": "13900001111",
            "person_type": "migrant",
            "relation": "tenant",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["sex"] == "F" and resp.json()["id_masked"].endswith(number[-4:])
    pk = resp.json()["id"]
    dup = api.post(
        "/api/people/", {"household": tree.a.household.pk, "name": "x", "id_number": number}, format="json"
    )
    assert dup.status_code == 400 and "已登记" in str(dup.json()["id_number"])  # zh-hans by default
    bad = api.post(
        "/api/people/",
        {"household": tree.a.household.pk, "name": "x", "id_number": bad_check_digit(resident_id())},
        format="json",
    )
    assert bad.status_code == 400 and "id_number" in bad.json()
    outside = api.post(
        "/api/people/",
        {"household": tree.b.household.pk, "name": "x", "id_number": resident_id()},
        format="json",
    )
    assert outside.status_code == 400 and "household" in outside.json()
    assert (
        api.post(
            "/api/people/", {"household": 999999, "name": "x", "id_number": resident_id()}, format="json"
        ).status_code
        == 400
    )
    resp = api.patch(f"/api/people/{pk}/", {"phone": "13900002222", "notes": "三楼"}, format="json")
    assert resp.status_code == 200 and resp.json()["phone_masked"] == "139****2222"
    assert api.get("/api/people/999999/").status_code == 404
    assert Person.objects.get(pk=pk).notes == "三楼"


def test_reveal_action_logs_and_checks_role(api, tree, worker, make_user):
    number = resident_id()
    p = add_person(tree.a.household, number=number)
    resp = api.as_user(worker).post(
        f"/api/people/{p.pk}/reveal/", {"field": "id_number", "reason": "办理出入证"}, format="json"
    )
    assert resp.status_code == 200 and resp.json() == {"field": "id_number", "value": number}
    assert SensitiveAccess.objects.get().reason == "办理出入证"
    assert api.post(f"/api/people/{p.pk}/reveal/", {"field": "id_number"}, format="json").status_code == 400
    grid = make_user("grid_member", tree.a.community)
    assert (
        api.as_user(grid)
        .post(f"/api/people/{p.pk}/reveal/", {"field": "id_number", "reason": "看看"}, format="json")
        .status_code
        == 403
    )
    other = make_user("community_worker", tree.b.community)
    assert (
        api.as_user(other)
        .post(f"/api/people/{p.pk}/reveal/", {"field": "id_number", "reason": "看看"}, format="json")
        .status_code
        == 404
    )
    assert SensitiveAccess.objects.count() == 1


def test_status_changes_endpoint(api, tree, worker):
    p = add_person(tree.a.household)
    api.as_user(worker)
    resp = api.post(
        "/api/status-changes/",
        {"person": p.pk, "status": "home_observation", "reason": "返京"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    p.refresh_from_db()
    assert p.status == "home_observation" and StatusChange.objects.get().set_by == worker
    assert (
        api.post(
            "/api/status-changes/", {"person": p.pk, "status": "flying", "reason": "x"}, format="json"
        ).status_code
        == 400
    )
    other = add_person(tree.b.household, phone="")
    assert (
        api.post(
            "/api/status-changes/", {"person": other.pk, "status": "normal", "reason": "x"}, format="json"
        ).status_code
        == 400
    )
    assert [r["status"] for r in api.get(f"/api/status-changes/?person={p.pk}").json()["results"]] == [
        "home_observation"
    ]


def test_ledger_and_visits_endpoints(api, tree, worker):
    p = add_person(tree.a.household)
    api.as_user(worker)
    resp = api.post(
        "/api/vulnerable-entries/",
        {"person": p.pk, "category": "elderly_alone", "responsible_name": "刘书记", "needs": "买菜"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    eid = resp.json()["id"]
    again = api.post("/api/vulnerable-entries/", {"person": p.pk, "category": "elderly_alone"}, format="json")
    assert again.status_code == 400 and "category" in again.json()
    assert (
        api.patch(f"/api/vulnerable-entries/{eid}/", {"needs": "送药"}, format="json").json()["needs"]
        == "送药"
    )
    resp = api.post(
        "/api/visits/",
        {"entry": eid, "date": str(timezone.localdate()), "channel": "wechat", "findings": "身体好"},
        format="json",
    )
    assert resp.status_code == 201 and resp.json()["by"] == worker.pk
    assert [
        r["id"]
        for r in api.get(
            f"/api/vulnerable-entries/?category=elderly_alone&area={tree.a.community.pk}"
        ).json()["results"]
    ] == [eid]
    # another community's area is not a choice: refused, not silently empty
    resp = api.get(f"/api/vulnerable-entries/?area={tree.b.community.pk}")
    assert resp.status_code == 400 and "area" in resp.json()


def test_grid_member_may_add_status_but_not_people(api, tree, make_user):
    grid = make_user("grid_member", tree.a.community)
    p = add_person(tree.a.household)
    api.as_user(grid)
    assert (
        api.post(
            "/api/people/",
            {"household": tree.a.household.pk, "name": "x", "id_number": resident_id()},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.post(
            "/api/status-changes/",
            {"person": p.pk, "status": "health_monitoring", "reason": "x"},
            format="json",
        ).status_code
        == 201
    )
    entry = services.vulnerable_entry_create(actor=None, person=p, category="disabled")
    assert (
        api.post(
            "/api/visits/",
            {"entry": entry.pk, "date": str(timezone.localdate()), "channel": "door", "findings": "ok"},
            format="json",
        ).status_code
        == 201
    )
