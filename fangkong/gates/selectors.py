"""Reads of the gates app: tokens, the person behind a scanned code, the gate verdict, scoped lists."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core import signing
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core import crypto, sql
from fangkong.core.identity import RESIDENT_ID_RE, mask_id, mask_phone, normalise_id, normalise_phone
from fangkong.core.replica import replica_reads
from fangkong.people.models import Person, PersonStatus

from .models import (
    FollowUp,
    Pass,
    PlaceCode,
    PostShift,
    ReturneeNotice,
    ScanEvent,
    ScanVisitor,
    Seal,
    Verdict,
)
from .verdicts import GateRules, GateVerdict, decide

PASS_SALT = "fangkong.gates.pass"
PLACE_SALT = "fangkong.gates.place:"
SEP = "."


# -- tokens -----------------------------------------------------------------------------------------


def place_token(code: PlaceCode) -> str:
    return signing.Signer(salt=PLACE_SALT + code.salt, sep=SEP).sign(str(code.pk))


def place_code_resolve(token: str) -> PlaceCode | None:
    """The active code a poster token belongs to; None for forged, unknown or rotated-out tokens."""
    head = (token or "").split(SEP, 1)[0]
    if not head.isdigit():
        return None
    code = PlaceCode.objects.select_related("place", "place__area").filter(pk=int(head), active=True).first()
    if code is None:
        return None
    try:
        signing.Signer(salt=PLACE_SALT + code.salt, sep=SEP).unsign(token)
    except signing.BadSignature:
        return None
    return code


def place_code_current(place) -> PlaceCode | None:
    return PlaceCode.objects.filter(place=place, active=True).order_by("-version").first()


def pass_token(p: Pass) -> str:
    return signing.Signer(salt=PASS_SALT, sep=SEP).sign(str(p.pk))


def pass_resolve(token: str) -> Pass | None:
    try:
        pk = signing.Signer(salt=PASS_SALT, sep=SEP).unsign((token or "").strip())
    except signing.BadSignature:
        return None
    return Pass.objects.select_related("person").filter(pk=int(pk)).first()


# The number printed on a pass card (services._pass_number): typed when the QR code will not scan.
PASS_NUMBER_RE = re.compile(r"P[0-9A-F]{10}")


def _pass_token_in(code: str) -> str | None:
    if "/gates/p/" in code:
        return code.split("/gates/p/", 1)[1].strip("/").split("/")[0]
    head = code.split(SEP, 1)[0]
    return code if head.isdigit() and SEP in code else None


PLACE_FIELDS = ("id", "area_id", "area_path", "name", "kind", "active")


def places_by_id(ids) -> dict[int, Place]:
    """Places by id with the columns a scan needs, one plain query (it runs on every scan)."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return {}
    return _places_parse(sql.fetch(*_places_statement(ids)))


def _places_statement(ids: list[int]) -> tuple[str, list]:
    select = f"SELECT {', '.join(_model_order(Place, PLACE_FIELDS))} FROM {Place._meta.db_table}"
    if connection.vendor == "postgresql":  # one statement for any number of ids: prepared once
        return f"{select} WHERE id = ANY(%s::bigint[])", [ids]
    return f"{select} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids


def _places_parse(rows) -> dict[int, Place]:
    names = _model_order(Place, PLACE_FIELDS)
    return {row[0]: Place.from_db(connection.alias, names, row) for row in rows}


