"""Retention of the hotline's personal data (core/retention.py; policy retention.hotline_orders.days).

A closed 12345 work order loses the caller's name and phone and its link to the resident after the period;
the order (street, area, category, text, dates, outcome, rating) stays: the three rates and the recurring
complaints are counted from it."""

from __future__ import annotations

from django.db.models import Q

from fangkong.core.retention import Anonymise, register

from .models import Status

register(
    Anonymise(
        "retention.hotline_orders.days",
        "hotline.WorkOrder",
        lambda cutoff: Q(status=Status.CLOSED, closed_at__lt=cutoff),
        fields={"caller_name": "", "caller_phone": "", "person": None},
    )
)
