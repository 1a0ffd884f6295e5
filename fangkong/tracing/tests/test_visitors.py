"""Issue 18: a visitor from another community scanned at a community gate is a candidate contact.

The scans go in through the gate's real API (single, batch and COPY-sized batch) as A's volunteer; the
gate's scan names nobody of B, the visitor link (gates.ScanVisitor) lets the investigation find them."""

import datetime
import uuid

import pytest
from django.utils import timezone

from fangkong.areas import services as area_services
from fangkong.gates.models import ScanEvent, ScanVisitor
from fangkong.gates.tests.factories import resident
from fangkong.tracing import services
from fangkong.tracing.models import Contact, TimelineEntry

pytestmark = pytest.mark.django_db


def _post(api, gate, codes_at, path):
    """Scan each (code, time) at the gate through the API path given; returns the answers."""
    items = [
        {"client_id": str(uuid.uuid4()), "place": gate.pk, "code": code, "scanned_at": at.isoformat()}
        for code, at in codes_at
    ]
    if path == "single":
        return [api.post("/api/gates/scans/", item, format="json").json() for item in items]
    if path == "copy":  # a batch of 20 or more goes through COPY: pad it with codes registered nowhere
        at = codes_at[0][1] - datetime.timedelta(days=3)
        items += [
            {
                "client_id": str(uuid.uuid4()),
                "place": gate.pk,
                "code": "110101199001011237",
                "scanned_at": at.isoformat(),
            }
            for _ in range(25)
        ]
    body = api.post("/api/gates/scans/batch/", {"scans": items}, format="json").json()
    assert body["accepted"] == len(items)
    return body["results"]


