"""Retention of observation's personal data (core/retention.py; periods are policy records retention.*).

An order and its health reports hang on the resident's registry record (people.Person, the current
registry, not kept by time); what they hold beyond that link is emptied once the order has been over for
the period: the free text of the ending and of the residents' needs, who reported, the symptoms. A
sick-leave report copies a name and phone (with its HMAC index): emptied, and unlinked from the resident."""

from __future__ import annotations

from django.db.models import Q

from fangkong.core.retention import Anonymise, register

from .models import OrderStatus

KEY = "retention.observation.days"

register(
    Anonymise(
        KEY,
        "observation.ObservationOrder",
        lambda cutoff: Q(status=OrderStatus.ENDED, ended_at__lt=cutoff),
        fields={"end_reason": ""},
    ),
    Anonymise(
        KEY,
        "observation.HealthReport",
        lambda cutoff: Q(order__status=OrderStatus.ENDED, order__ended_at__lt=cutoff),
        fields={"needs_note": "", "symptoms": [], "needs": [], "reported_by": None},
    ),
    Anonymise(
        KEY,
        "observation.SickLeaveReport",
        lambda cutoff: Q(created_at__lt=cutoff),
        fields={"person_name": "", "phone_enc": "", "phone_hash": "", "phone_masked": "", "person": None},
    ),
)
