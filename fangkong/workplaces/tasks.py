"""Background jobs: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def missing_reports_scan_task() -> int:
    """Missing zero reports past the policy deadline: one alert per workplace and day (idempotent)."""
    from .services import missing_reports_scan

    return missing_reports_scan()


@shared_task
def ledger_escalate_overdue_task() -> int:
    """Overdue ledger items escalate to the street once per deadline (idempotent)."""
    from .services import ledger_escalate_overdue

    return ledger_escalate_overdue()
