"""Writes of the gates app. Each function is one transaction and writes its change-log record.

Scans are the exception: ScanEvent rows are append-only and themselves carry who (volunteer), when
(received_at) and from which request (request_id), so they are their own audit trail and write no
change-log entry; that keeps a gate scan to a handful of round trips and batch ingest set-based."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import json
import secrets
import uuid
from dataclasses import dataclass, field

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import context, crypto, sql
from fangkong.core.audit import model_update, msgid, record, record_bulk, snapshot
from fangkong.core.identity import IdentityError, IdType, mask_id, mask_phone, validate_document
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path
from fangkong.policies.selectors import policy_value

from . import selectors
from .models import (
    Direction,
    FollowUp,
    HomeInspection,
    InspectionPhoto,
    Pass,
    PlaceCode,
    Post,
    PostShift,
    ReturneeNotice,
    ScanEvent,
    Seal,
    SealCheck,
    Verdict,
)
from .verdicts import GateRules, decide, is_outsider

MAX_BATCH = 1000
DIRECTIONS = frozenset(Direction.values)
# The window a scan's device time must fall in (docs/architecture.md, "Bad input"): an offline queue
# may hold scans for days, but a clock reset to 1970 or set years ahead is a broken device, and its
# scan is rejected on its own rather than stored under a time no report would ever find.
SCAN_MAX_AGE = datetime.timedelta(days=30)
SCAN_MAX_AHEAD = datetime.timedelta(hours=1)
MAX_ID = 2**63 - 1  # bigint: a larger id is no id, not a database error
# A pass starting in 9999 ran its end off the calendar (a 500); in 1970 no policy was in force.
PASS_START_MAX_PAST = datetime.timedelta(days=30)
PASS_START_MAX_AHEAD = datetime.timedelta(days=30)

# -- place codes --------------------------------------------------------------------------------------


@transaction.atomic
def place_code_rotate(*, actor, place) -> PlaceCode:
    """Issue a new signed token for a place; the previous one stops working at once."""
    from fangkong.areas.models import Place

    place = Place.objects.select_for_update().get(pk=place.pk)
    now = timezone.now()
    last = PlaceCode.objects.filter(place=place).order_by("-version").first()
    for old in PlaceCode.objects.filter(place=place, active=True):
        before = snapshot(old)
        old.active, old.rotated_at = False, now
        old.save(update_fields=["active", "rotated_at", "updated_at"])
        record(old, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("rotated"))
    code = PlaceCode.objects.create(
        place=place,
        area_id=place.area_id,
        area_path=place.area_path,
        version=(last.version + 1) if last else 1,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(code, ChangeLog.Action.CREATE, actor=actor)
    return code


def place_code_for(*, actor, place) -> PlaceCode:
    return selectors.place_code_current(place) or place_code_rotate(actor=actor, place=place)


# -- passes -------------------------------------------------------------------------------------------


def _pass_number() -> str:
    return "P" + secrets.token_hex(5).upper()


# Statuses that mean the person should stay in: a pass for them needs a deliberate confirmation.
OBSERVED_STATUSES = frozenset(
    {
        "home_observation",
        "centralized_observation",
        "close_contact",
        "preliminary_positive",
        "confirmed",
    }
)


def pass_issue_warnings(*, person) -> list[str]:
    """Why issuing a pass to this person needs a confirmation: an open observation order, or a status
    of observation, close contact or positive. Empty when nothing stands against it."""
    from fangkong.observation.models import OPEN_STATUSES, ObservationOrder

    warnings = []
    if person.status in OBSERVED_STATUSES:
        warnings.append(_("status: %(s)s") % {"s": person.get_status_display()})
    order = (
        ObservationOrder.objects.filter(person_id=person.pk, status__in=OPEN_STATUSES)
        .order_by("planned_end")
        .first()
    )
    if order is not None:
        warnings.append(_("open observation order until %(d)s") % {"d": order.planned_end.isoformat()})
    return warnings


@transaction.atomic
def pass_issue(
    *,
    actor,
    person,
    valid_from: datetime.datetime | None = None,
    source: str = "",
    confirm: bool = False,
) -> Pass:
    """出入证 for a resident; the validity period comes from policy gate.pass.validity_days.

    Someone under observation (open order, or status observation / close contact / positive) gets a
    pass only with confirm=True: the ValidationError (key "confirm", code "under_observation") says why,
    and the page and the API ask the user before they send the confirmation."""
    if not confirm:
        warnings = pass_issue_warnings(person=person)
        if warnings:
            raise ValidationError(
                {
                    "confirm": ValidationError(
                        _("%(name)s is under observation (%(why)s). Confirm to issue the pass anyway.")
                        % {"name": person.name, "why": "; ".join(warnings)},
                        code="under_observation",
                    )
                }
            )
    now = timezone.now()
    valid_from = valid_from or now
    if not now - PASS_START_MAX_PAST <= valid_from <= now + PASS_START_MAX_AHEAD:
        raise ValidationError(
            {
                "valid_from": _("A start at most %(past)d days before and %(ahead)d days after today.")
                % {"past": PASS_START_MAX_PAST.days, "ahead": PASS_START_MAX_AHEAD.days}
            }
        )
    days = int(policy_value("gate.pass.validity_days", at=valid_from, area=person.area_path))
    p = Pass.objects.create(
        person=person,
        area_id=person.area_id,
        area_path=person.area_path,
        number=_pass_number(),
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        valid_from=valid_from,
        valid_to=valid_from + datetime.timedelta(days=days),
        source=source,
    )
    record(p, ChangeLog.Action.CREATE, actor=actor)
    return p


@transaction.atomic
def pass_revoke(*, actor, pass_obj: Pass, reason: str) -> Pass:
    """A revoke needs a reason, whichever path asks (page, API, job): the resident is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    p = Pass.objects.select_for_update().get(pk=pass_obj.pk)
    if p.revoked_at is not None:
        return p
    data = {
        "revoked_at": timezone.now(),
        "revoked_by": actor if getattr(actor, "is_authenticated", False) else None,
        "revoke_reason": reason[:200],
    }
    return model_update(
        p, data, actor=actor, message=gettext_noop("revoked: %(reason)s"), params={"reason": reason}
    )[0]


