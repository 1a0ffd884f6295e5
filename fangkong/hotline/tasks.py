"""Background jobs: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def overdue_escalate_task() -> int:
    from .services import overdue_escalate

    return overdue_escalate()
