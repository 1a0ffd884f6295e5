"""The leadership briefing (issue 14, "Benchmarks"): on the district with a month of history, the day's
snapshot, the dashboard and the PDF.

History: a month of observation orders inserted straight into the table (ORDERS, starting on each of the
last 30 days, a third of them ended since, each with a missing-report alert), on top of the seeded
residents, their status history and vulnerable ledger; then the 30 daily briefings generated through
`services.briefing_generate` (the nightly job's path), each timed.

- briefing.generate: seconds to generate one day's snapshot (every section's compute over the raw
  tables, sums per community, street and district, the INSERT of the figure rows). Median of the 30
  days, max reported too. Target < 60 s.
- briefing.dashboard: p95 of GET /briefing/dashboard/ as the district's leadership viewer (Django test
  client, full middleware); baseline: a query of one precomputed row (one FigureValue) in the same run,
  timed alternately; ratio = dashboard p95 / one-row p95 (the issue asks for it, no target). Target
  p95 < 300 ms.
- briefing.pdf: seconds for GET /briefing/<id>/briefing.pdf (median of 5). Target < 5 s.
- briefing.page: p95 of the briefing page itself (no target; for the record).
"""

from __future__ import annotations

import datetime
import statistics
import time

from bench import common

ORDERS = {"tiny": 500, "small": 20_000, "default": 100_000, "large": 100_000}
DAYS = 30
N = {"tiny": 3, "small": 30, "default": 30, "large": 30}


def run(scale: str):
    common.ensure_district(scale)
    n = ORDERS[scale]
    common.say(f"briefing: inserting {n} observation orders over {DAYS} days")
    _insert_history(n)
    yield from _measure(scale, n)


def _insert_history(n: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.observation.models import Alert, ObservationOrder

    o, a = ObservationOrder._meta.db_table, Alert._meta.db_table
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"""WITH people AS (
                    SELECT id, area_id, area_path, row_number() OVER (ORDER BY id) - 1 AS rn FROM people_person
                    ORDER BY id DESC LIMIT %s
                ), total AS (SELECT count(*) AS c FROM people)
                INSERT INTO {o} (created_at, updated_at, area_id, area_path, person_id, whole_household,
                                 order_type, reason, source, start, planned_end, policy_key,
                                 policy_version, status, ended_at, end_reason)
                SELECT %s, %s, p.area_id, p.area_path, p.id, false,
                       (ARRAY['home','health_monitoring','centralized','employer_centralized'])[1 + g.i %% 4],
                       'secondary_contact', 'bench:briefing',
                       %s::date - (g.i %% {DAYS}), %s::date - (g.i %% {DAYS}) + 14, 'observation.home.days', 1,
                       CASE WHEN g.i %% 3 = 0 AND g.i %% {DAYS} > 2 THEN 'ended' ELSE 'active' END,
                       CASE WHEN g.i %% 3 = 0 AND g.i %% {DAYS} > 2
                            THEN %s::timestamptz - make_interval(days => (g.i %% {DAYS}) / 2) END, ''
                FROM generate_series(0, %s - 1) AS g(i) CROSS JOIN total
                JOIN people p ON p.rn = g.i %% total.c""",
            [n, now, now, today, today, now, n],
        )
        cur.execute(
            f"""INSERT INTO {a} (created_at, updated_at, area_id, area_path, order_id, kind, date, message, status,
                                 resolution)
                SELECT %s, %s, o.area_id, o.area_path, o.id, 'missing_report', o.start + 1, 'bench', 'open', ''
                FROM {o} o WHERE o.source = 'bench:briefing' AND o.start + 1 <= %s::date""",
            [now, now, today],
        )
        cur.execute(f"ANALYZE {o}")
        cur.execute(f"ANALYZE {a}")


def _viewer():
    from fangkong.accounts.models import User
    from fangkong.areas.models import Area
    from fangkong.core.testing import make_user

    district = Area.objects.filter(level="district").order_by("path").first()
    return User.objects.filter(username="bench-leader").first() or make_user(
        "leadership_viewer", district, username="bench-leader"
    )


