"""The hotline's analysis line on the workbench: proactive tasks (未诉先办) still open."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, register_kind


def register() -> None:
    register_kind(
        Kind(
            "hotline.proactive_open",
            gettext_noop("Proactive tasks to take on"),
            "hotline:proactive-list",
            query={"status": "open"},
            deadline="created_at",
            order=66,
        )
    )