# -- posts and shifts ---------------------------------------------------------------------------------


@transaction.atomic
def post_create(*, actor, place, name: str, kind: str = Post.Kind.DAY) -> Post:
    post = Post(place=place, area_id=place.area_id, area_path=place.area_path, name=name, kind=kind)
    post.full_clean()
    post.save()
    record(post, ChangeLog.Action.CREATE, actor=actor)
    return post


@transaction.atomic
def shift_create(
    *, actor, post: Post, volunteer, start: datetime.datetime, end: datetime.datetime
) -> PostShift:
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    shift = PostShift.objects.create(
        post=post, area_id=post.area_id, area_path=post.area_path, volunteer=volunteer, start=start, end=end
    )
    record(shift, ChangeLog.Action.CREATE, actor=actor)
    return shift


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


def _insert_scans(rows: list[dict]) -> dict[uuid.UUID, int]:
    """One INSERT … ON CONFLICT DO NOTHING for all rows; returns {client_id: id} of the rows written.

    On PostgreSQL the rows travel as one JSON document (INSERT … SELECT FROM json_array_elements): one
    parameter whatever the batch size, encoded by the json module's C encoder and parsed by the server,
    so neither the driver nor Django formats 17,000 values one by one, and one prepared statement."""
    if not rows:
        return {}
    table, cols = ScanEvent._meta.db_table, ", ".join(SCAN_COLUMNS)
    if connection.vendor == "postgresql":
        if len(rows) >= COPY_FROM:
            return _copy_scans(rows)
        # A few rows: each a JSON array in SCAN_COLUMNS order, one prepared statement, one round trip.
        doc = json.dumps([[r.get(c) for c in SCAN_COLUMNS] for r in rows], default=_json_default)
        picks = ", ".join(
            f"(r->{i})" if c == "reasons" else f"(r->>{i})::{PG_TYPES[c]}" for i, c in enumerate(SCAN_COLUMNS)
        )
        sql_text = (
            f"INSERT INTO {table} ({cols}) SELECT {picks} FROM jsonb_array_elements(%s::jsonb) r "
            "ON CONFLICT DO NOTHING RETURNING id, client_id"
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
    return {uuid.UUID(str(cid)): pk for pk, cid in sql.fetch(sql_text, params)}


# From this many rows a batch streams through COPY (values formatted by psycopg's C code, no SQL text
# to parse, no per-row conflict check): first straight into the scan table with ids drawn from its
# sequence; if any row is already there (a retried batch), that attempt rolls back and the rows go
# through a per-connection staging table and one INSERT … ON CONFLICT DO NOTHING instead.
COPY_FROM = 20
STAGING = "gates_scan_staging"


def _copy_scans(rows: list[dict]) -> dict[uuid.UUID, int]:
    table, cols = ScanEvent._meta.db_table, ", ".join(SCAN_COLUMNS)
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
            return {r["client_id"]: pk for pk, r in zip(ids, rows, strict=True)}
        except psycopg.errors.UniqueViolation:
            pass
        # The staging table lives as long as the connection (ON COMMIT DELETE ROWS empties it);
        # remembered on the driver connection, so a reconnect creates it again.
        if not getattr(raw, "_fangkong_staging", False):
            cur.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} ON COMMIT DELETE ROWS AS "
                f"SELECT {cols} FROM {table} WITH NO DATA"
            )
            raw._fangkong_staging = True
        with cur.copy(f"COPY {STAGING} ({cols}) FROM STDIN") as copy:
            for v in values:
                copy.write_row(v)
        cur.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {STAGING} "
            "ON CONFLICT DO NOTHING RETURNING id, client_id"
        )
        found = {cid: pk for pk, cid in cur.fetchall()}
        cur.execute(f"TRUNCATE {STAGING}")  # inside an outer transaction ON COMMIT comes later
        return found


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
    return at if now - SCAN_MAX_AGE <= at <= now + SCAN_MAX_AHEAD else None


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
    for r in rows:
        if r["client_id"] not in seen:
            seen.add(r["client_id"])
            unique_rows.append(r)
    refusals = [
        (item, res)
        for item, res in ok
        if item["person"] is not None and "returnee_no_notice" in item["codes"]
    ]
    fevers = [(item, res) for item, res in ok if "fever" in res.verdict["codes"]]
    # One statement, so no transaction of our own unless follow-ups are written with it.
    with transaction.atomic() if refusals or fevers else contextlib.nullcontext():
        written = _insert_scans(unique_rows)
        by_client = {r["client_id"]: r for r in unique_rows}
        for _item, res in ok:
            res.status = "accepted" if res.client_id in written else "duplicate"
            res.scan_id = written.pop(res.client_id, None)
            if res.scan_id is not None:
                res.row = by_client[res.client_id]
        _followups_for_refusals(actor=actor, refusals=[(i, r) for i, r in refusals if r.scan_id])
        _referrals_for_fever(actor=actor, fevers=[(i, r) for i, r in fevers if r.scan_id])
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


