"""The workforce's lines on the workbench (self-registrations to review, open deployment requests to
fill) and its header search."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Search, register_kind, register_search


def find_workers(user, q: str, limit: int = 8):
    from django.urls import reverse

    from .selectors import worker_list, worker_search

    hits = worker_search(worker_list(viewer=user), q).select_related("area")[:limit]
    return [
        (w.name, reverse("workforce:worker-detail", args=[w.pk]), f"{w.get_kind_display()} · {w.area.name}")
        for w in hits
    ]


def register() -> None:
    register_kind(
        Kind(
            "workforce.registrations_review",
            gettext_noop("Self-registrations to review"),
            "workforce:registration-list",
            deadline="created_at",
            order=40,
        )
    )
    register_kind(
        Kind(
            "workforce.requests_open",
            gettext_noop("Deployment requests to fill"),
            "workforce:request-open",
            query={"status": "open"},
            deadline="start",
            order=41,
        )
    )
    register_search(
        Search(
            key="workforce.worker",
            label=gettext_noop("Workers"),
            perm="workforce.view_worker",
            find=find_workers,
        )
    )


def register_rosters() -> None:
    register_kind(
        Kind(
            "workforce.posts_uncovered",
            gettext_noop("Posts uncovered in the next 24 hours"),
            "workforce:post-cover",
            query={"uncovered": "true"},
            order=45,
        )
    )
    register_kind(
        Kind(
            "workforce.missed_checkins",
            gettext_noop("Missed check-ins"),
            "workforce:missed-list",
            query={"open": "true"},
            deadline="flagged_at",
            order=46,
        )
    )
