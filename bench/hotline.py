"""Hotline (issue 21): 12345 work orders.

1. hotline.import: the city's dispatch export of ORDERS rows (a month of a large district: 100,000 at the
   default scale) imported through `services.order_import` — CSV reading (core.imports), validation, the
   address matching against the area tree (names, pinyin, rapidfuzz), deadlines from policy, and COPY —
   in rows/s, against a COPY of the very same prepared rows into hotline_workorder itself (its indexes and
   constraints) in the same run. Target: ratio ≥ 0.50; the phases (read, validate, write, side effects)
   are printed apart.
   Both run inside a transaction that is rolled back, so a rerun on a reused database imports again.
2. The three rates and 未诉先办 (below, RATE_ORDERS):
   Hotline (issue 21, "Benchmarks").

   - hotline.rates: the three rates per community for a month of orders (400 communities, 100,000 orders at
     SCALE=small/default) read from the maintained rollup, as the ranking page does. Target < 1 s. Baseline:
     the same figures recomputed from the orders table in the same run (one GROUP BY over the month's
     orders); ratio = recompute time / rollup time. The two answers are compared (checked: equal).
   - hotline.rates_rebuild: the rollup rebuilt from every order (the repair command), orders/s.
   - hotline.grouping: 未诉先办, the recurring-complaint grouping (rjieba keywords, community × category ×
     keyword, proactive tasks opened) over the same orders, as the nightly job runs it. Target < 30 s.

   Orders are inserted straight into the table (INSERT ... SELECT over generate_series), with a live lead
   dispatch to a community unit and one of its two handlers, responses in time / late / missing, closed,
   resolved and rated in realistic shares, and texts drawn from recurring complaint phrasings.
"""

from __future__ import annotations

import datetime
import time

from bench import common

ORDERS = {"tiny": 2000, "small": 10_000, "default": 100_000, "large": 100_000}
TEXTS = [
    ("噪音扰民", "楼下商铺夜间施工，噪音扰民"),
    ("环境卫生", "小区垃圾桶满溢三天无人清运"),
    ("疫情防控", "小区门口核酸采样点排队过长，希望增加采样点"),
    ("物资保障", "封控楼栋买菜难，希望统一配送"),
    ("就医", "家中老人需要透析，封控期间如何就医"),
    ("物业管理", "电梯故障一周未修"),
]


def run(scale: str):
    common.ensure_district(scale)
    yield from _import(scale)
    ctx = _setup(scale)
    yield from _rates(scale, ctx)
    yield from _grouping(scale, ctx)


def _csv(n: int, district) -> bytes:
    import random

    from django.utils import timezone

    from fangkong.areas.models import Area, Level

    rng = random.Random(21)
    streets = {a.path: a.name for a in Area.objects.filter(level=Level.STREET)}
    communities = list(Area.objects.filter(level=Level.COMMUNITY).values_list("path", "name"))
    buildings: dict[str, list[str]] = {}
    for path, name in Area.objects.filter(level=Level.BUILDING).values_list("path", "name").iterator():
        buildings.setdefault(path[: len(communities[0][0])], []).append(name)
    now = timezone.localtime()
    lines = ["工单编号,受理时间,来电人,联系电话,地址,问题分类,诉求内容,时限类型,街道"]
    for i in range(n):
        cpath, cname = communities[i % len(communities)]
        sname = streets[cpath[: len(cpath) - 4]] if cpath[: len(cpath) - 4] in streets else ""
        at = now - datetime.timedelta(minutes=rng.randint(10, 30 * 24 * 60))
        if i % 20 == 7:
            address = "南边那个小区东门"  # matches nothing: triage
        else:
            b = buildings.get(cpath) or [""]
            address = f"{sname}{cname}{b[i % len(b)]}"
        cat, text = TEXTS[i % len(TEXTS)]
        lines.append(
            f"B{at:%Y%m%d}{i:07d},{at:%Y-%m-%d %H:%M},居民{i % 977},139{i:08d},{address},{cat},{text},"
            f"{'紧急' if i % 13 == 0 else '一般'},{sname}"
        )
    return "\n".join(lines).encode("utf-8")