@pytest.mark.parametrize("path", ["single", "batch", "copy"])
def test_visitor_at_a_community_gate_is_a_candidate_for_the_investigator_only(
    api, client, tree, make_user, path
):
    gate = area_services.place_create(actor=None, area=tree.a.community, name="镇国寺门岗", kind="gate")
    case_person, case_number = resident(tree.a.household, name="甲病例")
    visitor, visitor_number = resident(tree.b.household, name="宛平访客", phone="13700000018")
    t = (timezone.now() - datetime.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    api.as_user(make_user("gate_volunteer", tree.a.community))
    answers = _post(api, gate, [(case_number, t), (visitor_number, t + datetime.timedelta(minutes=5))], path)
    # The gate's answer for the visitor is the one a code registered nowhere gets.
    visitor_answer = answers[1]
    verdict = visitor_answer.get("verdict_detail") or visitor_answer["verdict"]
    assert verdict["codes"] == ["unknown_person"] and visitor_answer.get("person") is None
    assert "宛平访客" not in str(answers)

    investigator = make_user("investigator", tree.street1)
    case = services.case_open(
        actor=investigator, person=case_person, sample_date=timezone.localdate(), lab="疾控"
    )
    client.force_login(investigator)
    assert client.post(f"/tracing/cases/{case.pk}/candidates/").status_code == 302
    contact = Contact.objects.get(case=case, person=visitor)
    # The contact lands in the visitor's own community, with place, both times and the overlap.
    assert contact.kind == "copresence" and contact.area_path == visitor.area_path
    [evidence] = contact.evidence
    assert evidence["place"] == "镇国寺门岗" and evidence["overlap"] == 25
    assert evidence["case_at"].startswith(timezone.localtime(t).strftime("%Y-%m-%dT%H:%M"))
    assert evidence["contact_at"].startswith(
        timezone.localtime(t + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    page = client.get(f"/tracing/cases/{case.pk}/").content.decode()
    assert "宛平访客" in page and "镇国寺门岗" in page and "25" in page
    listed = api.as_user(investigator).get("/api/tracing/contacts/", {"case": case.pk}).json()["results"]
    assert visitor.pk in {r["person"] for r in listed}

    # B's own community sees its resident's visit and the contact; A's worker sees nothing of B.
    worker_b = make_user("community_worker", tree.b.community)
    assert list(ScanVisitor.objects.visible_to(worker_b).values_list("person_id", flat=True)) == [visitor.pk]
    visits = api.as_user(worker_b).get("/api/gates/visits/").json()["results"]
    assert [(v["person"], v["place_name"]) for v in visits] == [(visitor.pk, "镇国寺门岗")]
    worker_a = make_user("community_worker", tree.a.community)
    assert api.as_user(worker_a).get("/api/gates/visits/").json()["results"] == []
    assert not ScanVisitor.objects.visible_to(worker_a).exists()
    assert not ScanVisitor.objects.visible_to(make_user("gate_volunteer", tree.a.community)).exists()
    assert set(ScanEvent.objects.visible_to(worker_a).values_list("person_id", flat=True)) == {
        case_person.pk,
        None,
    }
    client.force_login(worker_a)
    for url in ("/gates/scans/", "/gates/refusals/", "/tracing/contacts/"):
        html = client.get(url).content.decode()
        # (the masked number the volunteer typed stays on the scan row: the gate saw the card)
        assert "宛平访客" not in html and "13700000018" not in html, url
    assert client.get(f"/tracing/cases/{case.pk}/").status_code == 403
    assert client.get(f"/tracing/contacts/{contact.pk}/").status_code in (403, 404)
    assert client.get("/lookup/people.person/", {"q": "宛平访客"}).json()["results"] == []
    assert client.get("/lookup/people.person/", {"q": visitor_number}).json()["results"] == []
    api.as_user(worker_a)
    scans = api.get("/api/gates/scans/").json()["results"]
    assert {r["person"] for r in scans} == {case_person.pk, None}
    assert "宛平访客" not in str(scans) and str(visitor.pk) not in {str(r["person"]) for r in scans}
    assert api.get("/api/tracing/contacts/").json()["results"] == []


def test_a_case_visiting_another_community_finds_that_communitys_residents(api, client, tree, make_user):
    """The other side: the case is the visitor (B's resident at A's gate); A's resident who passed five
    minutes later is their candidate, and the case's timeline shows the gate."""
    gate = area_services.place_create(actor=None, area=tree.a.community, name="镇国寺北门", kind="gate")
    case_person, case_number = resident(tree.b.household, name="乙病例")
    local, local_number = resident(tree.a.household, name="甲居民")
    t = (timezone.now() - datetime.timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    api.as_user(make_user("gate_volunteer", tree.a.community))
    _post(api, gate, [(case_number, t), (local_number, t + datetime.timedelta(minutes=8))], "batch")
    investigator = make_user("investigator", tree.street1)
    case = services.case_open(
        actor=investigator, person=case_person, sample_date=timezone.localdate(), lab="疾控"
    )
    assert TimelineEntry.objects.filter(case=case, source="scan", place=gate).count() == 1
    services.candidates_find(actor=investigator, case=case)
    contact = Contact.objects.get(case=case, person=local)
    assert contact.evidence[0]["overlap"] == 22 and contact.area_path == local.area_path
    # A's worker follows A's contact, and reads nothing of the case from B on it.
    client.force_login(make_user("community_worker", tree.a.community))
    html = client.get(f"/tracing/contacts/{contact.pk}/").content.decode()
    assert "乙病例" not in html and case_person.id_masked not in html


def test_risk_area_screening_finds_visitors_at_the_gate(api, tree, make_user):
    gate = area_services.place_create(actor=None, area=tree.a.community, name="镇国寺南门", kind="gate")
    visitor, number = resident(tree.b.household, name="宛平过客")
    t = timezone.now() - datetime.timedelta(hours=3)
    api.as_user(make_user("gate_volunteer", tree.a.community))
    _post(api, gate, [(number, t)], "single")
    investigator = make_user("investigator", tree.street1)
    for where in ({"place": gate}, {"area": tree.a.community}):
        spot = services.risk_area_create(
            actor=investigator,
            level="medium",
            valid_from=t - datetime.timedelta(hours=1),
            valid_to=t + datetime.timedelta(hours=1),
            source="通告",
            **where,
        )
        services.screening_run(actor=investigator, risk_area=spot)
        task = spot.tasks.get()
        assert task.person == visitor and task.area_path == visitor.area_path
