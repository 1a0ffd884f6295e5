"""Investigation's lines on the workbench, the investigator's landing page and the case search."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Landing, Search, register_kind, register_landing, register_search


def find_cases(user, q: str):
    """A case by its number or by the name of its person (the case list's own scope)."""
    from django.db.models import Q

    from .models import Case

    q = q.strip()
    cond = Q(person__name__contains=q)
    digits = q.upper().removeprefix("BL")  # the case number BL000123
    if digits.isascii() and digits.isdigit() and len(digits) < 10:
        cond |= Q(pk=int(digits))
    qs = Case.objects.visible_to(user).filter(cond).select_related("person").order_by("-id")
    return [(str(c), c.get_absolute_url(), c.get_classification_display()) for c in qs[:10]]


def register() -> None:
    for kind in (
        Kind(
            "tracing.contacts_candidate",
            gettext_noop("Candidate contacts to confirm"),
            "tracing:contact-list",
            query={"state": "candidate"},
            order=50,
        ),
        Kind(
            "tracing.transfers_overdue",
            gettext_noop("Case transfers overdue"),
            "tracing:case-list",
            query={"overdue": "true"},
            deadline="transfer_deadline",
            order=51,
        ),
        Kind(
            "tracing.tasks_open",
            gettext_noop("Risk-area screening tasks open"),
            "tracing:task-list",
            query={"state": "open"},
            order=52,
        ),
    ):
        register_kind(kind)
    register_landing(Landing(role="investigator", link="tracing:case-list"))
    register_search(Search("tracing.case", gettext_noop("Cases"), "tracing.view_case", find_cases, 20))
