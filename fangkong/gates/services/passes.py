"""Passes: issue, warnings, revoke."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import dates
from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog
from fangkong.policies.selectors import policy_value

from ..models import (
    Pass,
)

# A pass starting in 9999 ran its end off the calendar (a 500); in 1970 no policy was in force.
PASS_START_MAX_PAST = datetime.timedelta(days=30)
PASS_START_MAX_AHEAD = datetime.timedelta(days=30)


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
    if not dates.within(valid_from, past=PASS_START_MAX_PAST, ahead=PASS_START_MAX_AHEAD, now=now):
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
