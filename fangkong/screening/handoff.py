"""Hand-offs to other apps: a preliminary positive to case investigation (流调), the members of a positive
pool to observation (`on_pool_positive`, below).

`on_preliminary_positive` is called by the results service for a positive single tube and for a positive
antigen self-test, inside the same transaction. When the tracing app is installed it opens (or finds) the
case there through `fangkong.tracing.services.case_open(actor=, person=, sample_date=, lab=,
source="screening", source_ref=ref)`; without it the hand-off is only recorded in the change log, and the
transfer task (应转尽转) carries the follow-up."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.utils.translation import gettext_noop

from fangkong.core.audit import record


def on_preliminary_positive(*, actor, person, sampled_at: datetime.datetime, lab: str, ref: str):
    """Open the case investigation for `person` (see the module docstring). Returns the case, or None."""
    if apps.is_installed("fangkong.tracing"):
        from fangkong.tracing import services as tracing

        return tracing.case_open(
            actor=actor,
            person=person,
            sample_date=sampled_at.date() if isinstance(sampled_at, datetime.datetime) else sampled_at,
            lab=lab,
            source="screening",
            source_ref=ref,
        )
    record(
        person,
        "update",
        actor=actor,
        message=gettext_noop("Preliminary positive (%(ref)s, %(lab)s): to case investigation"),
        params={"ref": ref, "lab": lab},
    )
    return None


# Statuses that outrank a pool's: a preliminary positive or a case is not sent back to home observation.
STRONGER = ("preliminary_positive", "confirmed")


def on_pool_positive(*, actor, person_ids: list[int], status: str, sources: dict[int, str]) -> list:
    """Members of a positive pooled tube get the policy's status (screening.pool_positive_status) the only
    way a status that means an order may be given: an observation order of that kind, created by the
    observation service with its policy days, reports and end (source "screening.Tube:<id>"). People who
    already hold an open order of that kind, or a stronger status, are left as they are; a status no order
    backs is not set (the retest list and the result 'to re-sample' carry them). Returns the orders."""
    if not person_ids or not apps.is_installed("fangkong.observation"):
        return []
    from fangkong.observation import services as observation
    from fangkong.observation.models import ObservationOrder, OrderReason, OrderStatus
    from fangkong.people.models import Person

    order_type = next((t for t, s in observation.PERSON_STATUS.items() if s == status), None)
    if order_type is None:
        return []
    held = set(
        ObservationOrder.objects.filter(
            person_id__in=person_ids,
            order_type=order_type,
            status__in=[OrderStatus.ACTIVE, OrderStatus.EXTENDED],
        ).values_list("person_id", flat=True)
    )
    people = list(
        Person.objects.filter(pk__in=person_ids)
        .exclude(pk__in=held)
        .exclude(status__in=STRONGER)
        .order_by("pk")
    )
    return observation.order_create_bulk(
        actor=actor,
        people=people,
        order_type=order_type,
        reason=OrderReason.OTHER,
        sources=[sources[p.pk] for p in people],
    )