def _followups_for_refusals(*, actor, refusals) -> list[FollowUp]:
    """A returnee refused without notice lands in the community's follow-up queue, with the landlord
    to contact: one open follow-up per person. Later refusals add nothing (the scans list shows them),
    so a batch that meets the same returnee again writes no follow-up."""
    if not refusals:
        return []
    first = {}
    for item, res in refusals:
        first.setdefault(item["person"].pk, (item, res))
    queued = set(
        FollowUp.objects.filter(person_id__in=list(first), status=FollowUp.Status.OPEN).values_list(
            "person_id", flat=True
        )
    )
    return [
        _followup_for_refusal(
            actor=actor, person=item["person"], place=item["place_obj"], scan_id=res.scan_id
        )
        for pk, (item, res) in first.items()
        if pk not in queued
    ]


def _followup_for_refusal(*, actor, person, place, scan_id) -> FollowUp | None:
    if person is None:
        return None
    from fangkong.people.models import Person

    landlord = Person.objects.filter(pk=person.landlord_id).first() if person.landlord_id else None
    fu = FollowUp.objects.create(
        area_id=person.area_id,
        area_path=person.area_path,
        person_id=person.pk,
        place=place,
        scan_id=scan_id,
        reason="returnee_no_notice",
        landlord_name=landlord.name if landlord else "",
        landlord_phone_masked=landlord.phone_masked if landlord else "",
    )
    record(fu, ChangeLog.Action.CREATE, actor=actor)
    return fu


