"""Gate scans: single, self-registered and batch ingest, and the referrals a scan raises."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import context, dates, sql
from fangkong.core.audit import record_bulk
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from .. import metrics, selectors
from ..models import (
    Direction,
    FollowUp,
    ScanEvent,
    ScanVisitor,
    Verdict,
)
from ..verdicts import GateRules, decide, is_outsider
from .followups import OPEN_FOLLOWUP_STATUSES, _followups_for_refusals

MAX_BATCH = 1000
DIRECTIONS = frozenset(Direction.values)
# The window a scan's device time must fall in (docs/architecture.md, "Bad input"): an offline queue
# may hold scans for days, but a clock reset to 1970 or set years ahead is a broken device, and its
# scan is rejected on its own rather than stored under a time no report would ever find.
SCAN_MAX_AGE = datetime.timedelta(days=30)
SCAN_MAX_AHEAD = datetime.timedelta(hours=1)
MAX_ID = 2**63 - 1  # bigint: a larger id is no id, not a database error


# -- scans --------------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    client_id: uuid.UUID
    status: str  # accepted | duplicate | error
    verdict: dict | None = None
    errors: dict = field(default_factory=dict)
    scan_id: int | None = None
    row: dict | None = None
    place: object = None  # the Place the scan was taken at (answers name it without another query)

    def as_dict(self) -> dict:
        out = {"client_id": str(self.client_id) if self.client_id else None, "status": self.status}
        if self.verdict is not None:
            out["verdict"] = self.verdict
        if self.errors:
            out["errors"] = self.errors
        if self.scan_id is not None:
            out["id"] = self.scan_id
        return out


SCAN_COLUMNS = [
    "client_id",
    "place_id",
    "area_id",
    "area_path",
    "person_id",
    "entry",
    "entered_masked",
    "temperature",
    "direction",
    "verdict",
    "reasons",
    "post_id",
    "volunteer_id",
    "travel_from",
    "scanned_at",
    "received_at",
    "request_id",
]


PG_TYPES = {
    "client_id": "uuid",
    "place_id": "bigint",
    "area_id": "bigint",
    "area_path": "text",
    "person_id": "bigint",
    "entry": "text",
    "entered_masked": "text",
    "temperature": "numeric",
    "direction": "text",
    "verdict": "text",
    "reasons": "jsonb",
    "post_id": "bigint",
    "volunteer_id": "bigint",
    "travel_from": "text",
    "scanned_at": "timestamptz",
    "received_at": "timestamptz",
    "request_id": "text",
}


# A visitor (a resident of another community) is stored apart from the scan: (person id, area id, area
# path) keyed by client id, written to ScanVisitor in the same statement (or COPY) as the scan.
Visitors = dict[uuid.UUID, tuple[int, int, str]]
VISITOR_COLUMNS = ["scan_id", "scanned_at", "place_id", "person_id", "area_id", "area_path", "source"]


def _insert_scans(rows: list[dict], visitors: Visitors | None = None) -> dict[uuid.UUID, int]:
    """One INSERT … ON CONFLICT DO NOTHING for all rows; returns {client_id: id} of the rows written.
    `visitors` ({client_id: (person id, area id, area path)}) are linked to the rows written, never to
    a duplicate (its link was written with it).

    On PostgreSQL the rows travel as one JSON document (INSERT … SELECT FROM json_array_elements): one
    parameter whatever the batch size, encoded by the json module's C encoder and parsed by the server,
    so neither the driver nor Django formats 17,000 values one by one, and one prepared statement."""
    if not rows:
        return {}
    visitors = visitors or {}
    table, cols = ScanEvent._meta.db_table, ", ".join(SCAN_COLUMNS)
    if connection.vendor == "postgresql":
        if len(rows) >= COPY_FROM:
            return _copy_scans(rows, visitors)
        # A few rows: each a JSON array in SCAN_COLUMNS order, one prepared statement, one round trip.
        picks = ", ".join(
            f"(r->{i})" if c == "reasons" else f"(r->>{i})::{PG_TYPES[c]}" for i, c in enumerate(SCAN_COLUMNS)
        )
        if not any(r["client_id"] in visitors for r in rows):
            doc = json.dumps([[r.get(c) for c in SCAN_COLUMNS] for r in rows], default=_json_default)
            sql_text = (
                f"INSERT INTO {table} ({cols}) SELECT {picks} FROM jsonb_array_elements(%s::jsonb) r "
                "ON CONFLICT DO NOTHING RETURNING id, client_id"
            )
            return {cid: pk for pk, cid in sql.fetch(sql_text, [doc])}
        # With a visitor: the link goes in the same statement (a data-modifying CTE), so a single scan
        # still costs one round trip, and only the rows actually written get a link.
        n = len(SCAN_COLUMNS)
        doc = json.dumps(
            [[r.get(c) for c in SCAN_COLUMNS] + list(visitors.get(r["client_id"], ())) for r in rows],
            default=_json_default,
        )
        sql_text = (
            f"WITH d AS (SELECT r FROM jsonb_array_elements(%s::jsonb) r), "
            f"ins AS (INSERT INTO {table} ({cols}) SELECT {picks} FROM d "
            "ON CONFLICT DO NOTHING RETURNING id, client_id, scanned_at, place_id), "
            f"vis AS (INSERT INTO {ScanVisitor._meta.db_table} ({', '.join(VISITOR_COLUMNS)}) "
            f"SELECT ins.id, ins.scanned_at, ins.place_id, (d.r->>{n})::bigint, (d.r->>{n + 1})::bigint, "
            f"d.r->>{n + 2}, '{ScanVisitor.Source.GATE}' FROM ins JOIN d ON (d.r->>0)::uuid = ins.client_id "
            f"WHERE jsonb_array_length(d.r) > {n}) "
            "SELECT id, client_id FROM ins"
        )
        return {cid: pk for pk, cid in sql.fetch(sql_text, [doc])}
    # SQLite: one multi-row VALUES (a demo batch is small).
    fk = {"place_id", "area_id", "person_id", "post_id", "volunteer_id"}
    fields = {c: ScanEvent._meta.get_field(c) for c in SCAN_COLUMNS if c not in fk}
    params = []
    for r in rows:
        for col in SCAN_COLUMNS:
            value = r.get(col)
            params.append(value if col in fk else fields[col].get_db_prep_value(value, connection))
    one = "(" + ", ".join(["%s"] * len(SCAN_COLUMNS)) + ")"
    sql_text = (
        f"INSERT INTO {table} ({cols}) VALUES "
        + ", ".join([one] * len(rows))
        + " ON CONFLICT DO NOTHING RETURNING id, client_id"
    )
    with transaction.atomic() if visitors else contextlib.nullcontext():
        written = {uuid.UUID(str(cid)): pk for pk, cid in sql.fetch(sql_text, params)}
        links = _visitor_values(rows, written, visitors)
        if links:
            ScanVisitor.objects.bulk_create(
                [ScanVisitor(**dict(zip(VISITOR_COLUMNS, v, strict=True))) for v in links]
            )
    return written


def _visitor_values(rows: list[dict], written: dict[uuid.UUID, int], visitors: Visitors) -> list[list]:
    """VISITOR_COLUMNS values for the visitors among the rows written."""
    return [
        [
            written[r["client_id"]],
            r["scanned_at"],
            r["place_id"],
            *visitors[r["client_id"]],
            ScanVisitor.Source.GATE,
        ]
        for r in rows
        if r["client_id"] in visitors and r["client_id"] in written
    ]


# From this many rows a batch streams through COPY (values formatted by psycopg's C code, no SQL text
# to parse, no per-row conflict check): first straight into the scan table with ids drawn from its
# sequence; if any row is already there (a retried batch), that attempt rolls back and the rows go
# through a per-connection staging table and one INSERT … ON CONFLICT DO NOTHING instead.
COPY_FROM = 20
STAGING = "gates_scan_staging"


def _copy_scans(rows: list[dict], visitors: Visitors | None = None) -> dict[uuid.UUID, int]:
    table, cols = ScanEvent._meta.db_table, ", ".join(SCAN_COLUMNS)
    visitors = visitors or {}
    values = [[json.dumps(r[c]) if c == "reasons" else r.get(c) for c in SCAN_COLUMNS] for r in rows]
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors, transaction.atomic(), raw.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        ids = [r[0] for r in cur.fetchall()]
        try:
            with transaction.atomic():  # a savepoint: a duplicate undoes only this attempt
                with cur.copy(f"COPY {table} (id, {cols}) FROM STDIN") as copy:
                    for pk, v in zip(ids, values, strict=True):
                        copy.write_row([pk, *v])
            copied = True
        except psycopg.errors.UniqueViolation:
            copied = False
        if copied:
            found = {r["client_id"]: pk for pk, r in zip(ids, rows, strict=True)}
            _copy_visitors(cur, _visitor_values(rows, found, visitors))
            return found
        # The staging table lives as long as the connection (ON COMMIT DELETE ROWS empties it). Created
        # IF NOT EXISTS on every retry (rare) rather than remembered: a transaction that rolls back
        # takes the table it created with it, and a remembered flag would then point at nothing.
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} ON COMMIT DELETE ROWS AS "
            f"SELECT {cols} FROM {table} WITH NO DATA"
        )
        with cur.copy(f"COPY {STAGING} ({cols}) FROM STDIN") as copy:
            for v in values:
                copy.write_row(v)
        cur.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {STAGING} "
            "ON CONFLICT DO NOTHING RETURNING id, client_id"
        )
        found = {cid: pk for pk, cid in cur.fetchall()}
        cur.execute(f"TRUNCATE {STAGING}")  # inside an outer transaction ON COMMIT comes later
        _copy_visitors(cur, _visitor_values(rows, found, visitors))
        return found


def _copy_visitors(cur, values: list[list]) -> None:
    if values:
        with cur.copy(f"COPY {ScanVisitor._meta.db_table} ({', '.join(VISITOR_COLUMNS)}) FROM STDIN") as copy:
            for v in values:
                copy.write_row(v)


def _json_default(v):
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    return str(v)  # UUID, Decimal


def payload_id(value) -> int | None:
    """A database id from a payload value, or None (a list, a float, 10**30 or "abc" is no id)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        n = int(value)
    except ValueError:
        return None
    return n if 0 < n <= MAX_ID else None


