import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.gates import selectors, services
from fangkong.gates.models import FollowUp, PlaceCode, ScanEvent
from fangkong.gates.tests.factories import make_gate, resident
from fangkong.people.models import Person
from fangkong.policies.models import Policy, PolicyDefinition

pytestmark = pytest.mark.django_db


def test_place_code_rotation_invalidates_old_token(tree):
    place = make_gate(tree.a.community)
    first = services.place_code_rotate(actor=None, place=place)
    token1 = selectors.place_token(first)
    assert selectors.place_code_resolve(token1).pk == first.pk
    second = services.place_code_rotate(actor=None, place=place)
    assert selectors.place_code_resolve(token1) is None
    assert selectors.place_code_resolve(selectors.place_token(second)).place == place
    assert selectors.place_code_resolve(token1[:-2] + "xx") is None
    assert PlaceCode.objects.filter(place=place, active=True).count() == 1


def test_pass_validity_from_policy(tree):
    person, _ = resident(tree.a.household, with_pass=False)
    start = timezone.now()
    p = services.pass_issue(actor=None, person=person, valid_from=start)
    assert p.valid_to - p.valid_from == datetime.timedelta(days=90)
    assert selectors.pass_resolve(selectors.pass_token(p)).pk == p.pk


def verdict(person, place, temperature="36.5", **kw):
    return selectors.verdict_for(person=person, temperature=temperature, place=place, at=timezone.now(), **kw)


def test_verdict_rules(tree):
    gate = make_gate(tree.a.community)
    ok, _ = resident(tree.a.household)
    assert verdict(ok, gate).result == "allow"
    v = verdict(ok, gate, temperature="37.3")
    assert v.result == "refer" and v.codes == ["fever"]
    assert "体温" in v.reasons[0] or "Temperature" in v.reasons[0]
    assert verdict(ok, gate, temperature="37.2").result == "allow"
    assert verdict(ok, gate, travel_from="湖北武汉").codes == ["risk_area"]
    home, _ = resident(tree.a.household, status="home_observation")
    assert verdict(home, gate).codes == ["status_home_observation"]
    assert verdict(home, gate).result == "deny"
    nopass, _ = resident(tree.a.household, with_pass=False)
    assert verdict(nopass, gate).codes == ["no_pass"]
    # A pass of community A does not open the gate of community B.
    other_gate = make_gate(tree.b.community)
    assert verdict(ok, other_gate).codes == ["no_pass"]
    assert verdict(None, gate).codes == ["unknown_person"]


def test_threshold_is_policy(tree):
    gate = make_gate(tree.a.community)
    ok, _ = resident(tree.a.household)
    d = PolicyDefinition.objects.get(key="gate.temperature.threshold")
    Policy.objects.create(
        definition=d,
        value="37.0",
        effective_from=timezone.now() - datetime.timedelta(hours=1),
        area=tree.a.community,
        area_path=tree.a.community.path,
        version=1,
        source="test",
    )
    assert verdict(ok, gate, temperature="37.1").codes == ["fever"]
    assert verdict(ok, make_gate(tree.b.community), temperature="37.1").codes == ["no_pass"]


def test_scan_record_idempotent(tree):
    gate = make_gate(tree.a.community)
    person, number = resident(tree.a.household)
    cid = uuid.uuid4()
    scan, res = services.scan_record(actor=None, place=gate, code=number, client_id=cid, temperature="38.0")
    assert res.status == "accepted" and scan.verdict == "refer" and scan.person == person
    assert scan.entered_masked.startswith(number[:6]) and number not in scan.entered_masked
    again, res2 = services.scan_record(actor=None, place=gate, code=number, client_id=cid, temperature="38.0")
    assert res2.status == "duplicate" and again.pk == scan.pk
    assert ScanEvent.objects.count() == 1


def test_batch_same_twice_same_count(tree):
    gate = make_gate(tree.a.community)
    person, number = resident(tree.a.household, phone="13800138000")
    at = timezone.now().isoformat()
    items = [
        {
            "client_id": str(uuid.uuid4()),
            "place": gate.pk,
            "code": code,
            "temperature": "36.6",
            "scanned_at": at,
        }
        for code in (number, "13800138000", "nonsense!")
    ]
    items.append({"client_id": "bad", "place": gate.pk, "code": number})
    first = services.scan_batch_record(actor=None, items=items)
    assert [r.status for r in first] == ["accepted", "accepted", "accepted", "error"]
    assert first[0].verdict["result"] == "allow" and first[2].verdict["codes"] == ["unknown_person"]
    second = services.scan_batch_record(actor=None, items=items)
    assert [r.status for r in second] == ["duplicate", "duplicate", "duplicate", "error"]
    assert ScanEvent.objects.count() == 3
    assert set(ScanEvent.objects.values_list("person_id", flat=True)) == {person.pk, None}


def test_batch_limit(tree):
    with pytest.raises(ValidationError):
        services.scan_batch_record(actor=None, items=[{}] * 1001)


