"""Reads of zero reports, links, inspections and checklists (always scoped where they list records)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import get_language

from .models import Checklist, ReportLink, Violation, Workplace, WorkplaceType


def report_link_resolve(token: str) -> ReportLink | None:
    """The link a token names (usable or not), or None for a forged or unknown token."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    return ReportLink.objects.select_related("workplace", "workplace__area").filter(token=token).first()


def qr_svg(url: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2)
    return buf.getvalue()


def contact_workplaces(user) -> list[Workplace]:
    """The open workplaces a user files zero reports for (a contact: those naming them)."""
    return list(
        Workplace.objects.visible_to(user, "workplaces.add_zeroreport")
        .filter(open=True, safety_contact_user=user)
        .order_by("name")
    )


def inspection_rows(inspection) -> list[tuple[str, bool | None]]:
    english = (get_language() or "").startswith("en")
    return [
        (item["en"] if english else item["zh"], inspection.results.get(item["key"]))
        for item in inspection.checklist.items
    ]


def workplace_open_violations(workplace):
    return Violation.objects.filter(workplace=workplace, resolved_at__isnull=True).select_related(
        "policy", "room"
    )


def current_checklists() -> list[tuple[str, Checklist | None]]:
    latest = {}
    for c in Checklist.objects.filter(effective_from__lte=timezone.now()).order_by(
        "workplace_type", "-version"
    ):
        latest.setdefault(c.workplace_type, c)
    return [(label, latest.get(value)) for value, label in WorkplaceType.choices]