def _measure(scale: str, orders: int):
    from django.test import Client
    from django.utils import timezone

    from fangkong.briefing import services
    from fangkong.briefing.models import Briefing, FigureValue

    today = timezone.localdate()
    # The demo seed made its own month of briefings: generate the month again on the bench's history
    # (amendments first: a version is protected while its amendment exists).
    for old in Briefing.objects.filter(date__gte=today - datetime.timedelta(days=DAYS)).order_by("-version"):
        old.delete()
    gen = []
    figures = 0
    for back in range(DAYS - 1, -1, -1):
        t0 = time.perf_counter()
        b = services.briefing_generate(
            actor=None, date=today - datetime.timedelta(days=back), allow_empty=True
        )
        gen.append(time.perf_counter() - t0)
        figures = b.values.count()
    common.say(f"generated {DAYS} briefings: median {statistics.median(gen):.2f}s, max {max(gen):.2f}s")
    check_t0 = time.perf_counter()
    diffs = services.briefing_check(briefing=b)
    check_s = time.perf_counter() - check_t0
    if diffs:
        raise SystemExit(f"briefing bench: the consistency check found {len(diffs)} differences")
    yield common.result(
        "briefing.generate",
        "seconds",
        round(statistics.median(gen), 2),
        "s",
        target="< 60",
        max_seconds=round(max(gen), 2),
        days=DAYS,
        figures_per_briefing=figures,
        orders=orders,
        check_seconds=round(check_s, 2),
        note="services.briefing_generate per day (every section's compute on the raw tables, sums per community, "
        "street, district, INSERT of the figure rows); median of the 30 days; the consistency check of the last "
        "day (recompute and compare) found no difference",
    )

    client = Client()
    client.force_login(_viewer())
    resp = client.get("/briefing/dashboard/")
    if resp.status_code != 200:
        raise SystemExit(f"briefing bench: dashboard answered {resp.status_code}")
    key_value = FigureValue.objects.filter(briefing=b, key="observation.running", level="total")
    one = key_value.values_list("pk", flat=True).first()

    def one_row():
        return list(FigureValue.objects.filter(pk=one).values_list("value", flat=True))

    times = common.interleaved(
        {"dashboard": lambda: client.get("/briefing/dashboard/"), "one_row": one_row}, n=N[scale]
    )
    dash = common.summary_ms(times["dashboard"])
    row = common.summary_ms(times["one_row"])
    yield common.result(
        "briefing.dashboard",
        "p95_ms",
        dash["p95"],
        "ms",
        target="< 300",
        p50_ms=dash["median"],
        requests=N[scale],
        note="GET /briefing/dashboard/ as the district's leadership viewer (test client, full middleware): key "
        "figures, 30-day trends, streets, all from the snapshot tables; the rendering of a frozen briefing is "
        "cached (5 min), so this is the meeting-room case: every view after the first",
    )
    yield common.result(
        "briefing.dashboard_vs_one_row",
        "ratio",
        round(dash["p95"] / row["p95"], 1) if row["p95"] else None,
        "x",
        baseline=row["p95"],
        ratio=round(dash["p95"] / row["p95"], 1) if row["p95"] else None,
        dashboard_p95_ms=dash["p95"],
        one_row_p95_ms=row["p95"],
        one_row_p50_ms=row["median"],
        note="dashboard p95 / p95 of a query of one precomputed FigureValue row by id, timed alternately in the "
        "same run (the issue asks for the ratio and sets no target)",
    )
    from django.core.cache import cache

    def cold():
        cache.clear()
        return client.get("/briefing/dashboard/")

    cold_ms = common.summary_ms(common.timings(cold, n=N[scale]))
    yield common.result(
        "briefing.dashboard_cold",
        "p95_ms",
        cold_ms["p95"],
        "ms",
        target="< 300",
        p50_ms=cold_ms["median"],
        requests=N[scale],
        note="the same dashboard with its cache cleared before every request (first view after a new briefing)",
    )
    page = common.timings(lambda: client.get(f"/briefing/{b.pk}/"), n=10)
    yield common.result(  # a page: the "lists and pages p95 < 300 ms" (issue 23)
        "briefing.page", "p95_ms", common.summary_ms(page)["p95"], "ms", target="< 300", requests=len(page)
    )
    pdf = common.timings(lambda: client.get(f"/briefing/{b.pk}/briefing.pdf"), n=5, warmup=1)
    yield common.result(
        "briefing.pdf",
        "seconds",
        round(statistics.median(pdf), 2),
        "s",
        target="< 5",
        max_seconds=round(max(pdf), 2),
        note=f"GET /briefing/<id>/briefing.pdf (reportlab, embedded CJK font), median of {len(pdf)}",
    )