def _model_order(model, names) -> tuple[str, ...]:
    """`names` in the model's field order, the order Model.from_db expects for a partial row."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


# -- who was scanned ----------------------------------------------------------------------------------


def classify_entry(code: str) -> tuple[str, str, str]:
    """(entry kind, lookup key, masked text) for what a camera read or a volunteer typed."""
    code = (code or "").strip()
    token = _pass_token_in(code)
    if token:
        return ScanEvent.Entry.PASS, token, ""
    number = normalise_id(code)
    if PASS_NUMBER_RE.fullmatch(number):  # the key of a pass entry is a signed token or a pass number
        return ScanEvent.Entry.PASS, number, ""
    if RESIDENT_ID_RE.match(number):
        return ScanEvent.Entry.ID, crypto.blind_index(number, kind="id"), mask_id(number)
    phone = normalise_phone(code)
    if phone.isdigit() and len(phone) == 11:
        return ScanEvent.Entry.PHONE, crypto.blind_index(phone, kind="phone"), mask_phone(phone)
    if len(number) >= 5 and number.isalnum():  # passports and permits
        return ScanEvent.Entry.ID, crypto.blind_index(number, kind="id"), mask_id(number)
    return ScanEvent.Entry.UNKNOWN, "", code[:6] + ("…" if len(code) > 6 else "")


def persons_for_entries(entries: list[tuple[str, str]]) -> dict[tuple[str, str], Person | None]:
    """Resolve many (kind, key) pairs with one query per kind (the generic path; see gate_facts)."""
    out: dict[tuple[str, str], Person | None] = {e: None for e in entries}
    ids = {k for kind, k in entries if kind == ScanEvent.Entry.ID}
    phones = {k for kind, k in entries if kind == ScanEvent.Entry.PHONE}
    tokens = {k for kind, k in entries if kind == ScanEvent.Entry.PASS}
    if ids:
        for p in Person.objects.filter(id_hash__in=ids):
            out[(ScanEvent.Entry.ID, p.id_hash)] = p
    if phones:
        by_phone: dict[str, list[Person]] = {}
        for p in Person.objects.filter(phone_hash__in=phones):
            by_phone.setdefault(p.phone_hash, []).append(p)
        for h, people in by_phone.items():
            out[(ScanEvent.Entry.PHONE, h)] = people[0] if len(people) == 1 else None
    if tokens:
        pks = _pass_ids(tokens)
        numbers = _pass_numbers(tokens)
        passes = Pass.objects.select_related("person").filter(Q(pk__in=pks.values()) | Q(number__in=numbers))
        by_pk = {p.pk: p for p in passes}
        by_number = {p.number: p for p in by_pk.values()}
        for t, pk in pks.items():
            if pk in by_pk:
                out[(ScanEvent.Entry.PASS, t)] = by_pk[pk].person
        for number in numbers:
            if number in by_number:
                out[(ScanEvent.Entry.PASS, number)] = by_number[number].person
    return out


def _pass_numbers(keys) -> list[str]:
    """The pass entries typed as the card's number (signed tokens always hold the separator)."""
    return sorted(k for k in keys if SEP not in k and PASS_NUMBER_RE.fullmatch(k))


def _pass_ids(tokens) -> dict[str, int]:
    """token -> pass id for the tokens whose signature holds (forged ones are left out)."""
    signer, out = signing.Signer(salt=PASS_SALT, sep=SEP), {}
    for t in tokens:
        try:
            out[t] = int(signer.unsign(t))
        except (signing.BadSignature, ValueError):
            continue
    return out


def person_for_code(code: str) -> tuple[str, Person | None, str]:
    kind, key, masked = classify_entry(code)
    person = persons_for_entries([(kind, key)]).get((kind, key)) if key else None
    if kind == ScanEvent.Entry.PASS and person is not None:
        masked = person.id_masked
    return kind, person, masked


class ScannedPerson(NamedTuple):
    """The columns of a resident a gate scan reads. gate_facts returns these on PostgreSQL rather than
    Person instances (building 1,000 model instances cost a batch more than its query); Person has
    the same attributes, so the generic path returns Person objects and callers see no difference."""

    id: int
    area_id: int
    area_path: str
    name: str
    status: str
    return_status: str
    id_masked: str
    id_hash: str
    phone_hash: str
    landlord_id: int | None

    @property
    def pk(self) -> int:
        return self.id


class PassWindow(NamedTuple):
    """The part of a Pass the verdict reads (same attribute names as the model)."""

    id: int
    area_path: str
    valid_from: datetime.datetime
    valid_to: datetime.datetime
    revoked_at: datetime.datetime | None


@dataclass
class GateFacts:
    """What the verdict needs of one scanned person: the person, their passes still running at the
    moment of the scan, and whether a returnee among them gave advance notice."""

    person: Person | ScannedPerson | None
    passes: list[Pass | PassWindow] = field(default_factory=list)
    cleared: bool = True


NOBODY = GateFacts(person=None)

FACT_PERSON_FIELDS = ScannedPerson._fields