def _import(scale: str):
    from django.db import transaction

    from fangkong.areas.models import Area, Level
    from fangkong.hotline import services
    from fangkong.hotline.models import WorkOrder

    n = ORDERS[scale]
    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    content = _csv(n, district)
    common.say(f"hotline: {n} rows, {len(content) / 1e6:.1f} MB of CSV")
    table = WorkOrder._meta.db_table

    # The baseline: the same rows, already prepared, COPYed into hotline_workorder itself (its indexes,
    # constraints and WAL), in a transaction rolled back.
    with transaction.atomic():
        from fangkong.hotline import imports as ix

        rows = services.prepare_rows(actor=None, within=district, rows=ix.read_rows(content, "x.csv"))
        tuples = rows[0]
        t0 = time.perf_counter()
        services.copy_rows(table, tuples)
        copy_s = time.perf_counter() - t0
        transaction.set_rollback(True)

    with transaction.atomic():
        t0 = time.perf_counter()
        result = services.order_import(actor=None, within=district, filename="bench.csv", content=content)
        import_s = time.perf_counter() - t0
        assert result.ok, (result.message, result.errors[:3])
        created, triage = result.created, result.triage
        transaction.set_rollback(True)
    phases = result.phases.as_dict()
    rate, base = created / import_s, len(tuples) / copy_s
    common.say(
        f"  import {import_s:.2f}s ({created} orders, {triage} to triage), COPY {copy_s:.2f}s; phases {phases}"
    )
    yield common.result(
        "hotline.import",
        "rows_per_s",
        round(rate),
        "rows/s",
        baseline=round(base),
        ratio=round(rate / base, 3),
        target=">= 0.50",
        rows=created,
        triage=triage,
        import_s=round(import_s, 3),
        copy_s=round(copy_s, 3),
        read_s=phases.get("read"),
        validate_s=phases.get("validate"),
        write_s=phases.get("write"),
        side_effects_s=phases.get("side_effects"),
        note="order_import (read, validate with address matching and deadlines, COPY, change log, hooks) vs "
        "COPY of the same prepared rows into hotline_workorder itself, rolled back",
    )


# --- the three rates and 未诉先办 ---------------------------------------------------------------------

RATE_ORDERS = {"tiny": 2_000, "small": 100_000, "default": 100_000, "large": 100_000}
COMMUNITIES = {"tiny": 4, "small": 400, "default": 400, "large": 400}
ROUNDS = {"tiny": 1, "small": 5, "default": 5, "large": 5}
DAYS = 30

COMPLAINTS = [
    "小区门口垃圾堆放三天无人清运，气味很大",
    "楼下垃圾桶满了没人清运",
    "垃圾清运不及时，苍蝇很多",
    "楼上装修噪音扰民，晚上十点还在施工",
    "夜间施工噪音太大影响休息",
    "广场舞音响声音太大扰民",
    "小区封控期间买菜困难，希望增加保供渠道",
    "封控楼栋生活物资配送不及时",
    "家中老人需要就医开药，出不了小区",
    "慢性病老人买药困难，希望送药上门",
    "核酸检测点排队时间太长",
    "核酸结果一直没有出来，健康宝弹窗",
    "小区暖气不热，室温只有十五度",
    "电梯经常故障，老人上下楼不便",
    "物业不作为，楼道堆物无人清理",
    "小区路灯不亮，晚上出行不安全",
    "隔离人员的生活垃圾无人收运",
    "返京人员居家观察期限咨询",
]
CATEGORIES = [
    "sanitation",
    "sanitation",
    "sanitation",
    "noise",
    "noise",
    "noise",
    "supplies",
    "supplies",
    "medical",
    "medical",
    "epidemic",
    "epidemic",
    "property",
    "property",
    "property",
    "property",
    "epidemic",
    "epidemic",
]


def _communities(n: int) -> list:
    """At least n communities: the seeded district's, plus bench streets of 20 communities each."""
    from fangkong.areas.models import Area, Level
    from fangkong.areas.services import area_create

    have = list(Area.objects.filter(level=Level.COMMUNITY).order_by("path")[:n])
    if len(have) >= n:
        return have
    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    common.say(f"hotline: adding {n - len(have)} bench communities")
    street = None
    i = 0
    while len(have) < n:
        if i % 20 == 0:
            street = area_create(
                actor=None, parent=district, name=f"热线基准街道{i // 20 + 1}", level=Level.STREET
            )
        have.append(
            area_create(actor=None, parent=street, name=f"热线基准社区{i + 1}", level=Level.COMMUNITY)
        )
        i += 1
    return have


