"""Background jobs: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def briefing_generate_task(date_iso: str | None = None) -> int | None:
    """The nightly briefing (beat, after the policy's cut-off): the day just ended, once (a retry
    returns the briefing already made)."""
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from .services import briefing_generate

    date = (
        datetime.date.fromisoformat(date_iso)
        if date_iso
        else timezone.localdate() - datetime.timedelta(days=1)
    )
    try:
        return briefing_generate(actor=None, date=date, allow_empty=True).pk
    except ValidationError:
        return None
