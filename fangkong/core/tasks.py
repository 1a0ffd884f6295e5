"""Background jobs: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def retention_run_task() -> dict:
    """Daily (beat): personal data past its retention period is dropped or anonymised (core/retention.py)."""
    from .retention import retention_run

    return retention_run().as_dict()


@shared_task
def partitions_ensure_task(days: int = 14) -> int:
    """Daily (beat): the coming days' (or months') partitions of every append-only table exist before
    their rows arrive; returns how many were created. Nothing on SQLite."""
    from . import partitioning

    return sum(len(created) for created in partitioning.partitions_ensure(days=days).values())