# The queue's steps in order; an update moves forward (or adds a note at the same step), never back.
FOLLOWUP_STEPS = {
    FollowUp.Status.OPEN: None,
    FollowUp.Status.CONTACTED: "contacted_at",
    FollowUp.Status.INSPECTED: "inspected_at",
    FollowUp.Status.CLOSED: "closed_at",
}
FOLLOWUP_ORDER = list(FOLLOWUP_STEPS)
OPEN_FOLLOWUP_STATUSES = (FollowUp.Status.OPEN, FollowUp.Status.CONTACTED, FollowUp.Status.INSPECTED)


@transaction.atomic
def followup_update(
    *, actor, followup: FollowUp, status: str, notes: str = "", at: datetime.datetime | None = None
) -> FollowUp:
    """One step of the follow-up queue (landlord contacted → home inspected → closed), dated and logged.

    Its own transaction: the row lock below needs one, whatever the caller (page, API, job)."""
    if status not in FollowUp.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    fu = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if FOLLOWUP_ORDER.index(status) < FOLLOWUP_ORDER.index(fu.status):
        raise ValidationError(
            {"status": _("This follow-up is already at “%(s)s”.") % {"s": fu.get_status_display()}}
        )
    before = snapshot(fu)
    fields = ["status", "notes", "updated_at"]
    if status != fu.status:
        at = at or timezone.now()
        # A skipped step (closed straight away) keeps no date: it did not happen.
        stamp = FOLLOWUP_STEPS[status]
        setattr(fu, stamp, at)
        fields.append(stamp)
    fu.status = status
    if notes:
        fu.notes = (fu.notes + "\n" + notes).strip()
    fu.save(update_fields=fields)
    record(
        fu,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("follow-up: %(status)s"),
        params={"status": msgid(FollowUp.Status(status).label)},
    )
    return fu


# -- returnees ----------------------------------------------------------------------------------------


def _tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(8))


@transaction.atomic
def returnee_notice_submit(
    *,
    actor=None,
    area,
    submitted_by: str,
    name: str,
    id_number: str,
    travel_from: str,
    id_type: str = IdType.RESIDENT,
    phone: str = "",
    arrival_date=None,
    address: str = "",
    submitter_name: str = "",
    submitter_phone: str = "",
    landlord_name: str = "",
    landlord_phone: str = "",
    employer: str = "",
) -> ReturneeNotice:
    """Advance notice (by the person, the landlord or the employer). Returns the notice with its code."""
    from fangkong.people.models import Person

    try:
        number = validate_document(id_type, id_number)
    except IdentityError as exc:
        raise ValidationError({"id_number": [str(exc)]}) from exc
    if submitted_by not in ReturneeNotice.SubmittedBy.values:
        raise ValidationError({"submitted_by": _("Unknown submitter.")})
    id_hash = crypto.blind_index(number, kind="id")
    # Link only a resident of the community the notice is for: a public form must not tie a notice
    # (and its follow-ups) to a resident of another community.
    person = Person.objects.filter(id_hash=id_hash, area_path__startswith=area.path).first()
    notice = ReturneeNotice(
        area=area,
        area_path=area.path,
        tracking_code=_tracking_code(),
        submitted_by=submitted_by,
        submitter_name=submitter_name,
        submitter_phone_masked=mask_phone(submitter_phone) if submitter_phone else "",
        name=name,
        id_type=id_type,
        id_number_enc=crypto.encrypt(number),
        id_hash=id_hash,
        id_masked=mask_id(number),
        phone_enc=crypto.encrypt(phone),
        phone_masked=mask_phone(phone) if phone else "",
        travel_from=travel_from,
        arrival_date=arrival_date,
        address=address,
        landlord_name=landlord_name,
        landlord_phone_enc=crypto.encrypt(landlord_phone),
        landlord_phone_masked=mask_phone(landlord_phone) if landlord_phone else "",
        employer=employer,
        person=person,
    )
    while ReturneeNotice.objects.filter(tracking_code=notice.tracking_code).exists():
        notice.tracking_code = _tracking_code()
    notice.save()
    record(
        notice,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("notice by %(by)s"),
        params={"by": msgid(ReturneeNotice.SubmittedBy(submitted_by).label)},
    )
    if person is not None:
        FollowUp.objects.filter(person=person, notice__isnull=True, status=FollowUp.Status.OPEN).update(
            notice=notice
        )
    return notice


