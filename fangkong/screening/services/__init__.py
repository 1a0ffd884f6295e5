"""Writes of mass testing, one module per topic; `services.x(...)` is the one way in."""

from .boxes import box_advance, box_seal
from .campaigns import (
    PRIORITY_GROUPS,
    campaign_create,
    campaign_state_set,
    campaign_target_compute,
    exemption_record,
    scope_paths,
    target_queryset,
)
from .results import (
    ALIASES,
    HEADERS,
    antigen_report,
    file_error_text,
    lab_file_import,
    results_apply,
    retest_done,
    transfer_done,
    transfer_open,
)
from .sampling import (
    MAX_BATCH,
    household_targets,
    open_tubes,
    persons_for_code,
    resident_token,
    sample_batch_record,
    target_from_token,
    tube_close,
)
from .schedule import SchedulerMissing, plan_generate, plan_publish, published_plan, slots_for_building
from .sites import capacity_needed, lane_staff_add, site_create, site_defaults, site_update

__all__ = [
    "ALIASES",
    "HEADERS",
    "MAX_BATCH",
    "PRIORITY_GROUPS",
    "SchedulerMissing",
    "antigen_report",
    "box_advance",
    "box_seal",
    "campaign_create",
    "campaign_state_set",
    "campaign_target_compute",
    "capacity_needed",
    "exemption_record",
    "file_error_text",
    "household_targets",
    "lab_file_import",
    "lane_staff_add",
    "open_tubes",
    "persons_for_code",
    "plan_generate",
    "plan_publish",
    "published_plan",
    "resident_token",
    "results_apply",
    "retest_done",
    "sample_batch_record",
    "scope_paths",
    "site_create",
    "site_defaults",
    "site_update",
    "slots_for_building",
    "target_from_token",
    "target_queryset",
    "transfer_done",
    "transfer_open",
    "tube_close",
]
