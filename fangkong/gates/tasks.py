"""Celery tasks: fetch, then call the service."""

from celery import shared_task


@shared_task
def partitions_ensure_task(days: int = 14) -> int:
    """Kept for schedules that still name it: the partitions of every append-only table, the scan
    table's among them (core.tasks.partitions_ensure_task, which beat now runs)."""
    from fangkong.core.tasks import partitions_ensure_task as ensure_all

    return ensure_all(days=days)
