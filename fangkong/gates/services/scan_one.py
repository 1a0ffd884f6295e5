"""One gate scan in one database round trip (issue 23): the hot path of a gate device.

On PostgreSQL the lookup, the verdict and the insert (with the visitor link of a person from another
community) run in the SQL function `gates_scan_one` (gates/sql/scan_one.sql, migration gates/0010). The
rules it needs come from the Python side, computed by the same code as every other scan and cached per
process: the paths where the token's user may scan (core.scoping, from the user's grants) and the gate
rules of the place for the minute (verdicts.GateRules). The function re-checks in the same statement
that none of it changed — token and user row (active, superuser, grants version, token age), the policy
stamp, the place's path — and writes nothing when anything did.

Whatever the function does not decide itself (a changed token or rule, a scan outside the user's
jurisdiction, a fever or a returnee without notice, whose follow-ups are written by Python) comes back
as None, and the caller takes the full path (scan_batch_record), which answers exactly as before. Its
twin for SQLite and the reference is scan_batch_record with verdicts.decide; test_hot_path runs both
over one table of codes."""

from __future__ import annotations

import datetime
import json
import threading
import uuid
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from fangkong.core.scoping import ALL, scope_paths

from .. import metrics, selectors
from ..models import ScanEvent
from ..verdicts import GateRules
from .scans import _clean_item

PERM = "gates.add_scanevent"
CACHE_SIZE = 4096
WHO_SECONDS = 60  # a token's user is re-derived at least this often (the function checks it each time)

# The argument types, spelled out: one prepared statement whatever Python types the values arrive in.
ARG_TYPES = (
    "text bigint boolean integer timestamptz text[] "  # who
    "bigint text text bigint numeric text[] text[] text[] "  # place and rules
    "uuid boolean timestamptz timestamptz text "  # the scan's key and times
    "text text text bigint text text numeric text text bigint boolean"  # what was scanned
).split()
STATEMENT = f"SELECT * FROM gates_scan_one({', '.join(f'%s::{t}' for t in ARG_TYPES)})"


@dataclass(frozen=True)
class Who:
    """What a token resolved to, as the function re-checks it: user, superuser, grants version."""

    user_id: int
    superuser: bool
    grants_version: int
    paths: str  # a text[] literal: sent as one string, not adapted element by element on every scan
    until: float


@dataclass(frozen=True)
class PlaceRules:
    """A place's gate rules for one minute, with the policy stamp and the place path they came from."""

    stamp: int
    place_path: str
    rules: GateRules
    args: tuple  # the function's rule arguments, adapted once per minute rather than per scan


@dataclass
class OneScan:
    """The answer of gates_scan_one: the stored (or decided) scan, ready to render."""

    status: str  # accepted | duplicate (decided: write=False)
    scan_id: int | None
    client_id: uuid.UUID
    verdict: str
    codes: list[str]
    person_id: int | None
    area_id: int | None
    place_id: int
    place_name: str
    entry: str
    entered_masked: str
    name: str | None
    temperature: object
    direction: str
    travel_from: str
    scanned_at: datetime.datetime | None
    received_at: datetime.datetime | None
    post_id: int | None
    volunteer_id: int | None


_lock = threading.Lock()
_WHO: dict[str, Who] = {}
_RULES: dict[tuple[int, int], PlaceRules] = {}


def available() -> bool:
    return connection.vendor == "postgresql"


def _remember(cache: dict, key, value) -> None:
    with _lock:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = value


def who_for_token(key: str, now: float) -> Who | None:
    """The token's user and where they may scan; None for a token DRF would refuse (it answers then)."""
    found = _WHO.get(key)
    if found is not None and found.until > now:
        return found
    from rest_framework.exceptions import AuthenticationFailed

    from fangkong.core.drf import FastTokenAuthentication

    try:
        user, _token = FastTokenAuthentication().authenticate_credentials(key)
    except AuthenticationFailed:
        return None
    paths = scope_paths(user, PERM)
    who = Who(
        user_id=user.pk,
        superuser=paths is ALL,
        grants_version=user.grants_version,
        paths=_array(paths or ()),
        until=now + WHO_SECONDS,
    )
    _remember(_WHO, key, who)
    return who


