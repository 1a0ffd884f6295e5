"""Hotline writes (keyword-only, one transaction each, audited). Every name is re-exported here."""

from .open311 import (
    PERM_MANAGE,
    integration_create,
    integration_for_key,
    integration_revoke,
    open311_request_create,
)
from .proactive import (
    PERM_CHANGE,
    proactive_scan,
    proactive_task_update,
)
from .rates import (
    COMMUNITY_PATH_LEN,
    FIELDS,
    _add,
    _key,
    _rows,
    contribution,
    lead_handler,
    local_day_bounds,
    rates_rebuild,
    rates_refresh,
    row_path,
)

__all__ = [
    "PERM_MANAGE",
    "integration_create",
    "integration_revoke",
    "integration_for_key",
    "open311_request_create",
    "PERM_CHANGE",
    "proactive_scan",
    "proactive_task_update",
    "COMMUNITY_PATH_LEN",
    "FIELDS",
    "lead_handler",
    "row_path",
    "contribution",
    "_key",
    "_rows",
    "_add",
    "rates_refresh",
    "rates_rebuild",
    "local_day_bounds",
]
