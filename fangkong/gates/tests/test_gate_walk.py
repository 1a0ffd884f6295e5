"""Issue 10, found on the walk at the gate: the printed pass number, the name on an allow, a fever
referral, and the warning before a pass goes to someone under observation."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fangkong.areas import services as area_services
from fangkong.areas.models import Level
from fangkong.gates import selectors, services
from fangkong.gates.models import FollowUp, Pass, ScanEvent
from fangkong.gates.tests.factories import make_gate, resident
from fangkong.observation.models import Alert

pytestmark = pytest.mark.django_db


def _issued(area, **extra):
    """A resident with a pass from the service (the card's number format)."""
    person, number = resident(area, with_pass=False, **extra)
    return person, number, services.pass_issue(actor=None, person=person, confirm=True)


# -- the number printed on the card ------------------------------------------------------------------


def test_typed_pass_number_is_recognised_on_the_check_page(client, tree, make_user):
    gate = make_gate(tree.a.community)
    person, _n, p = _issued(tree.a.household, name="李四")
    client.force_login(make_user("gate_volunteer", tree.a.community))
    typed = " " + p.number.lower() + " "  # typed by hand: case and spaces do not matter
    html = client.post(f"/gates/check/?place={gate.pk}", {"code": typed, "direction": "in"}).content.decode()
    assert 'data-result="allow"' in html
    scan = ScanEvent.objects.get()
    assert scan.person_id == person.pk and scan.entry == ScanEvent.Entry.PASS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's")
def test_pass_number_same_facts_on_both_paths(tree):
    from django.utils import timezone

    person, _n, p = _issued(tree.a.household)
    entry = selectors.classify_entry(p.number)[:2]
    unknown = selectors.classify_entry("P0000000000")[:2]
    at = timezone.now()
    fast = selectors._gate_facts_sql([entry, unknown], at)
    plain = selectors._gate_facts_orm([entry, unknown], at)
    assert fast[entry].person.pk == plain[entry].person.pk == person.pk
    assert [x.id for x in fast[entry].passes] == [x.pk for x in plain[entry].passes] == [p.pk]
    assert fast[unknown].person is None and plain[unknown].person is None


# -- the name on an allow ----------------------------------------------------------------------------


def test_allow_names_the_person_only_inside_the_volunteers_jurisdiction(api, tree, make_user):
    second = area_services.area_create(actor=None, parent=tree.a.grid, name="2号楼", level=Level.BUILDING)
    home = area_services.area_create(actor=None, parent=second, name="201室", level=Level.HOUSEHOLD)
    gate = make_gate(tree.a.building)
    _person, number, _p = _issued(home, name="欧阳小明")

    def scan(user):
        body = {"client_id": str(uuid.uuid4()), "place": gate.pk, "code": number}
        return api.as_user(user).post("/api/gates/scans/", body, format="json").json()["verdict_detail"]

    whole = scan(make_user("gate_volunteer", tree.a.community))
    assert whole["result"] == "allow" and whole["name"] == "欧**明"
    # Posted at building 1 only: the resident of building 2 still passes, but unnamed.
    narrow = scan(make_user("gate_volunteer", tree.a.building))
    assert narrow["result"] == "allow" and "name" not in narrow


def test_check_page_shows_the_name(client, tree, make_user):
    gate = make_gate(tree.a.community)
    _person, number, _p = _issued(tree.a.household, name="王小二")
    client.force_login(make_user("gate_volunteer", tree.a.community))
    html = client.post(f"/gates/check/?place={gate.pk}", {"code": number, "direction": "in"}).content.decode()
    assert 'id="verdict-name">王*二<' in html


def test_mask_name():
    assert [services.mask_name(n) for n in ("张", "张三", "王小二", "欧阳小明")] == [
        "张",
        "张*",
        "王*二",
        "欧**明",
    ]


# -- fever at the gate -------------------------------------------------------------------------------


def test_fever_at_the_gate_refers_and_alerts(client, tree, make_user):
    from fangkong.observation.services import order_create

    gate = make_gate(tree.a.community, name="西门")
    person, number, _p = _issued(tree.a.household)
    order = order_create(actor=None, person=person, order_type="home", reason="returnee")
    plain, plain_number, _q = _issued(tree.a.household)
    vol = make_user("gate_volunteer", tree.a.community)
    for code in (number, number, plain_number):  # twice the same person: one referral
        _scan, res = services.scan_record(actor=vol, place=gate, code=code, temperature="38.2")
        assert res.verdict["result"] != "allow" and "fever" in res.verdict["codes"]
    fus = FollowUp.objects.filter(reason="fever").order_by("pk")
    assert [f.person_id for f in fus] == [person.pk, plain.pk]
    assert fus[0].area_path == person.area_path and "38.2" in fus[0].notes and "西门" in fus[0].notes
    alert = Alert.objects.get(order=order, kind="fever")
    assert "38.2" in alert.message
    assert not Alert.objects.exclude(order=order).exists()  # no order, no alert: the queue has it
    # The person's community sees the referral in its queue; another community does not.
    client.force_login(make_user("community_worker", tree.a.community))
    assert "38.2" in client.get("/gates/follow-ups/?reason=fever").content.decode()
    client.force_login(make_user("community_worker", tree.c.community))
    assert "38.2" not in client.get("/gates/follow-ups/?reason=fever").content.decode()


def test_normal_temperature_refers_nobody(tree):
    gate = make_gate(tree.a.community)
    _person, number, _p = _issued(tree.a.household)
    services.scan_record(actor=None, place=gate, code=number, temperature="36.6")
    assert not FollowUp.objects.exists()


# -- a pass for someone under observation ------------------------------------------------------------


def test_pass_for_someone_under_observation_needs_confirmation(tree):
    from fangkong.observation.services import order_create

    contact, _n = resident(tree.a.household, status="close_contact", with_pass=False)
    with pytest.raises(ValidationError) as exc:
        services.pass_issue(actor=None, person=contact)
    assert exc.value.error_dict["confirm"][0].code == "under_observation"
    ordered, _m = resident(tree.a.household, with_pass=False)
    order_create(actor=None, person=ordered, order_type="home", reason="returnee", start=None)
    ordered.refresh_from_db()
    ordered.status = "normal"  # the order alone is enough to warn
    with pytest.raises(ValidationError):
        services.pass_issue(actor=None, person=ordered)
    assert not Pass.objects.exists()
    assert services.pass_issue(actor=None, person=contact, confirm=True).person_id == contact.pk
    healthy, _h = resident(tree.a.household, with_pass=False)
    assert services.pass_issue(actor=None, person=healthy).person_id == healthy.pk


def test_pass_issue_page_warns_then_confirms(client, tree, make_user):
    person, number = resident(tree.a.household, status="home_observation", with_pass=False, name="钱八")
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.post("/gates/passes/issue/", {"id_number": number})
    html = resp.content.decode()
    assert resp.status_code == 400 and "钱八" in html and 'type="checkbox" name="confirm"' in html
    assert not person.gate_passes.exists()
    resp = client.post("/gates/passes/issue/", {"id_number": number, "confirm": "on"})
    assert resp.status_code == 302 and person.gate_passes.count() == 1


def test_pass_issue_api_warns_then_confirms(api, tree, make_user):
    person, _n = resident(tree.a.household, status="confirmed", with_pass=False)
    api.as_user(make_user("community_worker", tree.a.community))
    resp = api.post("/api/gates/passes/", {"person": person.pk}, format="json")
    assert resp.status_code == 400 and "confirm" in resp.json()
    assert not person.gate_passes.exists()
    resp = api.post("/api/gates/passes/", {"person": person.pk, "confirm": True}, format="json")
    assert resp.status_code == 201 and resp.json()["person"] == person.pk
