"""Writes of the support app (closed-community service support). Each function is one transaction and
writes its change-log record. A package by topic; this module re-exports every name so callers keep
`services.x(...)`."""

from .closures import (
    CLOSABLE_LEVELS,
    closure_counts,
    closure_declare,
    closure_end,
    member_eligible,
    team_member_add,
    team_member_remove,
)
from .common import (
    DEADLINE_KEY,
    NEGATIVE_DAYS_KEY,
    OVERDUE_TARGETS_KEY,
    POLICY_KEYS,
    URGENT_TARGETS_KEY,
    _user,
    deadline_for,
)
from .dispatch import (
    MAX_SYNC,
    StepResult,
    _check_member,
    _runner_check,
    attempt_failed,
    batch_assign,
    request_assign,
    runner_sync,
    step_record,
)
from .knocks import knock_list_generate, knock_record
from .requests import (
    KIND_TEAM,
    NEED_KINDS,
    _contact,
    _escalate,
    _priority,
    closure_for,
    household_vulnerable,
    request_cancel,
    request_confirm,
    request_create,
    requests_escalate_overdue,
    requests_from_needs,
)
from .supplies import _checkpoint_of, _quantity, distribute, lot_receive, stock_of

__all__ = [
    "CLOSABLE_LEVELS", "closure_counts", "closure_declare", "closure_end", "member_eligible",
    "team_member_add", "team_member_remove",
    "DEADLINE_KEY", "NEGATIVE_DAYS_KEY", "OVERDUE_TARGETS_KEY", "POLICY_KEYS", "URGENT_TARGETS_KEY",
    "_user", "deadline_for",
    "MAX_SYNC", "StepResult", "_check_member", "_runner_check", "attempt_failed", "batch_assign",
    "request_assign", "runner_sync", "step_record",
    "knock_list_generate", "knock_record",
    "KIND_TEAM", "NEED_KINDS", "_contact", "_escalate", "_priority", "closure_for", "household_vulnerable",
    "request_cancel", "request_confirm", "request_create", "requests_escalate_overdue", "requests_from_needs",
    "_checkpoint_of", "_quantity", "distribute", "lot_receive", "stock_of",
]
