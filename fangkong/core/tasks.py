"""Celery tasks: fetch, then call the service."""

from celery import shared_task


@shared_task
def partitions_ensure_task(days: int = 14) -> int:
    """Daily (beat): the coming days' (or months') partitions of every append-only table exist before
    their rows arrive; returns how many were created. Nothing on SQLite."""
    from . import partitioning

    return sum(len(created) for created in partitioning.partitions_ensure(days=days).values())
