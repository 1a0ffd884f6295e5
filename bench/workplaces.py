"""Workplaces (issue 22, "Benchmarks"), group `workplaces`:

1. workplaces.rules_after_policy_change: 20,000 workplaces with 200,000 dormitory rooms (SCALE=small:
   2,000 / 20,000; tiny: 200 / 2,000). A new version of the dormitory area rule is saved through
   policies.services.policy_change, whose governor re-checks every room (the set-based pass, the diff
   against the open violations, the bulk inserts/updates, the change-log line), all in one transaction,
   rolled back afterwards. Target < 10 s. Baseline in the same run: one set-based SQL statement computing
   the same violations (`one_statement`, SELECT only); ratio = ours / baseline. `checked` says the two
   found exactly the same (room, rule) pairs.
2. workplaces.rules_pure_python: the same violations with the pure-Python evaluator over every room
   (rules.evaluate_room on all rows fetched), against the same baseline.
Rooms, dormitories, workplaces and their places are inserted straight into the tables (INSERT ... SELECT).
(wp2 adds the missing-report scan to this file as separate functions.)"""

from __future__ import annotations

import os
import time

from bench import common

WORKPLACES = {"tiny": 200, "small": 2_000, "default": 20_000, "large": 20_000}
ROOMS_PER = 10
REPEATS = {"tiny": 1, "small": 3, "default": 3, "large": 3}
TAG = "bench:workplaces"


class _Rollback(Exception):
    pass


def run(scale: str):
    common.ensure_district(scale)
    from fangkong.workplaces.models import Workplace

    # BENCH_WORKPLACES overrides the count (e.g. the full 20,000 on a district seeded at a smaller scale).
    n = int(os.environ.get("BENCH_WORKPLACES") or WORKPLACES[scale])
    have = Workplace.objects.filter(head_street_name=TAG).count()
    if have >= n:
        common.say(f"workplaces: reusing the {have} workplaces of an earlier run")
    else:
        common.say(f"workplaces: inserting {n - have} workplaces with {(n - have) * ROOMS_PER} rooms")
        t0 = time.perf_counter()
        insert(n - have)
        common.say(f"  inserted in {time.perf_counter() - t0:.1f}s")
        from fangkong.workplaces import services

        t0 = time.perf_counter()
        res = services.rules_check()
        common.say(f"  first check: {res.found} violations in {time.perf_counter() - t0:.1f}s")
    yield from rules_after_policy_change(scale)
    yield from missing_reports_scan(scale)  # wp2


