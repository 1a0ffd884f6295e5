"""Celery tasks: fetch, then call the service."""

from celery import shared_task


@shared_task
def missed_checkins_flag_task() -> int:
    """Every few minutes: shifts started N minutes ago (policy workforce.missed_minutes) with no check-in are
    flagged to their community, once each."""
    from .services import missed_checkins_flag

    return missed_checkins_flag()
