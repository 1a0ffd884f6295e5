"""Writes of the workforce. Each function is one transaction and writes its change-log record.

A package by topic (one module each); this module re-exports every name so callers keep
`services.x(...)`."""

from .care import (
    MAX_ISSUED,
    _actor_user,
    _worker_checked,
    care_issue_record,
    insurance_enrol,
    rest_day_record,
    writable,
)
from .health import _may_report, health_report_submit, negative_test_enforce
from .workers import community_of, worker_for_user

__all__ = [
    "community_of",
    "worker_for_user",
    "insurance_enrol",
    "care_issue_record",
    "rest_day_record",
    "health_report_submit",
    "negative_test_enforce",
    "MAX_ISSUED",
    "_actor_user",
    "_worker_checked",
    "writable",
    "_may_report",
]
