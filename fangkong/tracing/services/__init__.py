"""Writes of the investigation. Each function is one transaction and writes its change-log record.

A package by topic (one module each); this module re-exports every name so callers keep `services.x(...)`
(the screening app calls `services.case_open`)."""

from .cases import (
    _person_status,
    case_assign,
    case_open,
    case_update,
    timeline_add,
    timeline_prefill,
)
from .chains import (
    _downstream,
    case_link,
    cluster_add,
    cluster_create,
)
from .common import (
    CASE_STATUS,
    MAX_PAST,
    _check_dates,
    _user,
)
from .contacts import (
    _merge,
    _set_orders,
    candidates_find,
    candidates_find_many,
    contact_name,
    contacts_confirm,
    contacts_dismiss,
    order_type_for,
)
from .risk import (
    risk_action,
    risk_area_create,
    risk_area_end,
    screening_run,
    task_done,
)

__all__ = [
    "CASE_STATUS",
    "MAX_PAST",
    "_check_dates",
    "_downstream",
    "_merge",
    "_person_status",
    "_set_orders",
    "_user",
    "candidates_find",
    "candidates_find_many",
    "case_assign",
    "case_link",
    "case_open",
    "case_update",
    "cluster_add",
    "cluster_create",
    "contact_name",
    "contacts_confirm",
    "contacts_dismiss",
    "order_type_for",
    "risk_action",
    "risk_area_create",
    "risk_area_end",
    "screening_run",
    "task_done",
    "timeline_add",
    "timeline_prefill",
]
