"""Background jobs of the hotline's analysis: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def proactive_scan_task() -> dict:
    from .services import proactive_scan

    return proactive_scan()


@shared_task
def rates_rebuild_task() -> int:
    from .services import rates_rebuild

    return rates_rebuild()
