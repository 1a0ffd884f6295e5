"""Bad input at the gate never yields a 500: a bad scan is rejected on its own, the rest are stored."""

import uuid

import pytest
from django.utils import timezone

from fangkong.gates.models import Pass, ScanEvent
from fangkong.gates.tests.factories import make_gate, resident

pytestmark = pytest.mark.django_db


def _batch(gate, people, **bad):
    at = timezone.now().isoformat()
    scans = [
        {"client_id": str(uuid.uuid4()), "place": gate.pk, "code": n, "temperature": "36.5", "scanned_at": at}
        for _p, n in people
    ]
    scans.insert(1, {"client_id": str(uuid.uuid4()), "place": gate.pk, "code": people[0][1], **bad})
    return scans


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"scanned_at": "1970-01-01T00:00:05Z"}, "scanned_at"),  # a device whose clock was reset
        ({"scanned_at": "9999-12-31T23:59:59+00:00"}, "scanned_at"),
        ({"scanned_at": "9999-12-31T23:59:59-23:59"}, "scanned_at"),  # past the end of the calendar in UTC
        ({"scanned_at": "0001-01-01T00:00:00+23:59"}, "scanned_at"),
        ({"scanned_at": ["2020-02-01T08:00:00+08:00"]}, "scanned_at"),
        ({"code": "110101\x00199001011237"}, "code"),
        ({"travel_from": "武汉\x00"}, "travel_from"),
        ({"client_id": "a\x00b"}, "client_id"),
        ({"place": 10**30}, "place"),
        ({"place": "\x00"}, "place"),
        ({"place": [1, 2]}, "place"),
        ({"code": ["110101199001011237"]}, "code"),
        ({"temperature": [36.5]}, "temperature"),
        ({"temperature": "NaN"}, "temperature"),
        ({"temperature": "1e999999"}, "temperature"),
        ({"direction": ["in"]}, "direction"),
        ({"travel_from": {"city": "武汉"}}, "travel_from"),
    ],
)
def test_batch_rejects_bad_item_and_stores_the_rest(api, tree, make_user, bad, field):
    gate = make_gate(tree.a.community)
    people = [resident(tree.a.household) for _ in range(3)]
    api.as_user(make_user("gate_volunteer", tree.a.community))
    scans = _batch(gate, people, **bad)
    resp = api.post("/api/gates/scans/batch/", {"scans": scans}, format="json")
    assert resp.status_code == 200, resp.content[:500]
    body = resp.json()
    assert (body["accepted"], body["error"]) == (3, 1), body
    assert body["results"][1]["status"] == "error" and field in body["results"][1]["errors"]
    assert ScanEvent.objects.count() == 3
    # A retry of the same batch writes nothing twice and rejects the same item again.
    again = api.post("/api/gates/scans/batch/", {"scans": scans}, format="json").json()
    assert (again["accepted"], again["duplicate"], again["error"]) == (0, 3, 1)
    assert ScanEvent.objects.count() == 3


def test_batch_of_25_with_one_1970_scan_uses_copy_and_stores_24(api, tree, make_user):
    """The offline queue's batch goes through COPY from 20 rows on; one bad clock must not sink it."""
    gate = make_gate(tree.a.community)
    people = [resident(tree.a.household) for _ in range(24)]
    api.as_user(make_user("gate_volunteer", tree.a.community))
    scans = _batch(gate, people, scanned_at="1970-01-01T00:00:00+00:00")
    body = api.post("/api/gates/scans/batch/", {"scans": scans}, format="json").json()
    assert (body["accepted"], body["error"]) == (24, 1), body
    assert "scanned_at" in body["results"][1]["errors"]
    assert ScanEvent.objects.count() == 24


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"scanned_at": "1970-01-01T00:00:00Z"}, "scanned_at"),
        ({"scanned_at": "9999-12-31T23:59:59-23:59"}, "scanned_at"),
        ({"code": "abc\x00"}, "code"),
        ({"place": 10**30}, "place"),
        ({"place": [1]}, "place"),
        ({"post": 10**30}, "post"),
        ({"post": ["x"]}, "post"),
        ({"place_token": ["x"]}, "place_token"),
        ({"place_token": "\x00"}, "place_token"),
        ({"client_id": {"a": 1}}, "client_id"),
    ],
)
def test_single_scan_bad_field_is_400(api, tree, make_user, bad, field):
    gate = make_gate(tree.a.community)
    _person, number = resident(tree.a.household)
    api.as_user(make_user("gate_volunteer", tree.a.community))
    body = {"place": gate.pk, "code": number, **bad}
    resp = api.post("/api/gates/scans/", body, format="json")
    assert resp.status_code == 400, resp.content[:500]
    assert field in resp.json()
    assert ScanEvent.objects.count() == 0


def test_revoke_pass_abc_is_404_not_500(api, client, tree, make_user):
    person, _ = resident(tree.a.household)
    p = person.gate_passes.get()
    user = make_user("community_worker", tree.a.community)
    api.as_user(user)
    resp = api.post("/api/gates/passes/abc/revoke/", {"reason": "搬离"}, format="json")
    assert resp.status_code == 404
    client.force_login(user)
    assert client.post("/gates/passes/abc/revoke/", {"reason": "搬离"}).status_code == 404
    assert Pass.objects.get(pk=p.pk).revoked_at is None


@pytest.mark.parametrize(
    "valid_from", ["9999-12-30T00:00:00+08:00", "0001-01-01T12:00:00+08:00", "1970-01-01T00:00:00Z"]
)
def test_pass_start_far_away_is_400(api, tree, make_user, valid_from):
    person, _ = resident(tree.a.household, with_pass=False)
    api.as_user(make_user("community_worker", tree.a.community))
    resp = api.post("/api/gates/passes/", {"person": person.pk, "valid_from": valid_from}, format="json")
    assert resp.status_code == 400, resp.content[:300]
    assert "valid_from" in resp.json()
    assert not Pass.objects.filter(person=person).exists()
    resp = api.post("/api/gates/passes/", {"person": person.pk}, format="json")
    assert resp.status_code == 201 and Pass.objects.filter(person=person).count() == 1
