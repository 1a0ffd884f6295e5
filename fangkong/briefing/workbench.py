"""The briefing's line on the workbench (decisions and tasks of the user's areas, by deadline) and the
leadership's landing page."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Landing, register_kind, register_landing

# Where the leadership lands; the live command screen will take its place (one line).
LEADERSHIP_LANDING = "briefing:command"  # the live command screen (issue 19)


def register() -> None:
    register_kind(
        Kind(
            "briefing.items_open",
            gettext_noop("Decisions and tasks of your areas"),
            "briefing:item-list",
            query={"open": "true"},
            deadline="deadline",
            order=70,
        )
    )
    register_landing(Landing(role="leadership_viewer", link=LEADERSHIP_LANDING))
