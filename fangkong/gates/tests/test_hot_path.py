"""The gate's hot path: one-statement gate facts, prepared statements, COPY ingest, lean answers.

Each fast path has a plain twin (the ORM lookups, ScanSerializer, INSERT … ON CONFLICT); these tests
hold the two to the same answers, so a speed-up can never change what the gate decides."""

import uuid

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from fangkong.core import sql
from fangkong.core.models import ChangeLog
from fangkong.gates import selectors, services
from fangkong.gates.api.serializers import ScanSerializer
from fangkong.gates.models import FollowUp, ScanEvent
from fangkong.gates.tests.factories import make_gate, resident
from fangkong.gates.verdicts import GateRules, decide
from fangkong.people.models import Person

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's"
)


def _mixed_residents(tree):
    """Every kind of code a gate meets, with the verdict each should get."""
    gate = make_gate(tree.a.community)
    ok, ok_id = resident(tree.a.household, phone="13800000001")
    home, home_id = resident(tree.a.household, status="home_observation")
    nopass, nopass_id = resident(tree.a.household, with_pass=False)
    revoked, revoked_id = resident(tree.a.household)
    services.pass_revoke(actor=None, pass_obj=revoked.gate_passes.get(), reason="moved out")
    resident(tree.a.household, phone="13900000002")
    resident(tree.a.household, phone="13900000002")  # a shared phone names nobody
    returnee, returnee_id = resident(tree.a.household, return_status=Person.Return.NOT_RETURNED)
    noticed, noticed_id = resident(tree.a.household, return_status=Person.Return.NOT_RETURNED)
    services.returnee_notice_submit(
        area=tree.a.community,
        submitted_by="self",
        name=noticed.name,
        id_number=noticed_id,
        travel_from="河北",
    )
    token = selectors.pass_token(ok.gate_passes.get())
    codes = {
        ok_id: ("allow", []),
        "13800000001": ("allow", []),
        token: ("allow", []),
        f"https://fk.example/gates/p/{token}/": ("allow", []),
        token[:-3] + "abc": ("deny", ["unknown_person"]),
        home_id: ("deny", ["status_home_observation"]),
        nopass_id: ("deny", ["no_pass"]),
        revoked_id: ("deny", ["pass_revoked"]),
        "13900000002": ("deny", ["unknown_person"]),
        returnee_id: ("deny", ["returnee_no_notice"]),
        noticed_id: ("allow", []),
        "110101199001011237": ("deny", ["unknown_person"]),
    }
    return gate, codes


def _decide_all(gate, facts_of, codes):
    at = timezone.now()
    entries = {c: selectors.classify_entry(c)[:2] for c in codes}
    facts = facts_of(list(entries.values()), at)
    out = {}
    for code, entry in entries.items():
        f = facts.get(entry, selectors.NOBODY)
        v = decide(
            person=f.person,
            temperature=None,
            travel_from="",
            rules=GateRules.load(place=gate, at=at),
            passes=f.passes,
            at=at,
            returnee_cleared=f.cleared,
        )
        out[code] = (v.result, v.codes, f.person.pk if f.person else None)
    return out


@postgres_only
def test_one_statement_facts_match_the_orm_lookups(tree):
    gate, codes = _mixed_residents(tree)
    fast = _decide_all(gate, selectors._gate_facts_sql, codes)
    plain = _decide_all(gate, selectors._gate_facts_orm, codes)
    assert fast == plain
    assert {code: (r, c) for code, (r, c, _pk) in fast.items()} == codes


def test_gate_verdicts_for_every_kind_of_code(tree):
    """The same table through the public path (whichever database runs the suite)."""
    gate, codes = _mixed_residents(tree)
    for code, expected in codes.items():
        _person, _masked, v = selectors.verdict_for_code(code, place=gate)
        assert (v.result, v.codes) == expected, code


@postgres_only
def test_hot_statements_are_prepared_once_per_connection(tree):
    gate = make_gate(tree.a.community)
    for _ in range(3):
        selectors.places_by_id([gate.pk])
    rows = sql.fetch(
        "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
        ["%FROM areas_place WHERE id = ANY%"],
    )
    assert len(rows) == 1 and rows[0][1] >= 3