def _scan_time(at: datetime.datetime, now: datetime.datetime) -> datetime.datetime | None:
    """The device time in UTC if it lies in the accepted window, else None. UTC because Python takes
    offsets PostgreSQL refuses (+23:59), and an offset can push year 9999 past the calendar's end."""
    try:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        at = at.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return None
    return at if dates.within(at, past=SCAN_MAX_AGE, ahead=SCAN_MAX_AHEAD, now=now) else None


def _clean_item(item: dict, now: datetime.datetime | None = None) -> tuple[dict, dict]:
    """Validate one scan payload (already parsed types from the serializer or the caller)."""
    errors = {}
    cid = item.get("client_id")
    try:
        cid = cid if isinstance(cid, uuid.UUID) else uuid.UUID(str(cid)) if cid else None
    except ValueError:
        errors["client_id"] = [_("Not a valid UUID.")]
    if cid is None and "client_id" not in errors:
        errors["client_id"] = [_("This field is required.")]
    code = item.get("code")
    code = code.strip() if isinstance(code, str) else ""
    if not code:
        errors["code"] = [_("Scan a code or type an ID number or phone.")]
    elif len(code) > 500:
        errors["code"] = [_("At most 500 characters.")]
    elif "\x00" in code:  # PostgreSQL text cannot hold NUL: refuse it here, not in the batch insert
        errors["code"] = [_("Contains a NUL character.")]
    temp = item.get("temperature")
    if temp not in (None, ""):
        try:
            temp = decimal.Decimal(str(temp)).quantize(decimal.Decimal("0.1"))
            if not decimal.Decimal("30") <= temp <= decimal.Decimal("45"):
                errors["temperature"] = [_("A body temperature between 30 and 45 °C.")]
        except (decimal.InvalidOperation, ValueError):
            errors["temperature"] = [_("A number, e.g. 36.5.")]
    else:
        temp = None
    direction = item.get("direction") or Direction.IN
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        direction, errors["direction"] = Direction.IN, [_("In or out.")]
    at = item.get("scanned_at")
    if isinstance(at, str):
        try:  # the C parser first (devices send plain ISO 8601); Django's for the odd forms
            at = datetime.datetime.fromisoformat(at)
        except ValueError:
            try:
                at = parse_datetime(at)
            except ValueError:
                at = None
        if at is None:
            errors["scanned_at"] = [_("A date and time, ISO 8601.")]
    elif at is not None and not isinstance(at, datetime.datetime):
        at, errors["scanned_at"] = None, [_("A date and time, ISO 8601.")]
    if at is not None:
        at = _scan_time(at, now or timezone.now())
        if at is None:
            errors["scanned_at"] = [
                _("The device clock is off: a scan time within the last %(days)d days, not in the future.")
                % {"days": SCAN_MAX_AGE.days}
            ]
    travel = item.get("travel_from") or ""
    if not isinstance(travel, str):
        travel, errors["travel_from"] = "", [_("Text, e.g. a city.")]
    elif "\x00" in travel:
        travel, errors["travel_from"] = "", [_("Contains a NUL character.")]
    return {
        **item,
        "client_id": cid,
        "code": code,
        "temperature": temp,
        "direction": direction,
        "scanned_at": at,
        "travel_from": travel.strip()[:60],
    }, errors