def insert(n: int) -> None:
    """n places and workplaces spread over the communities, one dormitory each (one in five underground),
    ten rooms per dormitory with random areas, beds, occupants and bunks (a share of them in breach)."""
    from django.db import connection, transaction

    from fangkong.areas.models import Area, Level, Place
    from fangkong.workplaces.models import Dormitory, Room, Workplace

    areas = list(Area.objects.filter(level=Level.COMMUNITY).values_list("id", flat=True)) or list(
        Area.objects.values_list("id", flat=True)[:1]
    )
    pl, wp, dm, rm = (m._meta.db_table for m in (Place, Workplace, Dormitory, Room))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT setseed(0.22)")
        cur.execute(
            f"""WITH a AS (SELECT array_agg(id ORDER BY id) ids FROM {Area._meta.db_table} WHERE id = ANY(%s)),
                    g AS (SELECT i, (SELECT ids[1 + (i %% cardinality(ids))] FROM a) AS area_id
                          FROM generate_series(1, %s) i)
                INSERT INTO {pl} (created_at, updated_at, area_id, area_path, kind, name, address, contact_name,
                                  contact_phone, active)
                SELECT now(), now(), g.area_id, ar.path, 'workplace', 'BENCH工作场所' || %s || '-' || g.i, '', '',
                       '', true
                FROM g JOIN {Area._meta.db_table} ar ON ar.id = g.area_id""",
            [areas, n, str(int(time.time()))],
        )
        cur.execute(
            f"""INSERT INTO {wp} (created_at, updated_at, area_id, area_path, place_id, name, type, staff_count,
                                  dense, head_street_name, head_street_phone, head_property_name,
                                  head_property_phone, safety_contact_name, safety_contact_phone, risk_grade,
                                  open, list_status)
                SELECT now(), now(), p.area_id, p.area_path, p.id, p.name,
                       (ARRAY['factory','construction_site','office_building','supermarket','restaurant'])
                         [1 + (p.id %% 5)], 20 + (p.id %% 200), (p.id %% 3 = 0), %s, '', '', '', '', '', 'low',
                       true, 'none'
                FROM {pl} p WHERE p.name LIKE 'BENCH工作场所%%'
                  AND NOT EXISTS (SELECT 1 FROM {wp} w WHERE w.place_id = p.id)""",
            [TAG],
        )
        cur.execute(
            f"""INSERT INTO {dm} (created_at, updated_at, area_id, area_path, workplace_id, name, address, underground)
                SELECT now(), now(), w.area_id, w.area_path, w.id, '宿舍', '', (w.id %% 5 = 0)
                FROM {wp} w WHERE w.head_street_name = %s
                  AND NOT EXISTS (SELECT 1 FROM {dm} x WHERE x.workplace_id = w.id)""",
            [TAG],
        )
        cur.execute(
            f"""INSERT INTO {rm} (created_at, updated_at, area_id, area_path, dormitory_id, workplace_id, number,
                                  floor, floor_area, beds, bunks, occupants)
                SELECT now(), now(), d.area_id, d.area_path, d.id, d.workplace_id, (100 + k)::text, 1,
                       round((8 + random() * 30)::numeric, 1), b.beds, random() < 0.2,
                       floor(random() * (b.beds + 1))::int
                FROM {dm} d JOIN {wp} w ON w.id = d.workplace_id AND w.head_street_name = %s
                CROSS JOIN generate_series(1, %s) k
                CROSS JOIN LATERAL (SELECT 1 + floor(random() * 10)::int AS beds, k AS kk) b
                WHERE NOT EXISTS (SELECT 1 FROM {rm} x WHERE x.dormitory_id = d.id)""",
            [TAG, ROOMS_PER],
        )
        cur.execute(f"ANALYZE {rm}; ANALYZE {dm}; ANALYZE {wp}")


def one_statement() -> set[tuple[int, str]]:
    """The baseline: one SQL statement that reads the city-wide versions in force and returns every
    (room, rule) in breach (area overrides are not handled here: the service's pass handles them)."""
    from django.db import connection

    from fangkong.policies.models import Policy, PolicyDefinition
    from fangkong.workplaces import rules as R
    from fangkong.workplaces.models import Dormitory, Room

    rm, dm = Room._meta.db_table, Dormitory._meta.db_table
    sql = f"""
        WITH pol AS (
            SELECT DISTINCT ON (d.key) d.key, p.value #>> '{{}}' AS v
            FROM {Policy._meta.db_table} p JOIN {PolicyDefinition._meta.db_table} d ON d.id = p.definition_id
            WHERE d.key = ANY(%(keys)s) AND p.area_path = '' AND p.effective_from <= now()
              AND (p.effective_to IS NULL OR p.effective_to > now())
            ORDER BY d.key, p.effective_from DESC, p.version DESC
        ), lim AS (
            SELECT (SELECT v::numeric FROM pol WHERE key = %(da)s) AS da,
                   (SELECT v::int FROM pol WHERE key = %(dr)s) AS dr,
                   (SELECT v::numeric FROM pol WHERE key = %(ua)s) AS ua,
                   (SELECT v::int FROM pol WHERE key = %(ur)s) AS ur,
                   (SELECT v::boolean FROM pol WHERE key = %(ub)s) AS ub
        ), r AS (
            SELECT r.id, r.floor_area, r.occupants, r.bunks, d.underground
            FROM {rm} r JOIN {dm} d ON d.id = r.dormitory_id
        )
        SELECT r.id, x.rule FROM r CROSS JOIN lim
        CROSS JOIN LATERAL (VALUES
            (%(da)s, NOT r.underground AND r.occupants > 0 AND r.floor_area < lim.da * r.occupants),
            (%(dr)s, NOT r.underground AND r.occupants > lim.dr),
            (%(ua)s, r.underground AND r.occupants > 0 AND r.floor_area < lim.ua * r.occupants),
            (%(ur)s, r.underground AND r.occupants > lim.ur),
            (%(ub)s, r.underground AND r.bunks AND NOT lim.ub)
        ) AS x(rule, hit)
        WHERE x.hit
    """
    params = {
        "keys": list(R.ROOM_KEYS),
        "da": R.DORM_MIN_AREA,
        "dr": R.DORM_MAX_ROOM,
        "ua": R.UG_MIN_AREA,
        "ur": R.UG_MAX_ROOM,
        "ub": R.UG_BUNKS,
    }
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {(rid, rule) for rid, rule in cur.fetchall()}


