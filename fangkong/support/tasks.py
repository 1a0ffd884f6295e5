"""Background jobs: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def requests_escalate_overdue_task() -> int:
    """Every few minutes: open requests past their deadline go to their team lead (once each)."""
    from .services import requests_escalate_overdue

    return requests_escalate_overdue()
