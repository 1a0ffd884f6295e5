"""Celery tasks: fetch, then call the service."""

from celery import shared_task

from . import partitions


@shared_task
def partitions_ensure_task(days: int = 14) -> int:
    """Daily: the coming days' partitions of the scan table exist before the scans arrive."""
    if not partitions.is_partitioned():
        return 0
    return len(partitions.partitions_ensure(days=days))