def pure_python() -> set[tuple[int, str]]:
    """Every room fetched and judged in Python (rules.evaluate_room)."""
    from fangkong.workplaces import rules as R
    from fangkong.workplaces.models import Room

    limits = R.limits_by_area()
    per_path: dict = {}
    out = set()
    rows = Room.objects.values_list(
        "id", "area_path", "dormitory__underground", "floor_area", "occupants", "bunks"
    ).order_by()
    for rid, path, ug, area, occ, bunks in rows.iterator(chunk_size=5000):
        lim = per_path.get(path)
        if lim is None:
            lim = per_path[path] = R.limits_for_path(limits, path)
        for f in R.evaluate_room(underground=ug, floor_area=area, occupants=occ, bunks=bunks, limits=lim):
            out.add((rid, f.rule))
    return out


def rules_after_policy_change(scale: str):
    import statistics

    from django.db import transaction
    from django.utils import timezone

    from fangkong.policies import services as policy_services
    from fangkong.policies.selectors import policy_value
    from fangkong.workplaces import rules as R
    from fangkong.workplaces.models import Room
    from fangkong.workplaces.services import evaluate

    rooms = Room.objects.count()
    ours, base, pure, moved, same = [], [], [], [], []
    for _i in range(REPEATS[scale]):
        current = policy_value(R.DORM_MIN_AREA)
        new = "5" if current != 5 else "4"
        try:
            with transaction.atomic():
                t0 = time.perf_counter()
                result = policy_services.policy_change(
                    actor=None, key=R.DORM_MIN_AREA, value=new, effective_from=timezone.now(), source=TAG
                )
                ours.append(time.perf_counter() - t0)
                moved.append(result.moved)
                t0 = time.perf_counter()
                baseline = one_statement()
                base.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                by_python = pure_python()
                pure.append(time.perf_counter() - t0)
                ours_found = set(evaluate(None, limits=R.limits_by_area()))
                same.append(ours_found == baseline == by_python)
                raise _Rollback
        except _Rollback:
            pass
    o, b, p = statistics.median(ours), statistics.median(base), statistics.median(pure)
    yield common.result(
        "workplaces",
        "rules_after_policy_change",
        round(o, 3),
        "s",
        baseline=round(b, 3),
        ratio=round(o / b, 2) if b else None,
        target="< 10",
        checked=round(o, 3),
        rooms=rooms,
        violations_changed=moved[-1],
        same_violations=all(same),
    )
    yield common.result(
        "workplaces",
        "rules_pure_python",
        round(p, 3),
        "s",
        baseline=round(b, 3),
        ratio=round(p / b, 2) if b else None,
        rooms=rooms,
        same_violations=all(same),
    )


# -- wp2: the daily missing-report scan ----------------------------------------------------------------


def _zero_reports_insert(day) -> int:
    """Today's zero report for four workplaces in five (one in five is missing), straight into the table."""
    from django.db import connection

    from fangkong.workplaces.models import Workplace, ZeroReport

    with connection.cursor() as cur:
        cur.execute(
            f"""INSERT INTO {ZeroReport._meta.db_table}
                    (area_id, area_path, created_at, updated_at, workplace_id, date, staff_total, staff_on_site,
                     absent_sick, absentees, arrivals_outside, temperature_checked, disinfected, note, channel,
                     revision, filed_at)
                SELECT w.area_id, w.area_path, now(), now(), w.id, %s, w.staff_count, w.staff_count / 3,
                       0, '[]'::jsonb, 0, true, true, '', 'link', 1, now()
                FROM {Workplace._meta.db_table} w
                WHERE w.open AND w.id %% 5 <> 0
                ON CONFLICT (workplace_id, date) DO NOTHING""",
            [day],
        )
        return cur.rowcount


