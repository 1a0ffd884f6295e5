"""Policy keys of mass testing. No number lives in code: a campaign copies the regime in force when it is
created (Campaign.regime, pool_size, special rules, regime_source), so a later version governs only the
next campaign; site and lane defaults, the finishing window, the status given to members of a positive
pool and the transfer deadline are read when they are used."""

from __future__ import annotations

from fangkong.policies.selectors import policy_in_force

POOLED = "screening.pooled"  # bool: pooled tubes, otherwise single tubes
POOL_SIZE = "screening.pool_size"  # int: people per pooled tube (5, 10 or 20)
OBSERVATION_SINGLE = "screening.observation_single"  # bool: people under observation one per tube
SEALED_HOUSEHOLD = "screening.sealed_household"  # bool: one household per tube in a sealed compound
ANTIGEN_COUNTS = "screening.antigen_counts"  # bool: antigen self-tests count toward the campaign
SITE_PEOPLE = "screening.site_people"  # int: about one site per this many people
LANE_PEOPLE_DAY = "screening.lane_people_day"  # int: people per lane per day
LANE_PER_HOUR = "screening.lane_per_hour"  # int: default throughput of a lane per hour
FINISH_HOURS = "screening.finish_hours"  # int: the designated area is finished within these hours
POOL_POSITIVE_STATUS = "screening.pool_positive_status"  # text: a PersonStatus value
TRANSFER_HOURS = "screening.transfer_hours"  # int: hours to transfer a preliminary positive
NOTICE_MINUTES = "screening.notice_minutes"  # int: a slot starts at least this long after it is planned

KEYS = [
    POOLED,
    POOL_SIZE,
    OBSERVATION_SINGLE,
    SEALED_HOUSEHOLD,
    ANTIGEN_COUNTS,
    SITE_PEOPLE,
    LANE_PEOPLE_DAY,
    LANE_PER_HOUR,
    FINISH_HOURS,
    POOL_POSITIVE_STATUS,
    TRANSFER_HOURS,
    NOTICE_MINUTES,
]


def value(key: str, *, at=None, area=None):
    return policy_in_force(key, at=at, area=area).typed_value


def regime_snapshot(*, at, area) -> dict:
    """The regime fields a new campaign copies, with the sources of the versions in force."""
    out, sources = {}, []
    for key, field in (
        (POOLED, "pooled"),
        (POOL_SIZE, "pool_size"),
        (OBSERVATION_SINGLE, "observation_single"),
        (SEALED_HOUSEHOLD, "sealed_household"),
        (ANTIGEN_COUNTS, "antigen_counts"),
    ):
        p = policy_in_force(key, at=at, area=area)
        out[field] = p.typed_value
        if p.source and p.source not in sources:
            sources.append(f"{p.source} (v{p.version})")
    out["regime"] = "pool" if out.pop("pooled") else "single"
    if out["regime"] != "pool":
        out["pool_size"] = 1
    out["pool_size"] = max(1, int(out["pool_size"]))
    out["regime_source"] = "；".join(sources)[:300]
    return out