def _stage(
    notice: ReturneeNotice, expected: tuple, *, actor, message: str, params: dict | None = None, **changes
) -> ReturneeNotice:
    n = ReturneeNotice.objects.select_for_update().get(pk=notice.pk)
    if n.stage not in expected:
        raise ValidationError(
            {"stage": _("Not possible at stage “%(stage)s”.") % {"stage": n.get_stage_display()}}
        )
    before = snapshot(n)
    for k, v in changes.items():
        setattr(n, k, v)
    n.save()
    record(n, ChangeLog.Action.UPDATE, actor=actor, before=before, message=message, params=params)
    return n


@transaction.atomic
def returnee_review(*, actor, notice: ReturneeNotice, accept: bool, note: str = "") -> ReturneeNotice:
    """Community review: accept for home inspection, or reject (e.g. a duplicate or false notice)."""
    stage = ReturneeNotice.Stage.INSPECTION if accept else ReturneeNotice.Stage.REJECTED
    return _stage(
        notice,
        (ReturneeNotice.Stage.NOTIFIED,),
        actor=actor,
        message=gettext_noop("review: %(note)s") if note else gettext_noop("reviewed"),
        params={"note": note} if note else None,
        stage=stage,
        decision_note=note,
    )


def observation_conditions(*, area_path: str, at=None) -> list[str]:
    return list(policy_value("returnee.observation.conditions", at=at, area=area_path))


@transaction.atomic
def home_inspection_record(
    *,
    actor,
    notice: ReturneeNotice,
    checklist: dict[str, bool],
    notes: str = "",
    photos: list | None = None,
    at: datetime.datetime | None = None,
) -> HomeInspection:
    """Check the home against the policy's observation conditions; every condition must be answered."""
    at = at or timezone.now()
    conditions = observation_conditions(area_path=notice.area_path, at=at)
    missing = [c for c in conditions if c not in checklist]
    if missing:
        raise ValidationError({"checklist": _("Answer every condition: %(c)s") % {"c": "、".join(missing)}})
    notice = ReturneeNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.stage not in (ReturneeNotice.Stage.INSPECTION, ReturneeNotice.Stage.NOTIFIED):
        raise ValidationError({"stage": _("The home is inspected before the decision.")})
    checklist = {c: bool(checklist[c]) for c in conditions}
    from .photos import photo_caption, photo_clean

    # Every photo checked before anything is written: one bad file stores nothing.
    cleaned = [(photo_clean(f), photo_caption(f)) for f in photos or []]
    insp = HomeInspection.objects.create(
        notice=notice,
        area_id=notice.area_id,
        area_path=notice.area_path,
        inspector=actor if getattr(actor, "is_authenticated", False) else None,
        inspected_at=at,
        checklist=checklist,
        conditions_met=all(checklist.values()),
        notes=notes,
    )
    for content, caption in cleaned:
        InspectionPhoto.objects.create(
            inspection=insp,
            area_id=insp.area_id,
            area_path=insp.area_path,
            file=content,
            caption=caption,
        )
    record(insp, ChangeLog.Action.CREATE, actor=actor)
    if notice.stage == ReturneeNotice.Stage.NOTIFIED:
        _stage(
            notice,
            (ReturneeNotice.Stage.NOTIFIED,),
            actor=actor,
            message=gettext_noop("inspected"),
            stage=ReturneeNotice.Stage.INSPECTION,
        )
    return insp


