"""Background jobs: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def overdue_escalate_task() -> int:
    from .services import overdue_escalate

    return overdue_escalate()


@shared_task
def proactive_scan_task() -> dict:
    from .services import proactive_scan

    return proactive_scan()


@shared_task
def rates_rebuild_task() -> int:
    from .services import rates_rebuild

    return rates_rebuild()