def test_single_scan_answer_is_the_serializer_shape(api, tree, make_user):
    gate = make_gate(tree.a.community)
    _person, number = resident(tree.a.household)
    api.as_user(make_user("gate_volunteer", tree.a.community))
    body = {
        "client_id": str(uuid.uuid4()),
        "place": gate.pk,
        "code": number,
        "temperature": "37.4",
        "direction": "out",
        "scanned_at": timezone.now().isoformat(),
        "travel_from": "湖北武汉",
    }
    created = api.post("/api/gates/scans/", body, format="json").json()
    stored = ScanSerializer(ScanEvent.objects.select_related("place").get(pk=created["id"])).data
    assert {k: created[k] for k in stored} == dict(stored)
    assert created["verdict"] == "refer" and set(created["reasons"]) == {"fever", "risk_area"}


def _items(gate, codes, n, at=None):
    at = at or timezone.now()
    return [
        {"client_id": uuid.uuid4(), "place": gate.pk, "code": codes[i % len(codes)], "scanned_at": at}
        for i in range(n)
    ]


def test_large_batch_streams_by_copy_and_a_retry_is_exactly_once(tree):
    gate = make_gate(tree.a.community)
    codes = [resident(tree.a.household)[1] for _ in range(3)]
    first = _items(gate, codes, services.COPY_FROM + 10)
    results = services.scan_batch_record(actor=None, items=first)
    assert [r.status for r in results] == ["accepted"] * len(first)
    ids = {r.scan_id for r in results}
    assert ids == set(ScanEvent.objects.values_list("id", flat=True)) and len(ids) == len(first)
    # A retry that overlaps: the COPY attempt meets the stored rows, rolls back, and the staging path
    # writes only the new ones.
    more = _items(gate, codes, 5)
    again = services.scan_batch_record(actor=None, items=first + more)
    assert [r.status for r in again] == ["duplicate"] * len(first) + ["accepted"] * 5
    assert ScanEvent.objects.count() == len(first) + 5
    # And once more inside an outer transaction (the staging table empties itself either way).
    assert all(r.status == "duplicate" for r in services.scan_batch_record(actor=None, items=more))
    stored = ScanEvent.objects.get(client_id=first[0]["client_id"])
    assert stored.verdict == "allow" and stored.person_id is not None and stored.place_id == gate.pk


def test_scans_write_no_change_log_and_a_returnee_is_queued_once(tree):
    gate = make_gate(tree.a.community)
    returnee, number = resident(tree.a.household, return_status=Person.Return.NOT_RETURNED)
    before = ChangeLog.objects.count()
    services.scan_batch_record(actor=None, items=_items(gate, [number], 3))
    services.scan_record(actor=None, place=gate, code=number)
    assert FollowUp.objects.filter(person=returnee).count() == 1
    # The only change-log entry is the follow-up's creation: scans are their own record.
    assert ChangeLog.objects.count() == before + 1
    assert ScanEvent.objects.filter(person=returnee, verdict="deny").count() == 4


def test_token_auth_refuses_deleted_tokens_and_inactive_users(api, tree, make_user):
    user = make_user("community_worker", tree.a.community)
    api.as_user(user)
    assert api.get("/api/gates/scans/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("/api/gates/scans/").status_code == 401
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert api.get("/api/gates/scans/").status_code == 200
    Token.objects.filter(user=user).delete()
    assert api.get("/api/gates/scans/").status_code == 401


def test_batch_rejects_what_is_not_a_list_of_scans(api, tree, make_user):
    gate = make_gate(tree.a.community)
    api.as_user(make_user("gate_volunteer", tree.a.community))
    for body in ({"scans": "x"}, {"scans": []}, {}, {"scans": [{"place": gate.pk}] * 1001}):
        resp = api.post("/api/gates/scans/batch/", body, format="json")
        assert resp.status_code == 400 and "scans" in resp.json(), body
    resp = api.post("/api/gates/scans/batch/", {"scans": ["junk", {"place": gate.pk}]}, format="json")
    assert resp.status_code == 200 and resp.json()["error"] == 2
    assert ScanEvent.objects.count() == 0
