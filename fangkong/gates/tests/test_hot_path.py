"""The gate's hot path: one-statement gate facts, prepared statements, COPY ingest, lean answers.

Each fast path has a plain twin (the ORM lookups, ScanSerializer, INSERT … ON CONFLICT); these tests
hold the two to the same answers, so a speed-up can never change what the gate decides."""

import datetime
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


# -- the single scan in one round trip (issue 23) -------------------------------------------------------


def _table_rows(tree):
    """The table above plus what the gate measures (fever, travel), a referred status and residents of
    another community (decided on their record, answered as unknown): (code, temperature, travel)."""
    gate, codes = _mixed_residents(tree)
    _p, secondary_id = resident(tree.a.household, status="secondary_contact")
    _p, outsider_id = resident(tree.b.household)
    _p, outsider_denied = resident(tree.b.household, status="close_contact")
    rows = [(code, None, "") for code in codes]
    ok_id = next(c for c, (v, _r) in codes.items() if v == "allow" and len(c) == 18)
    rows += [
        (secondary_id, "36.5", ""),
        (ok_id, "37.5", ""),  # fever: a follow-up, so the full path writes it
        (ok_id, "36.4", "湖北武汉"),
        (ok_id, "36.4", "上海"),
        (outsider_id, "36.5", ""),
        (outsider_denied, "36.5", "武汉"),
        (outsider_id, "38.2", ""),
        ("junk", None, ""),
    ]
    return gate, rows


@postgres_only
def test_sql_and_python_paths_give_every_row_the_same_verdict(tree, make_user):
    """Every row of the table through gates_scan_one (deciding without writing, then writing) and
    through the Python path (scan_batch_record): same result, reasons, stored person, masked name."""
    from fangkong.gates.services.scan_one import scan_one

    gate, rows = _table_rows(tree)
    user = make_user("gate_volunteer", tree.a.community)
    key = Token.objects.create(user=user).key
    at = timezone.now()
    stored_fast = 0
    for code, temperature, travel in rows:
        item = {"code": code, "temperature": temperature, "travel_from": travel, "scanned_at": at}
        [ref] = services.scan_batch_record(
            actor=user, items=[{**item, "client_id": uuid.uuid4(), "place": gate.pk}]
        )
        decided = scan_one(
            token_key=key,
            item={**item, "client_id": uuid.uuid4()},
            place_id=gate.pk,
            post_id=None,
            request_id="t",
            write=False,
        )
        assert decided is not None and decided.status == "decided", code
        stored = ScanEvent.objects.get(pk=ref.scan_id)
        assert (decided.verdict, decided.codes, decided.person_id) == (
            ref.verdict["result"],
            ref.verdict["codes"],
            stored.person_id,
        ), (code, temperature, travel)
        assert ("name" in ref.verdict) == (decided.name is not None and decided.verdict == "allow"), code
        fast = scan_one(
            token_key=key,
            item={**item, "client_id": uuid.uuid4()},
            place_id=gate.pk,
            post_id=None,
            request_id="t",
        )
        if (
            "fever" in ref.verdict["codes"]
            or "returnee_no_notice" in ref.verdict["codes"]
            and stored.person_id
        ):
            assert fast is None, code  # follow-ups are the Python path's: nothing written here
            continue
        assert fast is not None and fast.status == "accepted", code
        stored_fast += 1
        mine = ScanEvent.objects.get(pk=fast.scan_id)
        same = (
            "person_id",
            "entry",
            "entered_masked",
            "temperature",
            "verdict",
            "reasons",
            "area_id",
            "area_path",
            "place_id",
            "volunteer_id",
            "travel_from",
            "scanned_at",
            "direction",
        )
        assert {f: getattr(mine, f) for f in same} == {f: getattr(stored, f) for f in same}, code
    assert stored_fast >= len(rows) - 3
    # The visitor links: one per outsider scan on each path, none for anyone else.
    from fangkong.gates.models import ScanVisitor

    assert ScanVisitor.objects.count() == 2 * 3 - 1  # the feverish outsider went only through Python


def _scan_body(gate, code, **extra):
    return {"client_id": str(uuid.uuid4()), "place": gate.pk, "code": code, **extra}