@transaction.atomic
def returnee_decide(*, actor, notice: ReturneeNotice, decision: str, note: str = "") -> ReturneeNotice:
    """Home observation needs an inspection with every condition met; postponing closes the case."""
    if decision not in ReturneeNotice.Decision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    if decision == ReturneeNotice.Decision.HOME:
        last = notice.inspections.order_by("-inspected_at").first()
        if last is None or not last.conditions_met:
            raise ValidationError(
                {"decision": _("Home observation needs an inspection with every condition met.")}
            )
    stage = (
        ReturneeNotice.Stage.POSTPONED
        if decision == ReturneeNotice.Decision.POSTPONE
        else ReturneeNotice.Stage.DECIDED
    )
    return _stage(
        notice,
        (ReturneeNotice.Stage.INSPECTION,),
        actor=actor,
        message=gettext_noop("decision: %(decision)s"),
        params={"decision": msgid(ReturneeNotice.Decision(decision).label)},
        stage=stage,
        decision=decision,
        decision_note=note,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=timezone.now(),
    )


ORDER_TYPES = {
    ReturneeNotice.Decision.HOME: "home",
    ReturneeNotice.Decision.EMPLOYER: "employer_centralized",
    ReturneeNotice.Decision.CENTRALIZED: "centralized",
}


def returnee_community(notice: ReturneeNotice):
    """The community (社区) a notice was sent to: its own area or the community above it."""
    from fangkong.areas.models import Area, Level

    if notice.area.level == Level.COMMUNITY:
        return notice.area
    found = Area.objects.filter(path__in=notice.area.ancestor_paths(), level=Level.COMMUNITY).first()
    return found or notice.area


def returnee_household_resolve(
    *, actor, notice: ReturneeNotice, household=None, building: str = "", entrance: str = "", room: str = ""
):
    """The household a returnee is registered under: one chosen within the notice's community, or one
    created there (building / entrance / room, reusing the parts that exist) through the areas service.
    A notice sent for a household already needs neither."""
    from fangkong.areas.models import Area, Level
    from fangkong.areas.services import area_create

    community = returnee_community(notice)
    if household is not None:
        if household.level != Level.HOUSEHOLD or not household.path.startswith(community.path):
            raise ValidationError(
                {"household": _("Choose a household within %(c)s.") % {"c": community.name}}
            )
        if actor is not None and not user_can_see_path(actor, "people.add_person", household.path):
            raise ValidationError({"household": _("This household is outside your jurisdiction.")})
        return household
    building, entrance, room = (x.strip()[:100] for x in (building, entrance, room))
    if building or room:
        if not (building and room):
            raise ValidationError({"room": _("Give at least the building and the room.")})
        if actor is not None and not user_can_see_path(actor, "people.add_person", community.path):
            raise ValidationError({"household": _("This community is outside your jurisdiction.")})
        parent = community
        for name, level in ((building, Level.BUILDING), (entrance, Level.ENTRANCE), (room, Level.HOUSEHOLD)):
            if not name:
                continue  # a bungalow block has no entrances: the room hangs on the building
            scope = Area.objects.filter(path__startswith=parent.path, level=level, name=name)
            # A building may sit under a grid: look through the whole community for it; below, children.
            found = (
                (scope if level == Level.BUILDING else scope.filter(parent=parent)).order_by("path").first()
            )
            parent = found or area_create(actor=actor, parent=parent, name=name, level=level)
        return parent
    if notice.area.level == Level.HOUSEHOLD:
        return notice.area
    raise ValidationError(
        {"household": _("Choose the household the returnee lives in, or add it (building, entrance, room).")}
    )


def _person_for_notice(*, actor, notice: ReturneeNotice, household=None):
    from fangkong.people.models import Person

    person = notice.person if notice.person_id else Person.objects.filter(id_hash=notice.id_hash).first()
    if person is not None and not person.area_path.startswith(notice.area_path):
        # Signing writes only inside the notice's community: a pass or an order for a resident of
        # another community is that community's decision (or follows a transfer of the resident).
        raise ValidationError(
            {
                "person": _(
                    "This ID number belongs to a resident registered with another community. Ask that "
                    "community to take over the notice, or move the resident here first; no pass or "
                    "order was issued."
                )
            }
        )
    if person is None:
        from fangkong.people.services import person_create

        # The registry's own service: validation, encryption, pinyin and change log in one place.
        person = person_create(
            actor=actor,
            household=household,
            name=notice.name,
            id_number=crypto.decrypt(notice.id_number_enc),
            id_type=notice.id_type,
            phone=crypto.decrypt(notice.phone_enc),
            return_status=Person.Return.NOT_RETURNED,
            notes=f"返京申报 {notice.tracking_code}",
        )
    return person


