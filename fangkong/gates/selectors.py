"""Reads of the gates app: tokens, the person behind a scanned code, the gate verdict, scoped lists."""

from __future__ import annotations

import datetime

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from fangkong.core import crypto
from fangkong.core.identity import RESIDENT_ID_RE, mask_id, mask_phone, normalise_id, normalise_phone
from fangkong.people.models import Person, PersonStatus

from .models import FollowUp, Pass, PlaceCode, PostShift, ReturneeNotice, ScanEvent, Seal, Verdict
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


def _pass_token_in(code: str) -> str | None:
    if "/gates/p/" in code:
        return code.split("/gates/p/", 1)[1].strip("/").split("/")[0]
    head = code.split(SEP, 1)[0]
    return code if head.isdigit() and SEP in code else None


# -- who was scanned ----------------------------------------------------------------------------------


def classify_entry(code: str) -> tuple[str, str, str]:
    """(entry kind, lookup key, masked text) for what a camera read or a volunteer typed."""
    code = (code or "").strip()
    token = _pass_token_in(code)
    if token:
        return ScanEvent.Entry.PASS, token, ""
    number = normalise_id(code)
    if RESIDENT_ID_RE.match(number):
        return ScanEvent.Entry.ID, crypto.blind_index(number, kind="id"), mask_id(number)
    phone = normalise_phone(code)
    if phone.isdigit() and len(phone) == 11:
        return ScanEvent.Entry.PHONE, crypto.blind_index(phone, kind="phone"), mask_phone(phone)
    if len(number) >= 5 and number.isalnum():  # passports and permits
        return ScanEvent.Entry.ID, crypto.blind_index(number, kind="id"), mask_id(number)
    return ScanEvent.Entry.UNKNOWN, "", code[:6] + ("…" if len(code) > 6 else "")


def persons_for_entries(entries: list[tuple[str, str]]) -> dict[tuple[str, str], Person | None]:
    """Resolve many (kind, key) pairs with one query per kind."""
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
        pks = {}
        for t in tokens:
            try:
                pks[t] = int(signing.Signer(salt=PASS_SALT, sep=SEP).unsign(t))
            except (signing.BadSignature, ValueError):
                continue
        passes = {p.pk: p for p in Pass.objects.select_related("person").filter(pk__in=pks.values())}
        for t, pk in pks.items():
            if pk in passes:
                out[(ScanEvent.Entry.PASS, t)] = passes[pk].person
    return out


def person_for_code(code: str) -> tuple[str, Person | None, str]:
    kind, key, masked = classify_entry(code)
    person = persons_for_entries([(kind, key)]).get((kind, key)) if key else None
    if kind == ScanEvent.Entry.PASS and person is not None:
        masked = person.id_masked
    return kind, person, masked


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


def refusal_list(*, viewer) -> QuerySet[ScanEvent]:
    return scan_list(viewer=viewer).filter(verdict__in=[Verdict.DENY, Verdict.REFER])


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


def followup_list(*, viewer) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(viewer).select_related("person", "place")


def seal_list(*, viewer) -> QuerySet[Seal]:
    return Seal.objects.visible_to(viewer).select_related("area", "sealed_by")