def gate_facts(entries: list[tuple[str, str]], at: datetime.datetime) -> dict[tuple[str, str], GateFacts]:
    """(kind, key) -> GateFacts for everything a gate scanned: the person behind each ID, phone or
    pass code, their passes running at `at` and the returnee notice check.

    On PostgreSQL this is one statement whatever the number of scans (the gate's hot path: one round
    trip instead of three, and no ORM compilation). Elsewhere (SQLite in `make run`) the same facts come
    from three ORM queries; a test holds both paths to the same answers."""
    entries = [e for e in entries if e[1]]
    if not entries:
        return {}
    if connection.vendor == "postgresql":
        return _gate_facts_sql(entries, at)
    return _gate_facts_orm(entries, at)


def scan_lookups(
    place_ids, entries: list[tuple[str, str]], at: datetime.datetime
) -> tuple[dict[int, Place], int, dict[tuple[str, str], GateFacts]]:
    """Everything a scan (or a batch of them) reads before deciding: the places, the policy stamp for
    the rules cache, and the gate facts. On PostgreSQL the three statements travel in one round trip
    (pipeline mode); a single scan is then auth, this, and the insert."""
    from fangkong.policies.selectors import policy_stamp, policy_stamp_sql

    ids = sorted({int(i) for i in place_ids})
    entries = [e for e in entries if e[1]]
    if connection.vendor != "postgresql":
        return places_by_id(ids), policy_stamp(), gate_facts(entries, at)
    statements = [(policy_stamp_sql(), [])]
    if ids:
        statements.append(_places_statement(ids))
    tokens = {}
    if entries:
        query, params, tokens = _gate_facts_statement(entries, at)
        statements.append((query, params))
    results = sql.fetch_many(statements)
    stamp = results[0][0][0] or 0
    places = _places_parse(results[1]) if ids else {}
    facts = _gate_facts_parse(results[-1], entries, tokens) if entries else {}
    return places, stamp, facts


def _gate_facts_orm(entries, at) -> dict[tuple[str, str], GateFacts]:
    persons = persons_for_entries(entries)
    people = [p for p in persons.values() if p is not None]
    passes = passes_for(people, at)
    with_notice = returnees_with_notice(people)
    return {
        e: GateFacts(
            person=p,
            passes=passes.get(p.pk, []),
            cleared=not _is_returnee(p) or p.pk in with_notice,
        )
        if p is not None
        else NOBODY
        for e, p in persons.items()
    }


def _gate_facts_statement(entries, at) -> tuple[str, dict, dict[str, int]]:
    ids = sorted({k for kind, k in entries if kind == ScanEvent.Entry.ID})
    phones = sorted({k for kind, k in entries if kind == ScanEvent.Entry.PHONE})
    pass_keys = {k for kind, k in entries if kind == ScanEvent.Entry.PASS}
    tokens = _pass_ids(pass_keys)
    numbers = _pass_numbers(pass_keys)
    cols = ", ".join(f"p.{c}" for c in FACT_PERSON_FIELDS)
    query = f"""
        SELECT {cols},
          (SELECT coalesce(json_agg(json_build_array(g.id, g.area_path, g.valid_from, g.valid_to,
                                                     g.revoked_at)), '[]'::json)
             FROM {Pass._meta.db_table} g WHERE g.person_id = p.id AND g.valid_to > %(at)s::timestamptz),
          CASE WHEN p.return_status = %(not_returned)s::text OR p.status = %(pending)s::text THEN EXISTS (
             SELECT 1 FROM {ReturneeNotice._meta.db_table} n
              WHERE (n.person_id = p.id OR n.id_hash = p.id_hash) AND n.stage = ANY(%(stages)s::text[]))
          ELSE true END,
          (SELECT array_agg(g.id) FROM {Pass._meta.db_table} g
            WHERE g.person_id = p.id AND g.id = ANY(%(pass_ids)s::bigint[])),
          (SELECT array_agg(g.number) FROM {Pass._meta.db_table} g
            WHERE g.person_id = p.id AND g.number = ANY(%(numbers)s::text[]))
        FROM {Person._meta.db_table} p
        WHERE p.id = ANY(ARRAY(
            SELECT id FROM {Person._meta.db_table} WHERE id_hash = ANY(%(ids)s::text[])
            UNION SELECT id FROM {Person._meta.db_table} WHERE phone_hash = ANY(%(phones)s::text[])
            UNION SELECT person_id FROM {Pass._meta.db_table} WHERE id = ANY(%(pass_ids)s::bigint[])
            UNION SELECT person_id FROM {Pass._meta.db_table} WHERE number = ANY(%(numbers)s::text[])))
    """
    params = {
        "at": at,
        "not_returned": Person.Return.NOT_RETURNED,
        "pending": PersonStatus.RETURNEE_PENDING,
        "stages": list(RETURNEE_CLEARED_STAGES),
        "pass_ids": list(tokens.values()),
        "numbers": numbers,
        "ids": ids,
        "phones": phones,
    }
    return query, params, tokens


