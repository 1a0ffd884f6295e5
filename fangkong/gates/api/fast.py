"""The single gate scan as a plain Django view (issue 23): POST /api/gates/scans/ from a device with a
token, answered from one database round trip (services.scan_one) without DRF.

It answers only what it can answer exactly as the DRF endpoint (ScanViewSet.create) does: a JSON
object with a token in `Authorization: Token …`, a valid scan, a place in the user's jurisdiction. For
anything else (no token or a session, a form body, a place token, a bad field, a refused token, a fever
or a returnee needing a follow-up, rules that changed) it returns None before writing anything, and the
request goes on to the DRF view, whose answers (401, 403, 400 with field errors, the follow-ups) are
the reference. `gates.middleware.ScanFastLane` calls it ahead of the middleware a token request does
not need (sessions, CSRF, messages, the page's CSP …), and adds what those would have added that
matters here: the request id, no-store, the language of the answer."""

from __future__ import annotations

import json
import uuid

from django.http import HttpResponse
from django.utils import translation

from ..services import payload_id
from ..services.scan_one import OneScan, available, scan_one
from ..verdicts import reason_text
from .serializers import _DATETIME, _DECIMAL
from .views import SCAN_FIELDS

PATH = "/api/gates/scans/"


def token_key(request) -> str | None:
    """The key of `Authorization: Token <key>`, parsed as DRF's TokenAuthentication does; None for any
    other header (DRF then answers: a malformed header is its 401, a missing one tries the session)."""
    parts = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(parts) != 2 or parts[0].lower() != "token" or not parts[1].isascii():
        return None
    return parts[1]


def scan_create(request, request_id: str) -> HttpResponse | None:
    if not available():
        return None
    key = token_key(request)
    if key is None or request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("place_token"):
        return None
    place_id = payload_id(data.get("place"))
    if place_id is None:
        return None
    post_id = None
    if data.get("post") not in (None, ""):
        post_id = payload_id(data["post"])
        if post_id is None:
            return None
    item = {k: data.get(k) for k in SCAN_FIELDS if k in data}
    if item.get("client_id") is None:
        item["client_id"] = uuid.uuid4()  # a client that sends none cannot retry anyway
    language = translation.get_language_from_request(request)
    with translation.override(language):
        res = scan_one(token_key=key, item=item, place_id=place_id, post_id=post_id, request_id=request_id)
        if res is None:
            return None
        body = render(res)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        status=201 if res.status == "accepted" else 200,
        content_type="application/json",
    )
    response["Content-Language"] = language
    response["Vary"] = "Accept, Accept-Language"
    return response


def render(res: OneScan) -> dict:
    """ScanViewSet.create's answer: serializers.scan_out of the scan, its status and the verdict (with
    the masked name when the volunteer may see it). test_hot_path holds the two to the same JSON."""
    texts = [reason_text(c) for c in res.codes]
    verdict = {"result": res.verdict, "codes": list(res.codes), "reasons": texts}
    if res.name is not None and res.status == "accepted" and res.verdict == "allow":
        from ..services import mask_name

        verdict["name"] = mask_name(res.name)
    t = res.temperature
    return {
        "id": res.scan_id,
        "client_id": str(res.client_id),
        "place": res.place_id,
        "place_name": res.place_name,
        "area": res.area_id,
        "person": res.person_id,
        "entry": res.entry,
        "entered_masked": res.entered_masked,
        "temperature": _DECIMAL.to_representation(t) if t is not None else None,
        "direction": res.direction,
        "verdict": res.verdict,
        "reasons": list(res.codes),
        "reason_texts": texts,
        "post": res.post_id,
        "volunteer": res.volunteer_id,
        "travel_from": res.travel_from,
        "scanned_at": _DATETIME.to_representation(res.scanned_at),
        "received_at": _DATETIME.to_representation(res.received_at),
        "status": res.status,
        "verdict_detail": verdict,
    }
