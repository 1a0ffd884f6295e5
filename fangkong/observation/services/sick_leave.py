"""Sick-leave reports matched to people and orders."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import crypto
from fangkong.core.audit import record
from fangkong.core.identity import mask_phone, normalise_phone
from fangkong.core.models import ChangeLog
from fangkong.people.models import Person

from ..models import (
    OPEN_STATUSES,
    ObservationOrder,
    OrderReason,
    OrderType,
    SickLeaveReport,
    Symptom,
)
from .orders import _user, order_create

# ---------------------------------------------------------------- sick-leave reports


@transaction.atomic
def sick_leave_report(
    *,
    actor,
    workplace,
    person_name: str,
    phone: str = "",
    symptoms=None,
    days: int,
    date: datetime.date | None = None,
) -> SickLeaveReport:
    """因病缺勤报告. If the phone matches a resident inside the reporter's jurisdiction (where the
    reporter may order observation) with no open order, a health-monitoring order starts (source: this
    report). A side path writes only inside the actor's jurisdiction: a resident registered elsewhere is
    not linked, ordered or shown back; instead a referral copy of the report (person linked, no order)
    is filed in that resident's own area, where their community's workers see it and decide."""
    symptoms = [s for s in (symptoms or []) if s]
    if any(s not in Symptom.values for s in symptoms):
        raise ValidationError({"symptoms": _("Unknown symptom.")})
    if days < 1:
        raise ValidationError({"days": _("At least one day.")})
    phone = normalise_phone(phone)
    phone_hash = crypto.blind_index(phone, kind="phone") if phone else ""
    fields = {
        "workplace": workplace,
        "person_name": person_name[:50],
        "phone_enc": crypto.encrypt(phone),
        "phone_hash": phone_hash,
        "phone_masked": mask_phone(phone) if phone else "",
        "symptoms": symptoms,
        "days": days,
        "date": date or timezone.localdate(),
        "reported_by": _user(actor),
    }
    report = SickLeaveReport.objects.create(
        area_id=workplace.area_id, area_path=workplace.area_path, **fields
    )
    record(report, ChangeLog.Action.CREATE, actor=actor)
    if not phone_hash:
        return report
    person = _match_by_phone(
        Person.objects.visible_to(actor, "observation.add_observationorder"), phone_hash, person_name
    )
    if person is None:
        elsewhere = _match_by_phone(Person.objects.all(), phone_hash, person_name)
        if elsewhere is not None:
            referral = SickLeaveReport.objects.create(
                area_id=elsewhere.area_id, area_path=elsewhere.area_path, person=elsewhere, **fields
            )
            record(
                referral,
                ChangeLog.Action.CREATE,
                actor=actor,
                message=gettext_noop("referred from sick-leave report #%(id)s"),
                params={"id": report.pk},
            )
        return report
    report.person = person
    if not ObservationOrder.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
        report.order = order_create(
            actor=actor,
            person=person,
            order_type=OrderType.HEALTH_MONITORING,
            reason=OrderReason.OTHER,
            source=f"observation.SickLeaveReport:{report.pk}",
        )
    report.save(update_fields=["person", "order", "updated_at"])
    return report


def _match_by_phone(people, phone_hash: str, name: str) -> Person | None:
    # The same phone may be shared within a family: prefer the one whose name matches.
    return (
        people.filter(phone_hash=phone_hash, name=name).first()
        or people.filter(phone_hash=phone_hash).first()
    )