def _gate_facts_sql(entries, at) -> dict[tuple[str, str], GateFacts]:
    query, params, tokens = _gate_facts_statement(entries, at)
    return _gate_facts_parse(sql.fetch(query, params), entries, tokens)


def _gate_facts_parse(rows, entries, tokens) -> dict[tuple[str, str], GateFacts]:
    out: dict[tuple[str, str], GateFacts] = {e: NOBODY for e in entries}
    by_phone: dict[str, list[GateFacts]] = {}
    by_pass: dict[int, GateFacts] = {}
    n = len(FACT_PERSON_FIELDS)
    parse = datetime.datetime.fromisoformat
    for row in rows:
        person = ScannedPerson(*row[:n])
        passes = [
            PassWindow(pk, path, parse(start), parse(end), parse(revoked) if revoked else None)
            for pk, path, start, end, revoked in row[n]
        ]
        facts = GateFacts(person=person, passes=passes, cleared=row[n + 1])
        if person.id_hash:
            out[(ScanEvent.Entry.ID, person.id_hash)] = facts
        if person.phone_hash:
            by_phone.setdefault(person.phone_hash, []).append(facts)
        for pass_id in row[n + 2] or ():
            by_pass[pass_id] = facts
        for number in row[n + 3] or ():
            out[(ScanEvent.Entry.PASS, number)] = facts
    # A phone shared by two residents names nobody: the volunteer types the ID instead.
    for h, found in by_phone.items():
        out[(ScanEvent.Entry.PHONE, h)] = found[0] if len(found) == 1 else NOBODY
    for token, pass_id in tokens.items():
        out[(ScanEvent.Entry.PASS, token)] = by_pass.get(pass_id, NOBODY)
    # Keys not asked for (a phone hash of an ID match) are harmless; keep only what was asked.
    return {e: out.get(e, NOBODY) for e in entries}


# -- the verdict --------------------------------------------------------------------------------------

RETURNEE_CLEARED_STAGES = (
    ReturneeNotice.Stage.NOTIFIED,
    ReturneeNotice.Stage.INSPECTION,
    ReturneeNotice.Stage.DECIDED,
    ReturneeNotice.Stage.COMPLETED,
)


def _is_returnee(person: Person) -> bool:
    return (
        person.return_status == Person.Return.NOT_RETURNED or person.status == PersonStatus.RETURNEE_PENDING
    )


def returnees_with_notice(persons: list[Person]) -> set[int]:
    """Of these returnees, the ones who gave advance notice (any stage short of rejection)."""
    returnees = [p for p in persons if p is not None and _is_returnee(p)]
    if not returnees:
        return set()
    hashes = {p.id_hash: p.pk for p in returnees}
    found = set()
    for pid, h in ReturneeNotice.objects.filter(
        Q(person_id__in=[p.pk for p in returnees]) | Q(id_hash__in=list(hashes)),
        stage__in=RETURNEE_CLEARED_STAGES,
    ).values_list("person_id", "id_hash"):
        found.add(pid or hashes.get(h))
    return found


def passes_for(persons: list[Person], at: datetime.datetime) -> dict[int, list[Pass]]:
    out: dict[int, list[Pass]] = {}
    pks = [p.pk for p in persons if p is not None]
    if pks:
        for p in Pass.objects.filter(person_id__in=pks, valid_to__gt=at):
            out.setdefault(p.person_id, []).append(p)
    return out


def verdict_for(
    *, person: Person | None, temperature, place, at: datetime.datetime | None = None, travel_from: str = ""
) -> GateVerdict:
    """Allow, deny or refer, with the reasons in plain words. Reads person status, passes and policy."""
    at = at or timezone.now()
    rules = GateRules.load(place=place, at=at)
    passes = passes_for([person], at).get(person.pk, []) if person else []
    cleared = True
    if person is not None and _is_returnee(person):
        cleared = person.pk in returnees_with_notice([person])
    return decide(
        person=person,
        temperature=temperature,
        travel_from=travel_from,
        rules=rules,
        passes=passes,
        at=at,
        returnee_cleared=cleared,
    )


