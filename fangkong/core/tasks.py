"""Background jobs: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def retention_run_task() -> dict:
    """Daily (beat): personal data past its retention period is dropped or anonymised (core/retention.py)."""
    from .retention import retention_run

    return retention_run().as_dict()
