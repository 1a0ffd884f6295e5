"""Hand-off of a preliminary positive to case investigation (流调).

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
