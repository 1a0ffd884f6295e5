"""Worker records: created, edited, linked to a user account, revealed; the one write path of a worker's
identity (ID and phone encrypted with their HMAC index and masked copy, as people's are)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import LEVEL_ORDER, Area, Level
from fangkong.core import crypto
from fangkong.core.audit import model_update, record, record_access
from fangkong.core.identity import (
    IdentityError,
    IdType,
    mask_id,
    mask_phone,
    validate_document,
    validate_mobile,
)
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from ..models import Skill, Worker

REVEALABLE = {"id_number": "id_number_enc", "phone": "phone_enc"}
# What a worker's edit may change directly (identity through id_number/phone, the area by assignment).
EDITABLE = (
    "name",
    "kind",
    "level",
    "home_unit",
    "skills",
    "health_status",
    "notes",
    "id_type",
    "id_number",
    "phone",
)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def community_of(area: Area) -> Area:
    """The community an area lies in (itself when it is one or above: a street stays a street)."""
    if LEVEL_ORDER.index(area.level) <= LEVEL_ORDER.index(Level.COMMUNITY):
        return area
    return Area.objects.filter(path__in=area.ancestor_paths(), level=Level.COMMUNITY).first() or area


def check_area(actor, perm: str, area: Area | None) -> Area:
    """An area a write names: one the actor may write in with `perm`, at street or community level;
    another area answers like a missing one (ARCHITECTURE.md, "Writes cross no boundary either")."""
    if area is None or (actor is not None and not user_can_see_path(actor, perm, area.path)):
        raise ValidationError({"area": _("Choose an area of your jurisdiction.")})
    return area


def clean_skills(skills) -> list[str]:
    skills = list(dict.fromkeys(skills or []))
    unknown = [s for s in skills if s not in Skill.values]
    if unknown:
        raise ValidationError({"skills": _("Unknown skill: %(s)s.") % {"s": "、".join(map(str, unknown))}})
    return skills


def identity_fields(id_type: str, id_number: str, phone: str) -> dict:
    """The stored fields of an ID number and a phone (both optional), validated; IdentityError-free:
    a bad value is a ValidationError on its field."""
    out: dict = {"id_type": id_type or IdType.RESIDENT}
    if id_number:
        try:
            number = validate_document(out["id_type"], id_number)
        except IdentityError as exc:
            raise ValidationError({"id_number": str(exc)}) from exc
        out.update(
            id_number_enc=crypto.encrypt(number),
            id_hash=crypto.blind_index(number, kind="id"),
            id_masked=mask_id(number),
        )
    if phone:
        try:
            phone = validate_mobile(phone)
        except IdentityError as exc:
            raise ValidationError({"phone": str(exc)}) from exc
        out.update(
            phone_enc=crypto.encrypt(phone),
            phone_hash=crypto.blind_index(phone, kind="phone"),
            phone_masked=mask_phone(phone),
        )
    return out


def registry_person_id(id_hash: str) -> int | None:
    """The resident registry's record of the same document number (the same HMAC index): a worker's own
    test results and status are read through it."""
    if not id_hash:
        return None
    from fangkong.people.models import Person

    return Person.objects.filter(id_hash=id_hash).values_list("pk", flat=True).first()


def _duplicate(id_hash: str, exclude_pk: int | None = None) -> bool:
    if not id_hash:
        return False
    qs = Worker.objects.filter(id_hash=id_hash)
    return (qs.exclude(pk=exclude_pk) if exclude_pk else qs).exists()


DUPLICATE = gettext_noop("A worker with this document number is already registered.")


def _save(worker: Worker) -> None:
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise ValidationError({"id_number": _(DUPLICATE)}) from exc


@transaction.atomic
def worker_create(
    *,
    actor,
    area: Area,
    name: str,
    kind: str = Worker.Kind.VOLUNTEER,
    level: str = Worker.Level.COMMUNITY,
    home_unit: str = "",
    skills=(),
    health_status: str = Worker.Health.HEALTHY,
    id_type: str = IdType.RESIDENT,
    id_number: str = "",
    phone: str = "",
    notes: str = "",
    status: str = Worker.Status.ACTIVE,
    user=None,
    person=None,
) -> Worker:
    """Register a worker in the team of `area` (a street or community of the actor's jurisdiction)."""
    check_area(actor, "workforce.add_worker", area)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the worker's name.")})
    ident = identity_fields(id_type, id_number, phone)
    if _duplicate(ident.get("id_hash", "")):
        raise ValidationError({"id_number": _(DUPLICATE)})
    worker = Worker(
        area=area,
        area_path=area.path,
        name=name[:50],
        kind=kind,
        level=level,
        home_unit=(home_unit or "").strip()[:100],
        skills=clean_skills(skills),
        health_status=health_status,
        notes=notes or "",
        status=status,
        user=user,
        person=person,
        **ident,
    )
    if person is None:
        worker.person_id = registry_person_id(ident.get("id_hash", ""))
    worker.full_clean(exclude=["area", "user", "person", "registration_link", "reviewed_by"])
    _save(worker)
    record(worker, ChangeLog.Action.CREATE, actor=_actor(actor))
    return worker


@transaction.atomic
def worker_update(*, actor, worker: Worker, **fields) -> Worker:
    """Change the listed fields; `id_number` / `phone` are given in clear and re-encrypted (an empty one
    keeps the stored value). The team (area) changes only by assignment."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    check_area(actor, "workforce.change_worker", worker.area)
    id_number = (fields.pop("id_number", "") or "").strip()
    phone = (fields.pop("phone", "") or "").strip()
    id_type = fields.pop("id_type", worker.id_type)
    data = dict(fields)
    if "skills" in data:
        data["skills"] = clean_skills(data["skills"])
    if "name" in data:
        data["name"] = (data["name"] or "").strip()[:50]
        if not data["name"]:
            raise ValidationError({"name": _("Give the worker's name.")})
    if id_number or phone:
        ident = identity_fields(id_type, id_number, phone)
        if not id_number:
            ident.pop("id_type")
        if _duplicate(ident.get("id_hash", ""), exclude_pk=worker.pk):
            raise ValidationError({"id_number": _(DUPLICATE)})
        data.update(ident)
        if ident.get("id_hash"):
            data["person_id"] = registry_person_id(ident["id_hash"])
    try:
        with transaction.atomic():
            model_update(
                worker, data, actor=actor, validate=True, validate_exclude=["area", "user", "person"]
            )
    except IntegrityError as exc:
        raise ValidationError({"id_number": _(DUPLICATE)}) from exc
    return worker


@transaction.atomic
def worker_release(*, actor, worker: Worker, reason: str = "") -> Worker:
    """Release a worker (back to their unit): their open assignment ends today."""
    from django.utils import timezone

    from ..models import Assignment

    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    check_area(actor, "workforce.change_worker", worker.area)
    if worker.status == Worker.Status.RELEASED:
        raise ValidationError(_("This worker is already released."))
    today = timezone.localdate()
    for a in Assignment.objects.filter(worker=worker, end__isnull=True):
        model_update(a, {"end": max(today, a.start)}, actor=actor, message=gettext_noop("worker released"))
    model_update(
        worker,
        {"status": Worker.Status.RELEASED},
        actor=actor,
        message=gettext_noop("released: %(reason)s"),
        params={"reason": reason[:200]},
    )
    return worker


@transaction.atomic
def worker_for_user(*, actor, user, area: Area) -> Worker:
    """The worker record of a user account, created (a volunteer in the community of `area`) when the
    user has none yet: a shift always names the registry's worker."""
    existing = Worker.objects.filter(user=user).first()
    if existing is not None:
        return existing
    team = community_of(area)
    worker = Worker.objects.create(
        name=(getattr(user, "display_name", "") or user.get_full_name() or user.username)[:50],
        kind=Worker.Kind.VOLUNTEER,
        level=Worker.Level.COMMUNITY,
        status=Worker.Status.ACTIVE,
        user=user,
        area=team,
        area_path=team.path,
    )
    record(worker, ChangeLog.Action.CREATE, actor=_actor(actor))
    return worker


@transaction.atomic
def worker_link_user(*, actor, worker: Worker, user) -> Worker:
    """Link a worker to the user account they log in with (one account, one worker)."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    check_area(actor, "workforce.change_worker", worker.area)
    if user is not None and Worker.objects.filter(user=user).exclude(pk=worker.pk).exists():
        raise ValidationError({"user": _("This account already belongs to another worker.")})
    model_update(worker, {"user": user}, actor=actor)
    return worker


def may_reveal(user, worker: Worker) -> bool:
    return bool(
        user
        and user.has_perm("workforce.reveal_identity")
        and user_can_see_path(user, "workforce.reveal_identity", worker.area_path)
    )


@transaction.atomic
def worker_reveal(*, actor, worker: Worker, field: str, reason: str) -> str:
    """The clear document number or phone, for a role that may see it; every reveal is logged."""
    if field not in REVEALABLE:
        raise ValidationError({"field": _("Only the document number or the phone can be revealed.")})
    if not may_reveal(actor, worker):
        raise PermissionDenied(_("Your role may not see full ID numbers and phones here."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why you need the full value.")})
    record_access(actor=actor, instance=worker, field=field, reason=reason)
    return crypto.decrypt(getattr(worker, REVEALABLE[field]))
