"""Self-registration (志愿者报名, 在职党员报到): a community's link and QR code, the public phone page's
registration (a worker pending review) and the community's review."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core.audit import model_update, record
from fangkong.core.identity import IdType
from fangkong.core.models import ChangeLog

from ..models import RegistrationLink, Worker
from .workers import (
    DUPLICATE,
    _actor,
    _duplicate,
    _save,
    check_area,
    clean_skills,
    identity_fields,
    registry_person_id,
)

LINK_DAYS_DEFAULT = 14
LINK_DAYS_MAX = 90

# What the public page says of a link that no longer takes registrations (one text for a revoked, an
# expired and an unknown token: the page tells a stranger nothing about which tokens exist).
LINK_CLOSED = gettext_noop("This registration link is no longer open. Ask the community for a new one.")


class LinkClosed(Exception):
    pass


@transaction.atomic
def registration_link_create(
    *, actor, area: Area, kind: str = Worker.Kind.VOLUNTEER, days: int = LINK_DAYS_DEFAULT, title: str = ""
) -> RegistrationLink:
    """A community's self-registration link, open for `days` days."""
    check_area(actor, "workforce.add_registrationlink", area)
    if area.level != Level.COMMUNITY:
        raise ValidationError({"area": _("A registration link belongs to a community.")})
    if kind not in (Worker.Kind.VOLUNTEER, Worker.Kind.PARTY_MEMBER):
        raise ValidationError({"kind": _("Volunteers and reporting party members register themselves.")})
    if not 1 <= int(days) <= LINK_DAYS_MAX:
        raise ValidationError({"days": _("A link is open for 1 to %(n)s days.") % {"n": LINK_DAYS_MAX}})
    link = RegistrationLink.objects.create(
        area=area,
        area_path=area.path,
        kind=kind,
        title=(title or "").strip()[:100],
        expires_at=timezone.now() + datetime.timedelta(days=int(days)),
        created_by=_actor(actor),
    )
    record(link, ChangeLog.Action.CREATE, actor=actor)
    return link


@transaction.atomic
def registration_link_revoke(*, actor, link: RegistrationLink) -> RegistrationLink:
    link = RegistrationLink.objects.select_for_update().get(pk=link.pk)
    check_area(actor, "workforce.change_registrationlink", link.area)
    if link.revoked_at is not None:
        raise ValidationError(_("This link is already revoked."))
    model_update(
        link,
        {"revoked_at": timezone.now(), "revoked_by": _actor(actor)},
        actor=actor,
        message=gettext_noop("revoked"),
    )
    return link


def open_link(token: str, *, at: datetime.datetime | None = None) -> RegistrationLink:
    """The link of a token if it still takes registrations, else LinkClosed (same for a missing one)."""
    link = RegistrationLink.objects.select_related("area").filter(token=str(token or "")[:64]).first()
    if link is None or not link.is_open_at(at or timezone.now()):
        raise LinkClosed(LINK_CLOSED)
    return link


@transaction.atomic
def self_register(
    *,
    token: str,
    name: str,
    phone: str,
    id_number: str,
    id_type: str = IdType.RESIDENT,
    home_unit: str = "",
    skills=(),
    notes: str = "",
) -> Worker:
    """A volunteer or party member registers through the community's link: a worker pending review in
    that community's team. Raises LinkClosed for a revoked, expired or unknown link."""
    link = open_link(token)
    RegistrationLink.objects.select_for_update().filter(pk=link.pk).first()  # serialise its registrations
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the worker's name.")})
    if not (phone or "").strip():
        raise ValidationError({"phone": _("The phone is required.")})
    if not (id_number or "").strip():
        raise ValidationError({"id_number": _("The document number is required.")})
    ident = identity_fields(id_type, id_number, phone)
    if _duplicate(ident["id_hash"]):
        raise ValidationError({"id_number": _(DUPLICATE)})
    worker = Worker(
        area_id=link.area_id,
        area_path=link.area_path,
        name=name[:50],
        kind=link.kind,
        level=Worker.Level.COMMUNITY,
        home_unit=(home_unit or "").strip()[:100],
        skills=clean_skills(skills),
        notes=(notes or "").strip()[:2000],
        status=Worker.Status.PENDING,
        registration_link=link,
        person_id=registry_person_id(ident["id_hash"]),
        **ident,
    )
    _save(worker)
    record(worker, ChangeLog.Action.CREATE, actor=None, message=gettext_noop("registered through the link"))
    return worker


@transaction.atomic
def registration_review(*, actor, worker: Worker, approve: bool, note: str = "") -> Worker:
    """The community approves (active in its team) or rejects a pending self-registration."""
    worker = Worker.objects.select_for_update().filter(pk=worker.pk).first()
    if worker is None:
        raise ValidationError(_("No such registration."))
    check_area(actor, "workforce.change_worker", worker.area)
    if worker.status != Worker.Status.PENDING:
        raise ValidationError(_("This registration has already been reviewed."))
    note = (note or "").strip()[:200]
    if not approve and not note:
        raise ValidationError({"note": _("Say why the registration is rejected.")})
    model_update(
        worker,
        {
            "status": Worker.Status.ACTIVE if approve else Worker.Status.REJECTED,
            "reviewed_by": _actor(actor),
            "reviewed_at": timezone.now(),
            "review_note": note,
        },
        actor=actor,
        message=gettext_noop("approved") if approve else gettext_noop("rejected"),
    )
    return worker