def _missing_select(day) -> int:
    """The baseline: one SELECT of the open workplaces without a report that day (read only)."""
    from django.db import connection

    from fangkong.workplaces.models import Workplace, ZeroReport

    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT w.id, w.area_id, w.area_path FROM {Workplace._meta.db_table} w
                WHERE w.open AND NOT EXISTS (
                    SELECT 1 FROM {ZeroReport._meta.db_table} z WHERE z.workplace_id = w.id AND z.date = %s)""",
            [day],
        )
        return len(cur.fetchall())


def missing_reports_scan(scale: str):
    """workplaces.missing_reports_scan: the daily scan (services.missing_reports_scan: one INSERT ... SELECT
    ... ON CONFLICT DO NOTHING RETURNING, then the change-log rows in one INSERT) over every workplace
    (20,000 at default) with one in five reports missing, inside a transaction rolled back afterwards.
    Target < 5 s. Baseline in the same run: one SELECT of the same missing workplaces; ratio = ours /
    baseline. A second scan must add nothing (`rerun_added`). `row_by_row_s`: the naive loop (a query
    per workplace, services.missing_reports_scan_naive) on a sample, scaled to all workplaces."""
    import datetime
    import statistics

    from django.db import transaction
    from django.utils import timezone

    from fangkong.workplaces import services
    from fangkong.workplaces.models import MissingReportAlert, Workplace

    day = timezone.localdate()
    late = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 0)))
    ours, base, again, found, naive = [], [], [], [], []
    total = Workplace.objects.filter(open=True).count()
    sample = min(total, 300)
    for _i in range(REPEATS[scale]):
        try:
            with transaction.atomic():
                _zero_reports_insert(day)
                # the demo's own alerts of the day would make `created` fall short of the SELECT's count
                MissingReportAlert.objects.filter(date=day).delete()
                t0 = time.perf_counter()
                missing = _missing_select(day)
                base.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                created = services.missing_reports_scan(day=day, now=late)
                ours.append(time.perf_counter() - t0)
                again.append(services.missing_reports_scan(day=day, now=late))
                found.append(created == missing == MissingReportAlert.objects.filter(date=day).count())
                MissingReportAlert.objects.filter(date=day).delete()
                ids = list(Workplace.objects.filter(open=True).values_list("pk", flat=True)[:sample])
                t0 = time.perf_counter()
                with transaction.atomic():
                    _naive_on(ids, day, late)
                naive.append((time.perf_counter() - t0) * total / max(sample, 1))
                raise _Rollback
        except _Rollback:
            pass
    o, b = statistics.median(ours), statistics.median(base)
    yield common.result(
        "workplaces",
        "missing_reports_scan",
        round(o, 3),
        "s",
        baseline=round(b, 3),
        ratio=round(o / b, 2) if b else None,
        target="< 5",
        checked=round(o, 3),
        workplaces=total,
        alerts=missing,
        rerun_added=max(again),
        same_missing=all(found),
        row_by_row_s=round(statistics.median(naive), 2),
    )


def _naive_on(ids, day, now) -> None:
    from fangkong.policies.selectors import policy_value
    from fangkong.workplaces.models import MissingReportAlert, Workplace, ZeroReport
    from fangkong.workplaces.services import DEADLINE_KEY, _deadline

    for w in Workplace.objects.filter(pk__in=ids).select_related("area"):
        deadline = _deadline(day, policy_value(DEADLINE_KEY, at=now, area=w.area))
        if deadline > now or ZeroReport.objects.filter(workplace=w, date=day).exists():
            continue
        MissingReportAlert.objects.get_or_create(
            workplace=w,
            date=day,
            defaults={"area_id": w.area_id, "area_path": w.area_path, "deadline": deadline},
        )
