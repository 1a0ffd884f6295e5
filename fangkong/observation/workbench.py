"""Observation's lines on the workbench: reports missing today, unhandled alerts, orders ending, stays
to discharge."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, register_kind


def _today(now) -> str:
    return timezone.localtime(now).date().isoformat()


def register() -> None:
    for kind in (
        Kind(
            "observation.reports_missing",
            gettext_noop("Health reports missing today"),
            "observation:alert-list",
            query={"kind": "missing_report", "status": "open", "date": _today},
            deadline="date",
            order=30,
        ),
        Kind(
            "observation.alerts_open",
            gettext_noop("Alerts not handled"),
            "observation:alert-list",
            query={"status": "open"},
            deadline="date",
            order=31,
        ),
        Kind(
            "observation.orders_ending",
            gettext_noop("Observation orders ending by today"),
            "observation:order-list",
            query={"open": "true", "ends_before": _today},
            deadline="planned_end",
            order=32,
        ),
        Kind(
            "observation.stays_discharge",
            gettext_noop("Site stays to discharge"),
            "observation:stay-list",
            query={"outcome": "staying", "discharge_by": _today},
            deadline="order__planned_end",
            order=33,
        ),
    ):
        register_kind(kind)