def _setup(scale: str) -> dict:
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.accounts.models import User
    from fangkong.areas.models import STEP, Area
    from fangkong.hotline.models import Dispatch, Unit, WorkOrder

    n, k = RATE_ORDERS[scale], COMMUNITIES[scale]
    from fangkong.hotline.models import HandlingEntry, ProactiveTask, RateContribution

    with connection.cursor() as cur:  # a rerun on a reused database replaces the previous run's orders
        w = WorkOrder._meta.db_table
        cur.execute(f"CREATE TEMP TABLE bench_hl_old AS SELECT id FROM {w} WHERE city_number LIKE 'BH%%'")
        for table, col in (
            (ProactiveTask.orders.through._meta.db_table, "workorder_id"),
            (RateContribution._meta.db_table, "order_id"),
            (Dispatch._meta.db_table, "order_id"),
            (HandlingEntry._meta.db_table, "order_id"),
            (w, "id"),
        ):
            cur.execute(f"DELETE FROM {table} WHERE {col} IN (SELECT id FROM bench_hl_old)")
        cur.execute("DROP TABLE bench_hl_old")
    ProactiveTask.objects.filter(orders__isnull=True).delete()
    tag = f"{time.time_ns() % 10**9:09d}"  # a rerun on a reused database adds its own rows
    communities = _communities(k)
    streets = {a.path: a.pk for a in Area.objects.filter(path__in={c.path[:-STEP] for c in communities})}
    t0 = time.perf_counter()
    with transaction.atomic():
        units = Unit.objects.bulk_create(
            [
                Unit(area=c, area_path=c.path, name=f"{c.name}承办（基准{tag}）", kind=Unit.Kind.COMMUNITY)
                for c in communities
            ]
        )
        users = User.objects.bulk_create(
            [
                User(username=f"bench-hotline-{tag}-{c.pk}-{j}", is_active=True)
                for c in communities
                for j in (0, 1)
            ]
        )
        rows = [
            (c.pk, c.path, streets[c.path[:-STEP]], u.pk, users[2 * i].pk, users[2 * i + 1].pk)
            for i, (c, u) in enumerate(zip(communities, units, strict=True))
        ]
        now = timezone.now()
        w, d = WorkOrder._meta.db_table, Dispatch._meta.db_table
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE bench_hl_c (i int, area_id bigint, path text, street_id bigint, unit_id bigint, h0 bigint, h1 bigint) ON COMMIT DROP"
            )
            cur.executemany(
                "INSERT INTO bench_hl_c VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(i, *r) for i, r in enumerate(rows)],
            )
            cur.execute("CREATE TEMP TABLE bench_hl_t (i int, text text, category text) ON COMMIT DROP")
            cur.executemany(
                "INSERT INTO bench_hl_t VALUES (%s, %s, %s)",
                [(i, t, c) for i, (t, c) in enumerate(zip(COMPLAINTS, CATEGORIES, strict=True))],
            )
            cur.execute(
                f"""INSERT INTO {w} (created_at, updated_at, area_id, area_path, street_id, channel, city_number,
                        received_at, caller_name, caller_phone, address, category, text, urgency, deadline_class,
                        status, outcome, outcome_reason, reply, paused_seconds, reopen_count, rating,
                        rating_channel, rating_note, callback_token, policy_versions, response_due, resolve_due,
                        first_response_at, closed_at, rated_at)
                    SELECT %(now)s, %(now)s, c.area_id, c.path, c.street_id, 'city_dispatch', %(tag)s || g.i,
                        o.received, '', '', '', t.category, t.text || '（' || (g.i %% 97) || '）', 'normal', '',
                        CASE WHEN g.i %% 10 < 7 THEN 'closed' ELSE 'dispatched' END,
                        CASE WHEN g.i %% 10 < 7 THEN (CASE WHEN g.i %% 5 = 0 THEN 'explained' ELSE 'resolved' END) ELSE '' END,
                        '', CASE WHEN g.i %% 10 < 7 THEN '已办结' ELSE '' END, 0, 0,
                        CASE WHEN g.i %% 10 < 4 THEN (ARRAY['satisfied','satisfied','basically_satisfied','dissatisfied'])[1 + g.i %% 4] ELSE '' END,
                        CASE WHEN g.i %% 10 < 4 THEN 'callback' ELSE '' END, '', %(tag)s || g.i, '{{}}'::jsonb,
                        o.received + interval '24 hours', o.received + interval '7 days',
                        CASE WHEN g.i %% 20 < 16 THEN o.received + interval '2 hours'
                             WHEN g.i %% 20 < 18 THEN o.received + interval '30 hours' END,
                        CASE WHEN g.i %% 10 < 7 THEN o.received + interval '3 days' END,
                        CASE WHEN g.i %% 10 < 4 THEN o.received + interval '4 days' END
                    FROM generate_series(0, %(n)s - 1) AS g(i)
                    JOIN bench_hl_c c ON c.i = (g.i / 7) %% %(k)s
                    JOIN bench_hl_t t ON t.i = (g.i * 7 + g.i / 11) %% %(nt)s
                    CROSS JOIN LATERAL (SELECT %(now)s - ((g.i %% (%(days)s * 24 * 60)) * interval '1 minute') - interval '1 minute' AS received) o""",
                {"now": now, "n": n, "k": len(rows), "nt": len(COMPLAINTS), "days": DAYS, "tag": f"BH{tag}-"},
            )
            cur.execute(
                f"""INSERT INTO {d} (created_at, updated_at, area_id, area_path, order_id, unit_id, handler_id, lead,
                        at, note, return_reason)
                    SELECT %(now)s, %(now)s, w.area_id, w.area_path, w.id, c.unit_id,
                           CASE WHEN w.id %% 2 = 0 THEN c.h0 ELSE c.h1 END, true, w.received_at, '', ''
                    FROM {w} w JOIN bench_hl_c c ON c.area_id = w.area_id
                    WHERE w.city_number LIKE %(like)s""",
                {"now": now, "like": f"BH{tag}-%"},
            )
    common.say(f"hotline: {n} orders in {len(rows)} communities inserted in {time.perf_counter() - t0:.1f}s")
    today = timezone.localdate()
    return {
        "n": n,
        "communities": len(rows),
        "first": today - dt.timedelta(days=DAYS),
        "last": today,
        "now": now,
    }


