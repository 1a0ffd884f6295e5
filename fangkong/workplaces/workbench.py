"""Workplaces' lines on the workbench: open rule violations and plans waiting for the street's decision."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, register_kind, register_search


def _find(user, q):
    from .models import Workplace

    qs = Workplace.objects.visible_to(user).filter(name__icontains=q).order_by("name")[:10]
    return [(w.name, w.get_absolute_url(), w.get_type_display()) for w in qs]


def register() -> None:
    from fangkong.core.workbench import Search

    for kind in (
        Kind(
            "workplaces.violations_open",
            gettext_noop("Workplace rule violations open"),
            "workplaces:violation-list",
            query={"open": "true"},
            deadline="found_at",
            order=60,
        ),
        Kind(
            "workplaces.plans_submitted",
            gettext_noop("Prevention plans to approve"),
            "workplaces:plan-list",
            query={"status": "submitted"},
            deadline="submitted_at",
            order=61,
        ),
    ):
        register_kind(kind)
    register_search(
        Search(
            key="workplaces.workplace",
            label=gettext_noop("Workplaces"),
            perm="workplaces.view_workplace",
            find=_find,
            order=60,
        )
    )