def scan_batch_record(
    *, actor, items: list[dict], default_place=None, post=None, entry_override: str | None = None
) -> list[ScanResult]:
    """Ingest up to MAX_BATCH scans: set-based lookups, one INSERT … ON CONFLICT DO NOTHING.

    Each item: client_id, code (pass QR, ID or phone), place (Place or id; else default_place),
    temperature, direction, scanned_at, travel_from. A retried batch answers `duplicate` for rows
    already stored and writes nothing twice.

    Round trips on PostgreSQL, whatever the batch size: one for the reads (places, policy stamp, gate
    facts: persons, passes, notices; see selectors.scan_lookups), one for the insert (two or three
    for a COPY batch); plus the follow-up of a returnee refused without notice."""
    from fangkong.areas.models import Place

    if len(items) > MAX_BATCH:
        raise ValidationError({"scans": _("At most %(n)d scans per request.") % {"n": MAX_BATCH}})
    now = timezone.now()
    request_id = context.current().request_id
    cleaned, results = [], []
    for raw in items:
        item, errors = _clean_item(raw if isinstance(raw, dict) else {}, now)
        cleaned.append(item)
        results.append(
            ScanResult(client_id=item["client_id"], status="error" if errors else "", errors=errors)
        )

    # Without the device's time the unique key (client_id, scanned_at) cannot catch a retry: look first.
    untimed = [
        i["client_id"] for i, r in zip(cleaned, results, strict=True) if not r.status and not i["scanned_at"]
    ]
    if untimed:
        stored = {s.client_id: s for s in ScanEvent.objects.filter(client_id__in=untimed)}
        for item, res in zip(cleaned, results, strict=True):
            if not res.status and not item["scanned_at"] and item["client_id"] in stored:
                found = stored_result(stored[item["client_id"]])
                res.status, res.verdict, res.scan_id = found.status, found.verdict, found.scan_id

    places: dict[int, Place] = {}
    wanted = set()
    for item in cleaned:
        p = item.get("place") or default_place
        if isinstance(p, Place):
            places[p.pk] = p
            item["place_id"] = p.pk
        else:
            item["place_id"] = payload_id(p)
            if item["place_id"] is not None and item["place_id"] not in places:
                wanted.add(item["place_id"])
    # Person lookups first, place checks after: the reads then go out together in one round trip,
    # and nothing read for a scan that fails its place check leaves this function.
    pending = [(i, r) for i, r in zip(cleaned, results, strict=True) if not r.status]
    for item, _res in pending:
        item["entry"], item["key"], item["masked"] = selectors.classify_entry(item["code"])
        item["scanned_at"] = item["scanned_at"] or now
    # Passes are read from the earliest scan of the batch on; decide() checks each scan's own moment.
    found, stamp, facts = selectors.scan_lookups(
        wanted,
        [(i["entry"], i["key"]) for i, _r in pending],
        min((i["scanned_at"] for i, _r in pending), default=now),
    )
    places.update(found)
    for item, res in pending:
        place = places.get(item["place_id"]) if item["place_id"] is not None else None
        if place is None:
            res.status, res.errors = "error", {"place": [_("Unknown place.")]}
        elif actor is not None and not user_can_see_path(actor, "gates.add_scanevent", place.area_path):
            res.status, res.errors = "error", {"place": [_("This place is outside your jurisdiction.")]}
        else:
            item["place_obj"] = place
    ok = [(i, r) for i, r in pending if not r.status]
    rules_cache: dict = {}
    rows = []
    visitors: Visitors = {}
    volunteer_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    for item, res in ok:
        place, at = item["place_obj"], item["scanned_at"]
        fact = facts.get((item["entry"], item["key"]), selectors.NOBODY)
        person = fact.person
        item["person"] = person
        key = (place.pk, int(at.timestamp() // 60))
        if key not in rules_cache:
            rules_cache[key] = GateRules.load(place=place, at=at, stamp=stamp)
        verdict = decide(
            person=person,
            temperature=item["temperature"],
            travel_from=item["travel_from"],
            rules=rules_cache[key],
            passes=fact.passes,
            at=at,
            returnee_cleared=fact.cleared,
        )
        item["codes"] = verdict.codes
        if is_outsider(person, rules_cache[key]):
            # Decided on all data, answered and stored as the gate may know it: no person, no status.
            # Who it was goes to ScanVisitor, scoped by the person's own area (tracing reads it there).
            item["visitor"] = (person.pk, person.area_id, person.area_path)
            verdict, person = verdict.for_outsider(), None
        res.verdict, res.place = verdict.as_dict(), place
        if verdict.result == Verdict.ALLOW and person is not None and _may_name(actor, person):
            res.verdict["name"] = mask_name(person.name)
        item["threshold"] = rules_cache[key].threshold
        masked = item["masked"] or (person.id_masked if person else "")
        rows.append(
            {
                "client_id": item["client_id"],
                "place_id": place.pk,
                "area_id": place.area_id,
                "area_path": place.area_path,
                "person_id": person.pk if person else None,
                "entry": entry_override or item["entry"],
                "entered_masked": masked[:40],
                "temperature": item["temperature"],
                "direction": item["direction"],
                "verdict": verdict.result,
                "reasons": verdict.codes,
                "post_id": post.pk if post else item.get("post_id"),
                "volunteer_id": volunteer_id,
                "travel_from": item["travel_from"],
                "scanned_at": at,
                "received_at": now,
                "request_id": request_id,
            }
        )
    # Two items of one batch with the same client id: the first wins, the second is a duplicate.
    seen, unique_rows = set(), []
    for r, (item, _res) in zip(rows, ok, strict=True):
        if r["client_id"] not in seen:
            seen.add(r["client_id"])
            unique_rows.append(r)
            if item.get("visitor"):
                visitors[r["client_id"]] = item["visitor"]
    refusals = [
        (item, res)
        for item, res in ok
        if item["person"] is not None and "returnee_no_notice" in item["codes"]
    ]
    fevers = [(item, res) for item, res in ok if "fever" in res.verdict["codes"]]
    # One statement, so no transaction of our own unless follow-ups are written with it.
    with transaction.atomic() if refusals or fevers else contextlib.nullcontext():
        written = _insert_scans(unique_rows, visitors)
        by_client = {r["client_id"]: r for r in unique_rows}
        for _item, res in ok:
            res.status = "accepted" if res.client_id in written else "duplicate"
            res.scan_id = written.pop(res.client_id, None)
            if res.scan_id is not None:
                res.row = by_client[res.client_id]
        _followups_for_refusals(actor=actor, refusals=[(i, r) for i, r in refusals if r.scan_id])
        _referrals_for_fever(actor=actor, fevers=[(i, r) for i, r in fevers if r.scan_id])
    accepted = sum(1 for r in results if r.status == "accepted")
    duplicate = sum(1 for r in results if r.status == "duplicate")
    # The label of the insert's path: COPY from COPY_FROM rows on PostgreSQL (see _insert_scans).
    copied = len(unique_rows) >= COPY_FROM and connection.vendor == "postgresql"
    metrics.scans_counted(
        path="single" if len(items) == 1 else "copy" if copied else "batch",
        accepted=accepted,
        duplicate=duplicate,
        error=len(results) - accepted - duplicate,
    )
    return results


def _may_name(actor, person) -> bool:
    """The gate answer names the person only for a volunteer whose jurisdiction holds them (the same
    scoped permission that lets them scan there); a public self-registration names nobody."""
    return actor is not None and user_can_see_path(actor, "gates.add_scanevent", person.area_path)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧**明: enough to match the card and the face, not to read out."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _referrals_for_fever(*, actor, fevers) -> list[FollowUp]:
    """A fever at the gate (at or over the policy threshold) is referred: a follow-up in the queue of the
    person's community (the gate's, for someone unknown) and, for a person under observation, a fever
    alert on their order through the observation service. One open fever follow-up per person."""
    if not fevers:
        return []
    from fangkong.observation.services import fever_alert_at_gate

    known = {item["person"].pk for item, _res in fevers if item["person"] is not None}
    queued = set(
        FollowUp.objects.filter(
            person_id__in=list(known), reason="fever", status__in=OPEN_FOLLOWUP_STATUSES
        ).values_list("person_id", flat=True)
    )
    # Set-based, like the rest of the batch: one INSERT of follow-ups, one of their change-log rows, and
    # the observation service only for the few with an open order (found in one query).
    out = []
    for item, res in fevers:
        person, place = item["person"], item["place_obj"]
        if person is not None and person.pk in queued:
            continue
        if person is not None:
            queued.add(person.pk)
        where = person if person is not None else place
        fu = FollowUp(
            area_id=where.area_id,
            area_path=where.area_path,
            person_id=person.pk if person else None,
            place=place,
            scan_id=res.scan_id,
            reason="fever",
            notes=" · ".join(
                x
                for x in (f"{item['temperature']} ℃ ≥ {item['threshold']} ℃", place.name, item["masked"])
                if x
            ),
        )
        out.append((fu, item))
    if not out:
        return []
    created = FollowUp.objects.bulk_create([fu for fu, _item in out])
    # The change log names each follow-up by its person (FollowUp.__str__): hand it the person already
    # read with the scan instead of one query per follow-up.
    from fangkong.people.models import Person

    for fu, item in out:
        if item["person"] is not None:
            named = Person(id=item["person"].pk, name=item["person"].name)
            named._state.adding, named._state.db = False, fu._state.db
            fu.person = named
    record_bulk(created, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("fever at the gate"))
    from fangkong.observation.models import OPEN_STATUSES, ObservationOrder

    observed = set(
        ObservationOrder.objects.filter(
            person_id__in=[fu.person_id for fu, _i in out if fu.person_id], status__in=OPEN_STATUSES
        ).values_list("person_id", flat=True)
    )
    for fu, item in out:
        if fu.person_id in observed:
            fever_alert_at_gate(
                person_id=fu.person_id,
                temperature=item["temperature"],
                threshold=item["threshold"],
                place_name=item["place_obj"].name,
                at=item["scanned_at"],
            )
    return created


def scan_record(
    *,
    actor,
    place,
    code: str,
    client_id=None,
    temperature=None,
    direction: str = Direction.IN,
    scanned_at: datetime.datetime | None = None,
    post=None,
    travel_from: str = "",
    entry_override: str | None = None,
) -> tuple[ScanEvent | None, ScanResult]:
    """One gate check. Idempotent by client_id: a retry returns the stored scan and its verdict."""
    client_id = client_id or uuid.uuid4()
    [res] = scan_batch_record(
        actor=actor,
        post=post,
        entry_override=entry_override,
        items=[
            {
                "client_id": client_id,
                "place": place,
                "code": code,
                "temperature": temperature,
                "direction": direction,
                "scanned_at": scanned_at,
                "travel_from": travel_from,
            }
        ],
    )
    if res.status == "accepted":
        scan = ScanEvent(id=res.scan_id, **res.row)
        scan.place = res.place
        return scan, res
    if res.status == "duplicate":
        scan = ScanEvent.objects.filter(client_id=res.client_id).first()
        return scan, stored_result(scan)
    return None, res


def scan_self_register(
    *,
    place,
    name: str,
    id_number: str,
    client_id=None,
    temperature=None,
    direction: str = Direction.IN,
    travel_from: str = "",
):
    """A resident registering themself at a place's poster (no login). Name and ID must both match a
    resident: an ID alone (copied from someone's card) does not open the gate, it is recorded as an
    unknown entry under the name given. Returns (scan, result, person or None)."""
    _kind, person, _masked = selectors.person_for_code(id_number)
    if person is not None and person.name != (name or "").strip():
        person = None
    scan, res = scan_record(
        actor=None,
        place=place,
        code=id_number if person else f"?{name}",
        client_id=client_id,
        temperature=temperature,
        direction=direction or Direction.IN,
        travel_from=travel_from,
        entry_override=ScanEvent.Entry.SELF,
    )
    return scan, res, person


def stored_result(scan: ScanEvent) -> ScanResult:
    """The answer to a retry: the verdict the stored scan was given, status `duplicate`."""
    verdict = {"result": scan.verdict, "codes": scan.reasons, "reasons": scan.reason_texts()}
    return ScanResult(client_id=scan.client_id, status="duplicate", verdict=verdict, scan_id=scan.pk)
