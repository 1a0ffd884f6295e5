"""wp2's lines on the workbench: a contact's zero report due today, a street's missing reports and
ledger items due; the workplace contact's landing (their report page)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Landing, register_kind, register_landing


def _today(now) -> str:
    return timezone.localtime(now).date().isoformat()


def _end_of_today(qs, now):
    """A zero report is due by the end of the day it is for."""
    if not qs.exists():
        return None
    day = timezone.localtime(now).date()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def register() -> None:
    for kind in (
        Kind(
            "workplaces.zero_report_due",
            gettext_noop("Zero reports due today"),
            "workplaces:report-due-list",
            query={"due": _today},
            deadline=_end_of_today,
            order=62,
        ),
        Kind(
            "workplaces.reports_missing",
            gettext_noop("Workplace zero reports missing"),
            "workplaces:missing-list",
            query={"open": "true", "date": _today},
            deadline="deadline",
            order=63,
        ),
        Kind(
            "workplaces.ledger_due",
            gettext_noop("Rectifications due"),
            "workplaces:ledger-list",
            query={"open": "true", "due_by": _today},
            deadline="deadline",
            order=64,
        ),
    ):
        register_kind(kind)
    register_landing(Landing(role="workplace_contact", link="workplaces:my-report"))