def rules_for(place_id: int, at: datetime.datetime) -> PlaceRules | None:
    """The place's rules for the minute of `at` (one round trip for place and stamp on a miss)."""
    key = (place_id, int(at.timestamp() // 60))
    found = _RULES.get(key)
    if found is not None:
        return found
    places, stamp, _facts = selectors.scan_lookups([place_id], [], at)
    place = places.get(place_id)
    if place is None:
        return None
    rules = GateRules.load(place=place, at=at, stamp=stamp)
    args = (
        place.area_path,
        rules.community_path,
        stamp,
        str(rules.threshold),
        _array(sorted(rules.deny_statuses)),
        _array(sorted(rules.refer_statuses)),
        _array(rules.risk_areas),
    )
    found = PlaceRules(stamp=stamp, place_path=place.area_path, rules=rules, args=args)
    _remember(_RULES, key, found)
    return found


def _array(values) -> str:
    """A PostgreSQL text[] literal, every element quoted."""
    quoted = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


def _fetch(params: list):
    """The one statement. No health-check round trip first (CONN_HEALTH_CHECKS would add a `SELECT 1`
    to every scan): a connection found dead on this statement is reopened and the statement sent once
    more, which is safe because the scan is idempotent by (client_id, scanned_at) — at worst a scan
    stored just before the connection died is answered as a duplicate of itself."""
    for attempt in (1, 2):
        connection.ensure_connection()
        raw = connection.connection
        try:
            with connection.wrap_database_errors, psycopg.Cursor(raw) as cur:
                cur.execute(STATEMENT, params, prepare=True)
                row = cur.fetchone()
            connection.health_check_done = True  # it just answered: no `SELECT 1` for the rest of the request
            return row
        except (OperationalError, InterfaceError):
            if attempt == 2 or connection.in_atomic_block or not (raw.closed or raw.broken):
                raise
            connection.close()
    return None  # pragma: no cover


def scan_one(
    *, token_key: str, item: dict, place_id: int, post_id: int | None, request_id: str, write: bool = True
) -> OneScan | None:
    """One scan by a token-authenticated device, decided and stored in one statement; None when the
    full path must answer (nothing was written then). `item` holds the payload's scan fields."""
    now = timezone.now()
    cleaned, errors = _clean_item(item, now)
    if errors:
        return None
    who = who_for_token(token_key, now.timestamp())
    if who is None:
        return None
    at = cleaned["scanned_at"] or now
    rules = rules_for(place_id, at)
    if rules is None:
        return None
    kind, key, masked = selectors.classify_entry(cleaned["code"])
    pass_id = number = None
    if kind == ScanEvent.Entry.PASS:
        pass_id = selectors._pass_ids({key}).get(key)
        number = next(iter(selectors._pass_numbers({key})), None)
    ttl = settings.FANGKONG_TOKEN_TTL_HOURS
    row = _fetch(
        [
            token_key,
            who.user_id,
            who.superuser,
            who.grants_version,
            now - datetime.timedelta(hours=ttl) if ttl else None,
            who.paths,
            place_id,
            *rules.args,
            cleaned["client_id"],
            cleaned["scanned_at"] is not None,
            at,
            now,
            request_id,
            kind,
            kind,
            key,
            pass_id,
            number,
            masked,
            cleaned["temperature"],
            cleaned["direction"],
            cleaned["travel_from"],
            post_id,
            write,
        ]
    )
    status = row[0] if row else None
    if status == "auth":
        _WHO.pop(token_key, None)
    elif status == "stale":
        _RULES.pop((place_id, int(at.timestamp() // 60)), None)
    if status not in ("accepted", "duplicate", "decided"):
        return None
    if status != "decided":  # the same counter as the full path's (gates/metrics.py)
        metrics.scans_counted(
            path="single", accepted=status == "accepted", duplicate=status == "duplicate", error=0
        )
    (
        _s,
        scan_id,
        verdict,
        codes,
        person,
        area,
        entered,
        name,
        place_name,
        scanned_at,
        received_at,
        temperature,
        direction,
        travel,
        post,
        volunteer,
        entry,
    ) = row
    return OneScan(
        status=status,
        scan_id=scan_id,
        client_id=cleaned["client_id"],
        verdict=verdict,
        # jsonb arrives as text (Django's psycopg set-up leaves JSON to the model field).
        codes=list(json.loads(codes) if isinstance(codes, str) else codes or []),
        person_id=person,
        area_id=area,
        place_id=place_id,
        place_name=place_name,
        entry=entry,
        entered_masked=entered,
        name=name,
        temperature=temperature,
        direction=direction,
        travel_from=travel,
        scanned_at=scanned_at,
        received_at=received_at,
        post_id=post,
        volunteer_id=volunteer,
    )