def returnee_needs_household(notice: ReturneeNotice) -> bool:
    """Whether signing must be told the household: the returnee is not in the registry yet and the notice
    names no household."""
    from fangkong.areas.models import Level
    from fangkong.people.models import Person

    if notice.person_id or notice.area.level == Level.HOUSEHOLD:
        return False
    return not Person.objects.filter(id_hash=notice.id_hash).exists()


@transaction.atomic
def returnee_letter_sign(
    *,
    actor,
    notice: ReturneeNotice,
    signed_by: str,
    household=None,
    building: str = "",
    entrance: str = "",
    room: str = "",
) -> ReturneeNotice:
    """The responsibility letter (责任书) is signed: issue the pass and hand over to observation.

    A returnee not yet in the registry is registered under `household` (chosen within the community) or
    a household made from building / entrance / room. The order starts on the arrival date given in
    the notice (observation counts from arrival), today when the notice gave none."""
    from fangkong.observation.services import order_create

    notice = _stage(
        notice,
        (ReturneeNotice.Stage.DECIDED,),
        actor=actor,
        message=gettext_noop("letter signed"),
        letter_signed_at=timezone.now(),
        letter_signed_by=signed_by[:50],
    )
    home = None
    if returnee_needs_household(notice):
        home = returnee_household_resolve(
            actor=actor, notice=notice, household=household, building=building, entrance=entrance, room=room
        )
    elif notice.area.level == "household":
        home = notice.area
    person = _person_for_notice(actor=actor, notice=notice, household=home)
    source = f"gates.ReturneeNotice:{notice.pk}"
    # The letter is the confirmation: the returnee's observation order is created right below.
    p = pass_issue(actor=actor, person=person, source=source, confirm=True)
    order = order_create(
        actor=actor,
        person=person,
        order_type=ORDER_TYPES[notice.decision],
        reason="returnee",
        source=source,
        start=notice.arrival_date or timezone.localdate(),
    )
    return _stage(
        notice,
        (ReturneeNotice.Stage.DECIDED,),
        actor=actor,
        message=gettext_noop("pass issued, observation ordered"),
        stage=ReturneeNotice.Stage.COMPLETED,
        person=person,
        issued_pass=p,
        observation_order=f"{order._meta.label}:{order.pk}",
    )


# -- seals --------------------------------------------------------------------------------------------


@transaction.atomic
def seal_create(
    *,
    actor,
    area,
    reason: str,
    slip_number: str = "",
    person=None,
    sealed_at: datetime.datetime | None = None,
    note: str = "",
) -> Seal:
    seal = Seal(
        area=area,
        area_path=area.path,
        reason=reason,
        slip_number=slip_number,
        person=person,
        sealed_at=sealed_at or timezone.now(),
        note=note,
        sealed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    seal.full_clean()
    seal.save()
    record(seal, ChangeLog.Action.CREATE, actor=actor)
    return seal


@transaction.atomic
def seal_check_record(
    *, actor, seal: Seal, result: str, note: str = "", checked_at: datetime.datetime | None = None
) -> SealCheck:
    if result not in SealCheck.Result.values:
        raise ValidationError({"result": _("Intact or breached.")})
    check = SealCheck.objects.create(
        seal=seal,
        area_id=seal.area_id,
        area_path=seal.area_path,
        result=result,
        note=note,
        checked_at=checked_at or timezone.now(),
        checked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        check,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("seal check: %(result)s"),
        params={"result": msgid(SealCheck.Result(result).label)},
    )
    return check


@transaction.atomic
def seal_remove(*, actor, seal: Seal) -> Seal:
    s = Seal.objects.select_for_update().get(pk=seal.pk)
    before = snapshot(s)
    s.removed_at = timezone.now()
    s.save(update_fields=["removed_at", "updated_at"])
    record(s, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("removed"))
    return s