def verdict_for_code(
    code: str, *, place, temperature=None, at: datetime.datetime | None = None, travel_from: str = ""
) -> tuple[Person | None, str, GateVerdict]:
    """What the gate does with a scanned or typed code: (person, masked entry, verdict). One query for
    the person and their passes (gate_facts), the rules from the per-process cache."""
    at = at or timezone.now()
    kind, key, masked = classify_entry(code)
    facts = gate_facts([(kind, key)], at).get((kind, key), NOBODY)
    person = facts.person
    if kind == ScanEvent.Entry.PASS and person is not None:
        masked = person.id_masked
    verdict = decide(
        person=person,
        temperature=temperature,
        travel_from=travel_from,
        rules=GateRules.load(place=place, at=at),
        passes=facts.passes,
        at=at,
        returnee_cleared=facts.cleared,
    )
    return person, masked, verdict


# -- the volunteer's post -----------------------------------------------------------------------------


def current_shift(*, user, at: datetime.datetime | None = None) -> PostShift | None:
    at = at or timezone.now()
    return (
        PostShift.objects.select_related("post", "post__place")
        .filter(volunteer=user, start__lte=at, end__gt=at, post__active=True)
        .order_by("-start")
        .first()
    )


# -- lists --------------------------------------------------------------------------------------------


def scan_list(*, viewer) -> QuerySet[ScanEvent]:
    return ScanEvent.objects.visible_to(viewer).select_related("place", "person", "volunteer", "post")


def visit_list(*, viewer) -> QuerySet[ScanVisitor]:
    """Scans of the viewer's residents at gates of other communities (the scan there names nobody):
    scoped by the person's area, so the gate's community never reads this, their own community and
    upward do."""
    return ScanVisitor.objects.visible_to(viewer).select_related("place", "person", "scan")


def refusal_list(*, viewer) -> QuerySet[ScanEvent]:
    return scan_list(viewer=viewer).filter(verdict__in=[Verdict.DENY, Verdict.REFER])


@replica_reads  # a report over the scans: it may read the read replica (core/replica.py)
def scans_by_place_and_day(*, viewer, since: datetime.date | None = None) -> list[dict]:
    qs = ScanEvent.objects.visible_to(viewer)
    if since:
        qs = qs.filter(scanned_at__date__gte=since)
    return list(
        qs.annotate(day=TruncDate("scanned_at"))
        .values("place_id", "place__name", "day")
        .annotate(
            total=Count("id"),
            allowed=Count("id", filter=Q(verdict=Verdict.ALLOW)),
            denied=Count("id", filter=Q(verdict=Verdict.DENY)),
            referred=Count("id", filter=Q(verdict=Verdict.REFER)),
        )
        .order_by("-day", "place__name")
    )


def returnee_pipeline(*, viewer) -> list[tuple[str, str, int]]:
    counts = dict(
        ReturneeNotice.objects.visible_to(viewer)
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in ReturneeNotice.Stage.choices]


def returnee_households(*, viewer, community_path: str, q: str, limit: int = 20):
    """Households within a returnee's community that the viewer may register people in, matched by
    typing (each word in the room, entrance or building name): the signing page's small lookup."""
    from fangkong.areas.models import Area, Level

    qs = Area.objects.visible_to(viewer, "people.add_person").filter(
        level=Level.HOUSEHOLD, path__startswith=community_path
    )
    words = (q or "").split()[:4]
    if not words:
        return qs.none()
    for w in words:
        qs = qs.filter(
            Q(name__icontains=w) | Q(parent__name__icontains=w) | Q(parent__parent__name__icontains=w)
        )
    return qs.select_related("parent__parent").order_by("path")[:limit]


def returnee_order(*, viewer, notice: ReturneeNotice):
    """The observation order a signed letter created, if the viewer may see it (the notice keeps it as
    "app.Model:pk" so that gates need not import observation's models)."""
    from django.apps import apps

    label, _sep, pk = (notice.observation_order or "").partition(":")
    if not (pk.isascii() and pk.isdigit()):
        return None
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model.objects.visible_to(viewer).filter(pk=int(pk)).first()


def followup_list(*, viewer) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(viewer).select_related("person", "place")


def seal_list(*, viewer) -> QuerySet[Seal]:
    return Seal.objects.visible_to(viewer).select_related("area", "sealed_by")
