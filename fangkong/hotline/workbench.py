"""The hotline's lines on the workbench (orders to dispatch, to answer, about to be overdue, callbacks to
make, triage), the operator's landing (quick entry) and the header search by order number."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Landing, Search, register_kind, register_landing, register_search


def _find(user, q: str):
    from django.db.models import Q

    from .models import WorkOrder

    q = (q or "").strip()
    if len(q) < 3:
        return []
    qs = WorkOrder.objects.visible_to(user).filter(Q(city_number=q) | Q(address__contains=q))[:10]
    return [
        (str(o), o.get_absolute_url(), f"{o.get_category_display()} · {o.get_status_display()}") for o in qs
    ]


def register() -> None:
    for kind in (
        Kind(
            "hotline.triage",
            gettext_noop("Work orders to match by hand"),
            "hotline:triage",
            deadline="response_due",
            order=60,
        ),
        Kind(
            "hotline.to_dispatch",
            gettext_noop("Work orders to dispatch"),
            "hotline:order-list",
            query={"stage": "to_dispatch"},
            deadline="response_due",
            order=61,
        ),
        Kind(
            "hotline.to_answer",
            gettext_noop("Work orders to answer"),
            "hotline:order-list",
            query={"stage": "to_answer"},
            deadline="resolve_due",
            order=62,
        ),
        Kind(
            "hotline.due_soon",
            gettext_noop("Work orders about to be overdue"),
            "hotline:order-list",
            query={"due": "due_soon"},
            deadline="resolve_due",
            order=63,
        ),
        Kind(
            "hotline.callbacks",
            gettext_noop("Callbacks to make"),
            "hotline:order-list",
            query={"stage": "callback"},
            deadline="closed_at",
            order=64,
        ),
    ):
        register_kind(kind)
    register_landing(Landing(role="hotline_operator", link="hotline:new"))
    register_search(
        Search("hotline.orders", gettext_noop("Work orders"), "hotline.view_workorder", _find, order=60)
    )
