"""Follow-ups of refused or feverish entries."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import msgid, record, snapshot
from fangkong.core.models import ChangeLog

from ..models import (
    FollowUp,
)


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