def test_returnee_without_notice_lands_in_follow_up(tree):
    gate = make_gate(tree.a.community)
    landlord, _ = resident(tree.a.household, phone="13900139000", name="房东李")
    person, number = resident(tree.a.household, return_status=Person.Return.NOT_RETURNED, landlord=landlord)
    scan, res = services.scan_record(actor=None, place=gate, code=number)
    assert res.verdict["result"] == "deny" and "returnee_no_notice" in res.verdict["codes"]
    fu = FollowUp.objects.get(person=person)
    assert (
        fu.landlord_name == "房东李" and fu.landlord_phone_masked == "139****9000" and fu.scan_id == scan.pk
    )
    # After advance notice, the gate no longer says "without notice".
    services.returnee_notice_submit(
        area=tree.a.community, submitted_by="landlord", name=person.name, id_number=number, travel_from="湖北"
    )
    assert (
        "returnee_no_notice" not in selectors.verdict_for(person=person, temperature=None, place=gate).codes
    )
    assert FollowUp.objects.get(person=person).notice is not None


def test_returnee_pipeline_hands_over(tree, monkeypatch):
    from fangkong.gates.models import ReturneeNotice

    person, number = resident(tree.a.household, with_pass=False)
    notice = services.returnee_notice_submit(
        area=tree.a.household, submitted_by="self", name=person.name, id_number=number, travel_from="河北"
    )
    assert notice.person == person and len(notice.tracking_code) == 8
    services.returnee_review(actor=None, notice=notice, accept=True)
    conditions = services.observation_conditions(area_path=notice.area_path)
    with pytest.raises(ValidationError):
        services.home_inspection_record(actor=None, notice=notice, checklist={})
    insp = services.home_inspection_record(actor=None, notice=notice, checklist={c: True for c in conditions})
    assert insp.conditions_met
    notice = services.returnee_decide(
        actor=None, notice=ReturneeNotice.objects.get(pk=notice.pk), decision="home"
    )
    assert notice.stage == "decided"
    calls = []

    class FakeOrder:
        pk = 7

        class _meta:  # noqa: N801
            label = "observation.ObservationOrder"

    import fangkong.observation

    fake = type("M", (), {"order_create": staticmethod(lambda **kw: calls.append(kw) or FakeOrder())})
    monkeypatch.setitem(__import__("sys").modules, "fangkong.observation.services", fake)
    monkeypatch.setattr(fangkong.observation, "services", fake, raising=False)
    notice = services.returnee_letter_sign(actor=None, notice=notice, signed_by=person.name)
    assert notice.stage == "completed" and notice.issued_pass.person == person
    assert notice.observation_order == "observation.ObservationOrder:7"
    assert (
        calls[0]["order_type"] == "home" and calls[0]["reason"] == "returnee" and calls[0]["person"] == person
    )


def test_seal_and_checks(tree):
    seal = services.seal_create(actor=None, area=tree.a.household, reason="empty_home", slip_number="F-001")
    services.seal_check_record(actor=None, seal=seal, result="breached", note="撕开")
    assert seal.checks.get().result == "breached"
    with pytest.raises(ValidationError):
        services.seal_check_record(actor=None, seal=seal, result="maybe")


def test_returnee_hand_off_to_real_observation_app(tree):
    """The contract with the observation app: order_create(actor, person, order_type, reason, source)."""
    obs = pytest.importorskip("fangkong.observation.services")
    if not hasattr(obs, "order_create"):
        pytest.skip("observation app not ready")
    from fangkong.gates.models import ReturneeNotice

    person, number = resident(tree.a.household, with_pass=False)
    notice = services.returnee_notice_submit(
        area=tree.a.household,
        submitted_by="employer",
        name=person.name,
        id_number=number,
        travel_from="河北",
        employer="某公司",
    )
    services.returnee_review(actor=None, notice=notice, accept=True)
    services.home_inspection_record(
        actor=None,
        notice=notice,
        checklist={c: False for c in services.observation_conditions(area_path=notice.area_path)},
    )
    notice = services.returnee_decide(
        actor=None, notice=ReturneeNotice.objects.get(pk=notice.pk), decision="employer_centralized"
    )
    notice = services.returnee_letter_sign(actor=None, notice=notice, signed_by=person.name)
    label, pk = notice.observation_order.split(":")
    from django.apps import apps

    order = apps.get_model(label).objects.get(pk=pk)
    assert order.person_id == person.pk and order.order_type == "employer_centralized"
    assert notice.issued_pass.is_valid_at(timezone.now())


def test_partitions_by_day_and_default_rows_move(tree):
    """On PostgreSQL scans land in their day's partition; a day created later takes its rows from DEFAULT."""
    from django.db import connection

    from fangkong.gates import partitions

    if not partitions.is_partitioned():
        pytest.skip("not PostgreSQL")
    gate = make_gate(tree.a.community)
    far = timezone.now() - datetime.timedelta(days=20)  # before the prepared days, inside the scan window
    services.scan_record(actor=None, place=gate, code="13800000000", scanned_at=far)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM gates_scanevent_default")
        assert cur.fetchone()[0] == 1
    created = partitions.partitions_ensure(start=timezone.localdate(far), days=1)
    assert created == [partitions.partition_name(timezone.localdate(far))]
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM gates_scanevent_default")
        assert cur.fetchone()[0] == 0
        cur.execute(f"SELECT count(*) FROM {created[0]}")
        assert cur.fetchone()[0] == 1
    assert ScanEvent.objects.count() == 1
