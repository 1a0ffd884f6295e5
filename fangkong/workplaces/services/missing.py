"""Missing zero reports: after the policy deadline, one alert per open workplace without a report,
to its street. Set-based and idempotent (a unique key per workplace and day; re-running adds nothing)."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core import metrics
from fangkong.core.audit import record_bulk
from fangkong.core.models import ChangeLog
from fangkong.policies.selectors import policy_values_by_area, value_for_path

from ..models import MissingReportAlert, Workplace, ZeroReport

DEADLINE_KEY = "workplace.report_deadline"


def _deadline(day: datetime.date, value) -> datetime.datetime:
    t = value if isinstance(value, datetime.time) else datetime.time.fromisoformat(str(value))
    return timezone.make_aware(datetime.datetime.combine(day, t))


@transaction.atomic
def missing_reports_scan(*, day: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Raise the day's missing-report alerts whose deadline has passed; returns how many are new."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    values = policy_values_by_area(DEADLINE_KEY, at=at)
    if not values:
        return 0
    wp = Workplace._meta.db_table
    zr = ZeroReport._meta.db_table
    ma = MissingReportAlert._meta.db_table
    if set(values) == {""}:
        deadline = _deadline(day, values[""])
        if deadline > now:
            return 0
        paths_sql, params = "", []
    else:
        # Area-specific deadlines: only the areas whose deadline has passed.
        passed = [p for p in values if _deadline(day, value_for_path(values, p)) <= now]
        if not passed:
            return 0
        late = [p for p in values if p not in passed]
        # A workplace takes the most specific area's value: include passed prefixes, exclude the longer
        # late prefixes beneath them.
        cond = " OR ".join(["w.area_path LIKE %s"] * len(passed))
        paths_sql = f" AND ({cond})"
        params = [p + "%" for p in passed]
        for p in late:
            if any(p.startswith(q) and len(p) > len(q) for q in passed):
                paths_sql += " AND w.area_path NOT LIKE %s"
                params.append(p + "%")
        deadline = _deadline(day, values.get("", "23:59"))
    sql = f"""
        INSERT INTO {ma} (area_id, area_path, created_at, updated_at, workplace_id, date, deadline)
        SELECT w.area_id, w.area_path, %s, %s, w.id, %s, %s
          FROM {wp} w
         WHERE w.open{paths_sql}
           AND NOT EXISTS (SELECT 1 FROM {zr} z WHERE z.workplace_id = w.id AND z.date = %s)
        ON CONFLICT (workplace_id, date) DO NOTHING
        RETURNING id"""
    with connection.cursor() as cur:
        cur.execute(sql, [now, now, day, deadline, *params, day])
        ids = [r[0] for r in cur.fetchall()]
    if ids:
        record_bulk(
            MissingReportAlert.objects.filter(pk__in=ids).select_related("workplace"),
            ChangeLog.Action.CREATE,
            message=gettext_noop("zero report missing at the deadline"),
        )
        metrics.alerts_counted(app="workplaces", kind="missing_zero_report", n=len(ids))
    return len(ids)


def missing_reports_scan_naive(*, day: datetime.date, now: datetime.datetime) -> int:
    """The row-by-row way (one query per workplace): the benchmark's baseline, not used by the app."""
    from fangkong.policies.selectors import policy_value

    created = 0
    for w in Workplace.objects.filter(open=True).select_related("area"):
        deadline = _deadline(day, policy_value(DEADLINE_KEY, at=now, area=w.area))
        if deadline > now or ZeroReport.objects.filter(workplace=w, date=day).exists():
            continue
        _, new = MissingReportAlert.objects.get_or_create(
            workplace=w,
            date=day,
            defaults={"area_id": w.area_id, "area_path": w.area_path, "deadline": deadline},
        )
        created += new
    return created
