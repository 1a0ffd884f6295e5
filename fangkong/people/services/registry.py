"""Writes of the registry: persons, households, relations, revealing and status."""

from __future__ import annotations

import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pypinyin import Style, pinyin

from fangkong.areas.models import Area, Level
from fangkong.core import crypto
from fangkong.core.audit import record, record_access, snapshot
from fangkong.core.identity import (
    IdentityError,
    IdType,
    mask_id,
    mask_phone,
    parse_resident_id,
    validate_document,
    validate_mobile,
)
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from ..models import Person, PersonStatus, StatusChange, Visit, VulnerableEntry

REVEALABLE = {"id_number": "id_number_enc", "phone": "phone_enc"}


# ---------------------------------------------------------------- helpers (pure, no queries)


@functools.lru_cache(maxsize=20000)
def _char_initial(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    p = pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return p[0][0].lower() if p and p[0] and p[0][0] else ""


def name_initials(name: str) -> str:
    """Pinyin initials for search: 张三 -> 'zs' (cached per character: fast on 100,000 names)."""
    return "".join(_char_initial(ch) for ch in (name or "") if not ch.isspace())[:50]


def _document(id_type: str, number: str) -> tuple[str, str | None, datetime.date | None]:
    """(normalised number, sex, birth date) or IdentityError."""
    if id_type == IdType.RESIDENT:
        rid = parse_resident_id(number)
        return rid.number, rid.sex, rid.birth_date
    return validate_document(id_type, number), None, None


def _set_document(person: Person, id_type: str, number: str) -> None:
    try:
        number, sex, birth = _document(id_type, number)
    except IdentityError as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    id_hash = crypto.blind_index(number, kind="id")
    clash = Person.objects.filter(id_hash=id_hash)
    if person.pk:
        clash = clash.exclude(pk=person.pk)
    if clash.exists():
        raise ValidationError({"id_number": _("A resident with this document number is already registered.")})
    person.id_type = id_type
    person.id_number_enc = crypto.encrypt(number)
    person.id_hash = id_hash
    person.id_masked = mask_id(number)
    if sex:
        person.sex, person.birth_date = sex, birth


def _set_phone(person: Person, phone: str) -> None:
    if not phone:
        person.phone_enc = person.phone_hash = person.phone_masked = ""
        return
    try:
        phone = validate_mobile(phone)
    except IdentityError as exc:
        raise ValidationError({"phone": str(exc)}) from exc
    person.phone_enc = crypto.encrypt(phone)
    person.phone_hash = crypto.blind_index(phone, kind="phone")
    person.phone_masked = mask_phone(phone)


def _check_household(household: Area) -> None:
    if household is None or household.level != Level.HOUSEHOLD:
        raise ValidationError({"household": _("A resident lives in a household: choose a household.")})


def _check_landlord(person: Person, landlord: Person | None) -> None:
    if landlord is None:
        return
    if person.pk and landlord.pk == person.pk:
        raise ValidationError({"landlord": _("A person cannot be their own landlord.")})
    if person.relation not in (Person.Relation.TENANT, Person.Relation.DORMITORY):
        raise ValidationError({"landlord": _("Only tenants and dormitory residents have a landlord.")})


def _household_head(household_id: int, *, exclude_pk: int | None = None) -> Person | None:
    qs = Person.objects.filter(area_id=household_id, relation=Person.Relation.OWNER)
    return qs.exclude(pk=exclude_pk).first() if exclude_pk else qs.first()


def _check_one_head(person: Person) -> None:
    """A household has one head (户主); making a second is refused wherever it comes from."""
    if person.relation != Person.Relation.OWNER:
        return
    head = _household_head(person.area_id, exclude_pk=person.pk)
    if head is not None:
        raise ValidationError(
            {"relation": _("This household already has a head: %(name)s.") % {"name": head.name}}
        )


def _save(person: Person) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise ValidationError(
            {"id_number": _("A resident with this document number is already registered.")}
        ) from exc


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------- people


@transaction.atomic
def person_create(
    *,
    actor,
    household: Area,
    name: str,
    id_number: str,
    id_type: str = IdType.RESIDENT,
    phone: str = "",
    person_type: str = Person.Type.PERMANENT,
    relation: str | None = None,
    landlord: Person | None = None,
    registered_residence: str = "",
    return_status: str = Person.Return.PRESENT,
    notes: str = "",
) -> Person:
    """A new resident. Without a relation: head of the household (户主) if it has none yet, else a
    family member."""
    _check_household(household)
    if relation is None:
        relation = Person.Relation.FAMILY if _household_head(household.pk) else Person.Relation.OWNER
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    person = Person(
        area=household,
        area_path=household.path,
        name=name,
        name_initials=name_initials(name),
        person_type=person_type,
        relation=relation,
        registered_residence=registered_residence,
        return_status=return_status,
        notes=notes,
    )
    _set_document(person, id_type, id_number)
    _set_phone(person, phone)
    _check_landlord(person, landlord)
    person.landlord = landlord
    _check_one_head(person)
    person.full_clean(exclude=["id_number_enc", "id_hash", "landlord", "area"])
    _save(person)
    record(person, ChangeLog.Action.CREATE, actor=actor)
    return person


PERSON_FIELDS = (
    "name",
    "id_type",
    "id_number",
    "phone",
    "person_type",
    "relation",
    "landlord",
    "registered_residence",
    "return_status",
    "notes",
)


@transaction.atomic
def person_update(*, actor, person: Person, **fields) -> Person:
    """Change the listed fields; `id_number` / `phone` are given in clear and re-encrypted."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise ValidationError({"name": _("The name is required.")})
        person.name, person.name_initials = name, name_initials(name)
    for f in ("person_type", "relation", "registered_residence", "return_status", "notes"):
        if f in fields:
            setattr(person, f, fields[f])
    if "id_number" in fields or "id_type" in fields:
        number = fields.get("id_number") or crypto.decrypt(person.id_number_enc)
        _set_document(person, fields.get("id_type", person.id_type), number)
    if "phone" in fields:
        _set_phone(person, fields["phone"] or "")
    if "landlord" in fields:
        person.landlord = fields["landlord"]
    if (
        person.relation not in (Person.Relation.TENANT, Person.Relation.DORMITORY)
        and "landlord" not in fields
    ):
        person.landlord = None
    _check_landlord(person, person.landlord)
    if "relation" in fields:
        _check_one_head(person)
    person.full_clean(exclude=["id_number_enc", "id_hash", "landlord", "area"])
    _save(person)
    record(person, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return person


def _follow(person: Person, household: Area) -> None:
    """The person's registry records (status history, ledger, visits) follow them to the new household."""
    for model, flt in (
        (StatusChange, {"person": person}),
        (VulnerableEntry, {"person": person}),
        (Visit, {"entry__person": person}),
    ):
        model.objects.filter(**flt).update(area=household, area_path=household.path)


@transaction.atomic
def person_move(
    *,
    actor,
    person: Person,
    household: Area,
    relation: str | None = None,
    landlord: Person | None = None,
    reason: str = "",
) -> Person:
    """Move a person to another household (搬迁), optionally with a new relation and landlord."""
    _check_household(household)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    person.area, person.area_path = household, household.path
    if relation:
        person.relation = relation
    person.landlord = (
        landlord if person.relation in (Person.Relation.TENANT, Person.Relation.DORMITORY) else None
    )
    _check_landlord(person, landlord)
    if relation:
        _check_one_head(person)
    person.save()
    _follow(person, household)
    record(
        person,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("moved to %(h)s: %(reason)s") if reason else gettext_noop("moved to %(h)s"),
        params={"h": household.full_name(), "reason": reason} if reason else {"h": household.full_name()},
    )
    return person


@transaction.atomic
def person_edit(*, actor, person: Person, household: Area | None = None, **fields) -> Person:
    """An edit that may also move the person (the API's PUT/PATCH): the move and the field changes
    commit together or not at all."""
    if household is not None and household.pk != person.area_id:
        person = person_move(
            actor=actor,
            person=person,
            household=household,
            relation=fields.get("relation"),
            landlord=fields.get("landlord"),
        )
    if fields:
        person = person_update(actor=actor, person=person, **fields)
    return person


@transaction.atomic
def person_relation_set(*, actor, person: Person, relation: str, landlord: Person | None = None) -> Person:
    """The household relation (户主/家属/租户/宿舍) and, for tenants, the landlord link."""
    if relation not in Person.Relation.values:
        raise ValidationError({"relation": _("Unknown relation.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    person.relation = relation
    _check_landlord(person, landlord)
    _check_one_head(person)
    person.landlord = landlord
    person.save(update_fields=["relation", "landlord", "updated_at"])
    record(person, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return person


def may_reveal(user, person: Person) -> bool:
    return may_reveal_in(user, person.area_path)


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str, reason: str) -> str:
    """The clear document number or phone, for a role that may see it; every reveal is logged."""
    if field not in REVEALABLE:
        raise ValidationError({"field": _("Only the document number or the phone can be revealed.")})
    if not may_reveal(actor, person):
        raise PermissionDenied(_("Your role may not see full ID numbers and phones here."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why you need the full value.")})
    record_access(actor=actor, instance=person, field=field, reason=reason)
    return crypto.decrypt(getattr(person, REVEALABLE[field]))


# Gates and observation build on this signature: keep it stable.
@transaction.atomic
def person_status_set(
    *,
    actor,
    person: Person,
    status: str,
    reason: str,
    since: datetime.datetime | None = None,
    source: str = "",
) -> StatusChange:
    """Append a dated status (人员分类管理); the person's current status follows the latest entry."""
    if status not in PersonStatus.values:
        raise ValueError(f"unknown status {status!r}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    change = StatusChange.objects.create(
        area_id=person.area_id,
        area_path=person.area_path,
        person=person,
        status=status,
        since=since or timezone.now(),
        reason=reason,
        set_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        source=source,
    )
    latest = person.status_history.order_by("-since", "-id").first()
    if latest is not None and latest.status != person.status:
        before = snapshot(person)
        person.status = latest.status
        person.save(update_fields=["status", "updated_at"])
        record(
            person,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=before,
            message=gettext_noop("status: %(reason)s"),
            params={"reason": reason},
        )
    record(change, ChangeLog.Action.CREATE, actor=actor)
    return change


def may_reveal_in(user, area_path: str) -> bool:
    return bool(
        user
        and user.has_perm("people.reveal_identity")
        and user_can_see_path(user, "people.reveal_identity", area_path)
    )
