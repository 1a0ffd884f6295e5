"""Shared pieces of the investigation services: the actor, date checks, statuses of a case."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.people.models import PersonStatus

from ..models import (
    Classification,
)

CASE_STATUS = {
    Classification.PRELIMINARY: PersonStatus.PRELIMINARY_POSITIVE,
    Classification.CONFIRMED: PersonStatus.CONFIRMED,
    Classification.ASYMPTOMATIC: PersonStatus.CONFIRMED,
}
MAX_PAST = datetime.timedelta(days=60)


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _check_dates(*, sample_date, onset_date) -> None:
    today = timezone.localdate()
    if sample_date is None:
        raise ValidationError({"sample_date": _("Give the sample date.")})
    if not today - MAX_PAST <= sample_date <= today:
        raise ValidationError(
            {"sample_date": _("A sample date within the last %(days)d days.") % {"days": MAX_PAST.days}}
        )
    if onset_date is not None and not (today - MAX_PAST <= onset_date <= today):
        raise ValidationError(
            {"onset_date": _("An onset date within the last %(days)d days.") % {"days": MAX_PAST.days}}
        )
