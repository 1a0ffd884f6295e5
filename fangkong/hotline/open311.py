"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the pure part — keys, the JSON shapes of
services, service definitions, service requests and errors, and the parsing of query parameters. The
views (views_open311.py) authenticate, call the intake service and scope what they answer.

Our mapping: a service is a work-order category (service_code = its code, group = its group); a service
request is a WorkOrder; status "closed" is a closed order, every other status is "open"; requests are
accepted in realtime (the response carries the service_request_id at once), so there are no tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone

from fangkong.core.dates import DateError, parse_datetime

KEY_PREFIX = "fk311"


class Open311Error(Exception):
    """An error in the standard's format: HTTP status = code, body [{"code", "description"}]."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description

    def response(self) -> JsonResponse:
        return error_response(self.code, self.description)


def error_response(code: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": code, "description": str(description)}], status=code, safe=False)


def new_key() -> tuple[str, str, str]:
    """(the key shown once, its prefix to find it, its hash stored)."""
    prefix = f"{secrets.randbelow(10**8):08d}"  # digits: an order number "<prefix>:<client key>" reads as one
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(24)}"
    return key, prefix, key_hash(key)


def key_hash(key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


def key_prefix_of(key: str) -> str | None:
    parts = (key or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 8:
        return None
    return parts[1]


def iso(value) -> str | None:
    """ISO 8601 with the offset, as the standard asks (2010-04-14T06:37:38+08:00)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def service_json(*, code: str, name: str, description: str = "", group: str = "", keywords: str = "") -> dict:
    return {
        "service_code": code,
        "service_name": name,
        "description": description,
        "metadata": False,
        "type": "realtime",
        "keywords": keywords,
        "group": group,
    }


def definition_json(*, code: str) -> dict:
    """Our services ask for no attributes beyond the standard's fields."""
    return {"service_code": code, "attributes": []}


def parse_dt_param(params, name: str):
    """An ISO 8601 query parameter (start_date, end_date) or None; Open311Error 400 when malformed."""
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return parse_datetime(value)
    except DateError:
        raise Open311Error(400, f"{name} is not an ISO 8601 date and time: {value[:40]}") from None


def parse_ids(value: str) -> list[int]:
    """service_request_id=1,2,3 → [1, 2, 3]; Open311Error 400 for anything else."""
    out = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) > 18:
            raise Open311Error(400, f"service_request_id is not a list of numbers: {value[:40]}")
        out.append(int(part))
    return out