@postgres_only
def test_fast_lane_answers_token_scans_without_drf_and_leaves_the_rest_to_it(
    api, tree, make_user, monkeypatch
):
    from fangkong.gates.api import views as api_views

    gate = make_gate(tree.a.community)
    _person, number = resident(tree.a.household)
    user = make_user("gate_volunteer", tree.a.community)
    api.as_user(user)
    calls = []
    real = api_views.ScanViewSet.create
    monkeypatch.setattr(
        api_views.ScanViewSet, "create", lambda self, r, *a, **k: calls.append(1) or real(self, r, *a, **k)
    )
    body = _scan_body(gate, number, scanned_at=timezone.now().isoformat())
    first = api.post("/api/gates/scans/", body, format="json", HTTP_X_REQUEST_ID="req-00001")
    assert first.status_code == 201 and calls == []
    assert first["X-Request-ID"] == "req-00001" and "no-store" in first["Cache-Control"]
    assert first["X-Frame-Options"] == "DENY"
    assert first.json()["verdict_detail"]["name"]  # the volunteer's own resident is named (masked)
    assert ScanEvent.objects.get(pk=first.json()["id"]).request_id == "req-00001"
    # A retry: the stored scan, 200, nothing written twice; untimed retries too.
    again = api.post("/api/gates/scans/", body, format="json")
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert again.json()["id"] == first.json()["id"] and calls == []
    untimed = _scan_body(gate, number)
    one = api.post("/api/gates/scans/", untimed, format="json").json()
    two = api.post("/api/gates/scans/", untimed, format="json").json()
    assert (one["status"], two["status"], two["id"]) == ("accepted", "duplicate", one["id"])
    assert ScanEvent.objects.count() == 2 and calls == []
    # What the fast lane does not answer goes to the DRF view: a fever (its follow-up), a gate outside the
    # jurisdiction (400 as before), a form body, a session.
    fever = api.post("/api/gates/scans/", _scan_body(gate, number, temperature="38.5"), format="json")
    assert (
        fever.status_code == 201 and FollowUp.objects.filter(reason="fever").count() == 1 and len(calls) == 1
    )
    other = make_gate(tree.c.community)
    outside = api.post("/api/gates/scans/", _scan_body(other, number), format="json")
    assert outside.status_code == 400 and "place" in outside.json() and len(calls) == 2
    form = api.post("/api/gates/scans/", _scan_body(gate, number))
    assert form.status_code == 201 and len(calls) == 3
    assert ScanEvent.objects.filter(place=other).count() == 0


@postgres_only
def test_fast_lane_refuses_what_drf_refuses_at_once(api, tree, make_user):
    """Nothing cached outlives a change: a deleted token, a deactivated user or a lost scope answers
    like the DRF endpoint on the very next scan, and a new policy version reaches the next verdict."""
    from fangkong.accounts.models import Scope
    from fangkong.accounts.services import _grants_changed
    from fangkong.policies.services import policy_add

    gate = make_gate(tree.a.community)
    _person, number = resident(tree.a.household)
    user = make_user("gate_volunteer", tree.a.community)
    api.as_user(user)
    assert api.post("/api/gates/scans/", _scan_body(gate, number), format="json").status_code == 201
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.post("/api/gates/scans/", _scan_body(gate, number), format="json").status_code == 401
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert api.post("/api/gates/scans/", _scan_body(gate, number), format="json").status_code == 201
    Scope.objects.filter(user=user).update(active=False)
    _grants_changed(user)
    assert api.post("/api/gates/scans/", _scan_body(gate, number), format="json").status_code == 403
    Scope.objects.filter(user=user).update(active=True)
    _grants_changed(user)
    ok = api.post("/api/gates/scans/", _scan_body(gate, number, temperature="36.9"), format="json").json()
    assert ok["verdict"] == "allow"
    policy_add(
        actor=None,
        key="gate.temperature.threshold",
        value=36.8,
        effective_from=timezone.now() - datetime.timedelta(minutes=5),
        source="test",
    )
    stricter = api.post("/api/gates/scans/", _scan_body(gate, number, temperature="36.9"), format="json")
    assert stricter.json()["verdict"] == "refer"
    Token.objects.filter(user=user).delete()
    assert api.post("/api/gates/scans/", _scan_body(gate, number), format="json").status_code == 401
    assert ScanEvent.objects.count() == 4
