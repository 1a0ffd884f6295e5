"""Observation (issue 5, "Benchmark"): re-evaluating 100,000 open orders (10,000 at SCALE=small) after a
policy change.

- observation.reevaluate: the end-to-end path a leader's "confirm" runs — policies.services.policy_change
  (the new version, then the set-based re-evaluation: one UPDATE ... FROM that also inserts one OrderEvent per
  moved order, then the pending required tests follow the new schedule). Reported as orders/s; the
  baseline is a single set-based UPDATE of the same rows (planned_end = start + N) in the same run,
  rolled back; ratio = UPDATE time / end-to-end time (1.0 would mean the history and tests are free).
- observation.preview: services.policy_change_preview on the same orders (counts and old → new ends).

Orders are inserted straight into the table (INSERT ... SELECT from the seeded residents) with their two
required tests (day 7 and 14), so that the re-evaluation has real rows to move, delete and insert.
"""

from __future__ import annotations

import statistics
import time

from bench import common

ORDERS = {"tiny": 300, "small": 10_000, "default": 100_000, "large": 100_000}
ROUNDS = {"tiny": 1, "small": 3, "default": 3, "large": 3}
KEY = "observation.returnee.days"


def run(scale: str):
    common.ensure_district(scale)
    n = ORDERS[scale]
    common.say(f"observation: inserting {n} open orders")
    inserted = _insert_orders(n)
    yield from _measure(scale, inserted)


def _insert_orders(n: int) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.observation.models import ObservationOrder, RequiredTest
    from fangkong.policies.selectors import policy_in_force

    pol = policy_in_force(KEY)
    o, t = ObservationOrder._meta.db_table, RequiredTest._meta.db_table
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"""WITH people AS (
                    SELECT id, area_id, area_path, row_number() OVER (ORDER BY id) - 1 AS rn FROM people_person
                    ORDER BY id LIMIT %s
                ), total AS (SELECT count(*) AS c FROM people)
                INSERT INTO {o} (created_at, updated_at, area_id, area_path, person_id, whole_household,
                                 order_type, reason, source, start, planned_end, policy_key, policy_id,
                                 policy_version, status, end_reason)
                SELECT %s, %s, p.area_id, p.area_path, p.id, false, 'home', 'returnee', 'bench:observation',
                       %s::date - (g.i %% 10), %s::date - (g.i %% 10) + %s::int, %s, %s, %s, 'active', ''
                FROM generate_series(0, %s - 1) AS g(i) CROSS JOIN total
                JOIN people p ON p.rn = g.i %% total.c""",
            [n, now, now, today, today, int(pol.typed_value), KEY, pol.pk, pol.version, n],
        )
        inserted = cur.rowcount
        cur.execute(
            f"""INSERT INTO {t} (created_at, updated_at, area_id, area_path, order_id, day, due_date, result, source)
                SELECT %s, %s, o.area_id, o.area_path, o.id, d, o.start + d, 'pending', ''
                FROM {o} o CROSS JOIN unnest(ARRAY[7, 14]) AS d WHERE o.source = 'bench:observation'""",
            [now, now],
        )
        cur.execute(f"ANALYZE {o}")
        cur.execute(f"ANALYZE {t}")
    return inserted


class _Rollback(Exception):
    pass


def _bare_update(days: int) -> float:
    """The baseline: one set-based UPDATE of the same rows, timed, then rolled back."""
    from django.db import connection, transaction

    from fangkong.observation.models import OPEN_STATUSES, ObservationOrder

    o = ObservationOrder._meta.db_table
    t0 = 0.0
    elapsed = 0.0
    try:
        with transaction.atomic(), connection.cursor() as cur:
            t0 = time.perf_counter()
            cur.execute(
                f"UPDATE {o} SET planned_end = start + %s::int, updated_at = now() "
                f"WHERE policy_key = %s AND status = ANY(%s) AND planned_end <> start + %s::int",
                [days, KEY, [str(s) for s in OPEN_STATUSES], days],
            )
            elapsed = time.perf_counter() - t0
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _measure(scale: str, inserted: int):
    from django.utils import timezone

    from fangkong.observation import services
    from fangkong.observation.models import OrderEvent
    from fangkong.policies.services import policy_change

    rounds = ROUNDS[scale]
    values = [10 if i % 2 == 0 else 14 for i in range(rounds)]
    apply_s, update_s, preview_s, moved = [], [], [], []
    for i, days in enumerate(values):
        update_s.append(_bare_update(days))
        t0 = time.perf_counter()
        preview = services.policy_change_preview(key=KEY, value=days)
        preview_s.append(time.perf_counter() - t0)
        events_before = OrderEvent.objects.filter(kind="end_moved").count()
        t0 = time.perf_counter()
        # Inline (no broker in the bench settings), so the moved count is known when it returns.
        res = policy_change(
            actor=None, key=KEY, value=days, effective_from=timezone.now(), source=f"bench round {i + 1}"
        )
        res = {"moved": res.moved}
        apply_s.append(time.perf_counter() - t0)
        moved.append(res["moved"])
        events = OrderEvent.objects.filter(kind="end_moved").count() - events_before
        common.say(
            f"round {i + 1}: {days} days, moved {res['moved']} (preview said {preview.moved}), "
            f"events {events}, apply {apply_s[-1]:.2f}s, bare UPDATE {update_s[-1]:.3f}s"
        )
        if events != res["moved"] or preview.moved != res["moved"]:
            raise SystemExit("observation bench: preview, moved orders and events disagree")
    a, u, p = statistics.median(apply_s), statistics.median(update_s), statistics.median(preview_s)
    n = statistics.median(moved)
    yield common.result(
        "observation.reevaluate",
        "orders_per_s",
        round(n / a),
        "orders/s",
        baseline=round(n / u),
        ratio=round(u / a, 3),
        target=None,
        orders=int(n),
        inserted=inserted,
        seconds=round(a, 2),
        update_seconds=round(u, 3),
        rounds=rounds,
        note="end to end: policy_change + one UPDATE..FROM with INSERT of one OrderEvent per moved order + pending "
        "tests rescheduled (DELETE day 14, INSERT day 10); baseline = bare UPDATE of planned_end on the "
        "same rows, rolled back; the issue sets no target",
    )
    yield common.result(
        "observation.preview",
        "seconds",
        round(p, 3),
        "s",
        orders=int(n),
        note="policy_change_preview: counts, earlier/later, old→new end groups and the first 50 orders",
    )
