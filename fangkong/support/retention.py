"""Retention of the service requests' personal data (core/retention.py; policy retention.support_requests.days).

A closed request (delivered, confirmed, cancelled) loses its contact phone, its note (free text: names,
addresses, medicines) and its link to the resident after the period; the request (household area, kind,
state, dates) stays for the counts."""

from __future__ import annotations

from django.db.models import Q

from fangkong.core.retention import Anonymise, register

from .models import DONE_STATES, RequestState

register(
    Anonymise(
        "retention.support_requests.days",
        "support.Request",
        lambda cutoff: Q(state__in=(*DONE_STATES, RequestState.CANCELLED), updated_at__lt=cutoff),
        fields={"contact_phone": "", "note": "", "person": None},
    )
)
