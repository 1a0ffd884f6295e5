"""Writes of workplaces. A package by topic (one module each); this module re-exports every name so
callers keep `services.x(...)`."""

from .common import (
    _user,
    contact_may,
    workplace_writable,
)
from .inspections import (
    MAX_EXTENSION_DAYS,
    RECTIFY_KEY,
    _event,
    checklist_for,
    checklist_version_create,
    inspection_record,
    ledger_escalate_overdue,
    ledger_item_extend,
)
from .missing import (
    DEADLINE_KEY,
    _deadline,
    missing_reports_scan,
    missing_reports_scan_naive,
)
from .rooms import (
    _rules_check,
    inspection_room_record,
)
from .zero_reports import (
    LINK_DAYS,
    ONSITE_KEY,
    REPORT_FIELDS,
    _clean_absentees,
    _sick_leave,
    onsite_check,
    report_link_create,
    report_link_revoke,
    zero_report_file,
)

__all__ = [
    "DEADLINE_KEY",
    "LINK_DAYS",
    "MAX_EXTENSION_DAYS",
    "ONSITE_KEY",
    "RECTIFY_KEY",
    "REPORT_FIELDS",
    "_clean_absentees",
    "_deadline",
    "_event",
    "_rules_check",
    "_sick_leave",
    "_user",
    "checklist_for",
    "checklist_version_create",
    "contact_may",
    "inspection_record",
    "inspection_room_record",
    "ledger_escalate_overdue",
    "ledger_item_extend",
    "missing_reports_scan",
    "missing_reports_scan_naive",
    "onsite_check",
    "report_link_create",
    "report_link_revoke",
    "workplace_writable",
    "zero_report_file",
]