def _viewer():
    from fangkong.areas.models import Area, Level
    from fangkong.core.testing import make_user

    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    return make_user("district_admin", district, username=f"bench-hotline-admin-{time.time_ns()}")


def _recompute(first, last):
    """The baseline: the community figures straight from the orders (what a page would do without the
    rollup), with the same definition."""
    from django.db import connection

    from fangkong.hotline.models import WorkOrder
    from fangkong.hotline.services.rates import COMMUNITY_PATH_LEN, local_day_bounds

    start, end = local_day_bounds(first, last)
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT substr(area_path, 1, {COMMUNITY_PATH_LEN}) AS g, count(*),
                    count(*) FILTER (WHERE first_response_at IS NOT NULL AND (response_due IS NULL OR first_response_at <= response_due)),
                    count(*) FILTER (WHERE first_response_at > response_due),
                    count(*) FILTER (WHERE status = 'closed'),
                    count(*) FILTER (WHERE status = 'closed' AND outcome = 'resolved'),
                    count(*) FILTER (WHERE rating <> ''),
                    count(*) FILTER (WHERE rating = 'satisfied'),
                    count(*) FILTER (WHERE rating = 'basically_satisfied')
                FROM {WorkOrder._meta.db_table}
                WHERE received_at >= %s AND received_at < %s AND length(area_path) >= {COMMUNITY_PATH_LEN}
                GROUP BY 1""",
            [start, end],
        )
        return {r[0]: r[1:] for r in cur.fetchall()}


def _rates(scale: str, ctx: dict):
    from fangkong.hotline import rates
    from fangkong.hotline.services import rates_rebuild

    t0 = time.perf_counter()
    counted = rates_rebuild()
    rebuild_s = time.perf_counter() - t0
    from django.db import connection

    from fangkong.hotline.models import RateRollup

    if connection.vendor == "postgresql":  # the steady state autovacuum keeps: no dead rows of the rebuild
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {RateRollup._meta.db_table}")
    yield common.result(
        "hotline",
        "rates_rebuild",
        round(counted / rebuild_s),
        "orders/s",
        seconds=round(rebuild_s, 2),
        orders=counted,
    )
    viewer = _viewer()
    first, last = ctx["first"], ctx["last"]
    rollup_times, base_times = [], []
    for _ in range(ROUNDS[scale]):
        t0 = time.perf_counter()
        rows = rates.ranking(viewer=viewer, level="community", first=first, last=last)
        rollup_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base = _recompute(first, last)
        base_times.append(time.perf_counter() - t0)
    fields = (
        "received",
        "responded_on_time",
        "responded_late",
        "closed",
        "resolved",
        "rated",
        "satisfied",
        "basically_satisfied",
    )
    ours = {r["key"]: tuple(r[f] for f in fields) for r in rows}
    equal = ours == {k: v for k, v in base.items() if k in ours} and set(ours) == set(base)
    fast, slow = min(rollup_times), min(base_times)
    yield common.result(
        "hotline",
        "rates_communities_month",
        round(fast, 4),
        "s",
        baseline=round(slow, 4),
        ratio=round(slow / fast, 1) if fast else None,
        target="< 1",
        checked=fast,
        communities=len(rows),
        orders=ctx["n"],
        equal_to_recompute=equal,
    )


def _grouping(scale: str, ctx: dict):
    from fangkong.hotline.models import ProactiveTask
    from fangkong.hotline.services import proactive_scan

    t0 = time.perf_counter()
    out = proactive_scan(now=ctx["now"])
    seconds = time.perf_counter() - t0
    again_t0 = time.perf_counter()
    again = proactive_scan(now=ctx["now"])
    again_s = time.perf_counter() - again_t0
    yield common.result(
        "hotline",
        "grouping",
        round(seconds, 2),
        "s",
        target="< 30",
        orders=ctx["n"],
        groups=out["groups"],
        tasks=ProactiveTask.objects.count(),
        rerun_seconds=round(again_s, 2),
        rerun_opened=again["opened"],
    )
