"""The gates' lines on the workbench, the gate volunteer's landing page and the tracking-code search."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Landing, Search, register_kind, register_landing, register_search

# Passes ending within this many days are listed as expiring (the issuing community renews them).
EXPIRING_DAYS = 3


def _expiring_by(now) -> str:
    return (timezone.localtime(now).date() + dt.timedelta(days=EXPIRING_DAYS)).isoformat()


def find_notices(user, q: str):
    from django.urls import reverse

    from .models import ReturneeNotice

    code = q.strip().upper()
    if not code.isalnum() or len(code) > 12:
        return []
    qs = ReturneeNotice.objects.visible_to(user).filter(tracking_code=code)
    return [
        (
            f"{n.name} · {n.tracking_code}",
            reverse("gates:returnee-detail", args=[n.pk]),
            n.get_stage_display(),
        )
        for n in qs[:5]
    ]


def register() -> None:
    stage = "gates:returnee-list"
    for key, label, value, order in (
        ("returnees_review", gettext_noop("Returnee notices to review"), "notified", 20),
        ("returnees_inspect", gettext_noop("Returnee homes to inspect"), "inspection", 21),
        ("returnees_sign", gettext_noop("Returnee letters to sign"), "decided", 22),
    ):
        register_kind(
            Kind(f"gates.{key}", label, stage, query={"stage": value}, deadline="arrival_date", order=order)
        )
    register_kind(
        Kind(
            "gates.followups_open",
            gettext_noop("Gate follow-ups open"),
            "gates:followup-list",
            query={"status": "open"},
            order=23,
        )
    )
    register_kind(
        Kind(
            "gates.passes_expiring",
            gettext_noop("Passes expiring"),
            "gates:pass-list",
            query={"expiring_by": _expiring_by},
            deadline="valid_to",
            order=24,
        )
    )
    register_landing(Landing(role="gate_volunteer", link="gates:check"))
    register_search(
        Search(
            "gates.notice", gettext_noop("Returnee notices"), "gates.view_returneenotice", find_notices, 40
        )
    )
