"""Closed-community support's lines on the workbench, the runner's landing page and the request search."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Landing, Search, register_kind, register_landing, register_search


def is_runner(user) -> bool:
    """A team member who is not its lead: their day is the deliveries page."""
    from .models import TeamMember

    return TeamMember.objects.filter(user=user, active=True, lead=False).exists()


def find_requests(user, q: str):
    """A request by its number (#123) or by the name of its resident."""
    from django.db.models import Q

    from .models import Request

    q = q.strip()
    cond = Q(person__name__contains=q)
    digits = q.lstrip("#")
    if digits.isascii() and digits.isdigit() and len(digits) < 10:
        cond |= Q(pk=int(digits))
    qs = Request.objects.visible_to(user).filter(cond).select_related("person").order_by("-id")
    return [(f"{r} · {r.person or ''}", r.get_absolute_url(), r.get_state_display()) for r in qs[:10]]


def register() -> None:
    for kind in (
        Kind(
            "support.requests_new",
            gettext_noop("Service requests not assigned"),
            "support:request-list",
            query={"state": "new"},
            deadline="deadline",
            order=60,
        ),
        Kind(
            "support.requests_urgent",
            gettext_noop("Urgent service requests open"),
            "support:request-list",
            query={"urgent": "true", "open": "true"},
            deadline="deadline",
            order=61,
        ),
        Kind(
            "support.requests_overdue",
            gettext_noop("Service requests overdue"),
            "support:request-list",
            query={"overdue": "true"},
            deadline="deadline",
            order=62,
        ),
    ):
        register_kind(kind)
    register_landing(Landing(role="grid_member", link="support:runner", applies=is_runner))
    register_search(
        Search("support.request", gettext_noop("Service requests"), "support.view_request", find_requests, 30)
    )
