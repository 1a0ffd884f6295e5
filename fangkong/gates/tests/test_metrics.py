"""The gate's scan counter on /metrics (core/metrics.py, gates/metrics.py): single, batch and COPY."""

import uuid

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from fangkong.core.tests.scrape import sample, scrape
from fangkong.gates.middleware import CSP
from fangkong.gates.services.scans import COPY_FROM
from fangkong.gates.tests.factories import make_gate, resident

pytestmark = pytest.mark.django_db

SCANS = "fangkong_gate_scans_total"


def _counts(client):
    text = scrape(client)
    return {
        (p, o): sample(text, SCANS, path=p, outcome=o)
        for p in ("single", "batch", "copy")
        for o in ("accepted", "duplicate", "error")
    }


def _delta(before, after):
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


def test_scans_through_the_api_are_counted_by_path_and_outcome(api, client, tree, make_user):
    gate = make_gate(tree.a.community)
    _person, number = resident(tree.a.household)
    api.as_user(make_user("gate_volunteer", tree.a.community))
    before = _counts(client)

    cid = str(uuid.uuid4())
    for _ in range(2):  # the retry is a duplicate
        resp = api.post(
            "/api/gates/scans/", {"client_id": cid, "place": gate.pk, "code": number}, format="json"
        )
        assert resp.status_code in (200, 201)
    after_single = _counts(client)
    assert _delta(before, after_single) == {("single", "accepted"): 1, ("single", "duplicate"): 1}

    at = timezone.now().isoformat()
    scans = [
        {"client_id": str(uuid.uuid4()), "place": gate.pk, "code": number, "scanned_at": at} for _ in range(3)
    ]
    scans.append({"client_id": str(uuid.uuid4()), "place": gate.pk, "code": "", "scanned_at": at})
    body = api.post("/api/gates/scans/batch/", {"scans": scans}, format="json").json()
    assert (body["accepted"], body["error"]) == (3, 1)
    after_batch = _counts(client)
    assert _delta(after_single, after_batch) == {("batch", "accepted"): 3, ("batch", "error"): 1}

    many = [
        {"client_id": str(uuid.uuid4()), "place": gate.pk, "code": number, "scanned_at": at}
        for _ in range(COPY_FROM)
    ]
    assert api.post("/api/gates/scans/batch/", {"scans": many}, format="json").json()["accepted"] == COPY_FROM
    assert _delta(after_batch, _counts(client)) == {("copy", "accepted"): COPY_FROM}


def test_token_scans_of_the_fast_lane_are_counted_too(client, tree, make_user):
    """A device's token scan is answered by the one-statement lane (gates/api/fast.py), not DRF: the
    counter must still see it, once per scan and its retry as a duplicate."""
    gate = make_gate(tree.a.community)
    _person, number = resident(tree.a.household)
    key = Token.objects.create(user=make_user("gate_volunteer", tree.a.community)).key
    before = _counts(client)
    cid = str(uuid.uuid4())
    for _ in range(2):
        resp = client.post(
            "/api/gates/scans/",
            {"client_id": cid, "place": gate.pk, "code": number},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
        assert resp.status_code in (200, 201)
        assert resp["Content-Security-Policy"] == CSP  # answered by the lane, not by DRF
    assert _delta(before, _counts(client)) == {("single", "accepted"): 1, ("single", "duplicate"): 1}
