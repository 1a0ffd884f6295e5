"""Care's lines on the workbench: workers with rest days overdue, workers on an assignment without valid
insurance, workers whose health report today shows fever or symptoms. Registered from apps.py."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Landing, register_kind, register_landing


def _today(now) -> str:
    return timezone.localtime(now).date().isoformat()


def _has_worker(user) -> bool:
    from .models import Worker

    return Worker.objects.filter(user=user).exists()


def register() -> None:
    for kind in (
        Kind(
            "workforce.rest_overdue",
            gettext_noop("Workers with rest days overdue"),
            "workforce:care-overview",
            query={"rest_overdue": "true", "status": "active"},
            order=63,
        ),
        Kind(
            "workforce.uninsured",
            gettext_noop("Workers on duty without valid insurance"),
            "workforce:care-overview",
            query={"uninsured": "true"},
            order=64,
        ),
        Kind(
            "workforce.health_flagged",
            gettext_noop("Workers with fever or symptoms today"),
            "workforce:health-list",
            query={"flagged": "true", "date": _today},
            deadline="date",
            order=62,
        ),
    ):
        register_kind(kind)
    # A down-sunk cadre opens the system on their own duty page (我的值守) when they are a registered worker.
    register_landing(Landing(role="cadre", link="workforce:my-duty", applies=_has_worker, order=60))
