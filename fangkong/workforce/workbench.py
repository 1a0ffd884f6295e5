"""The workforce's lines on the workbench (core/workbench.py)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, register_kind


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
