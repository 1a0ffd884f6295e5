"""The three rates, maintained (DOMAIN 3.8; policy keys in migrations 0003_rate_policies).

One definition, `contribution(order)`: the 0/1 counters an order adds to its (received day, area,
handler) row. Which orders count: every order received in the window, by its received day (local
time). Response: the first response at or before `response_due` is on time, after it late (a late
response counts with the policy's weight); resolution: closed orders whose outcome is "resolved" among
closed orders; satisfaction: satisfied plus basically satisfied (weighted by policy) among rated orders.

`rates_refresh(order_ids=...)` is called by every service that changes an order (intake, dispatch,
response, close, callback, reopen), inside its transaction: it recomputes the orders' contributions
and adds the differences to the rollup, so pages read a few hundred rollup rows instead of the orders.
`rates_rebuild()` recomputes everything (the `hotline_rates_rebuild` command)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from fangkong.areas.models import LEVEL_ORDER, STEP

from ..models import Dispatch, Outcome, RateContribution, RateRollup, Status, WorkOrder
from ..models_insight import COUNTERS

COMMUNITY_PATH_LEN = (LEVEL_ORDER.index("community") + 1) * STEP
FIELDS = (
    "pk",
    "received_at",
    "first_response_at",
    "response_due",
    "status",
    "outcome",
    "rating",
    "area_path",
)


def lead_handler():
    """The handler of an order: the named handler of its live lead dispatch (None before dispatch)."""
    return Subquery(
        Dispatch.objects.filter(
            order=OuterRef("pk"), lead=True, returned_at__isnull=True, withdrawn_at__isnull=True
        ).values("handler_id")[:1]
    )


def row_path(area_path: str) -> str:
    """The rollup's area: the order's community (or its street, district while it is not in one)."""
    return area_path[:COMMUNITY_PATH_LEN]


def contribution(
    *, received_at, first_response_at, response_due, status, outcome, rating, **_ignored
) -> dict[str, int]:
    c = dict.fromkeys(COUNTERS, 0)
    c["received"] = 1
    if first_response_at is not None:
        if response_due is None or first_response_at <= response_due:
            c["responded_on_time"] = 1
        else:
            c["responded_late"] = 1
    if status == Status.CLOSED:
        c["closed"] = 1
        if outcome == Outcome.RESOLVED:
            c["resolved"] = 1
    if rating:
        c["rated"] = 1
        c[rating] = 1
    return c


def _rollup_key(row: dict) -> tuple:
    return (
        timezone.localtime(row["received_at"]).date(),
        row_path(row["area_path"]),
        row.get("handler") or 0,
    )


def _rate_rows(qs) -> Iterable[dict]:
    yield from qs.annotate(handler=lead_handler()).values(*FIELDS, "handler").iterator(chunk_size=5000)


def _rollup_add(deltas: dict[tuple, dict[str, int]]) -> None:
    """Add counters to rollup rows (creating them): one INSERT … ON CONFLICT per batch, additive, so
    concurrent transactions on the same row serialize on its lock instead of losing an update."""
    rows = [(k, d) for k, d in deltas.items() if any(d.values())]
    if not rows:
        return
    table = RateRollup._meta.db_table
    cols = ", ".join(COUNTERS)
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    one = "(" + ", ".join(["%s"] * (3 + len(COUNTERS))) + ")"
    with connection.cursor() as cur:
        for i in range(0, len(rows), 500):
            batch = rows[i : i + 500]
            params: list = []
            for (day, path, handler), d in batch:
                params += [day, path, handler] + [d[c] for c in COUNTERS]
            cur.execute(
                f"INSERT INTO {table} (day, area_path, handler_id, {cols}) VALUES "
                + ", ".join([one] * len(batch))
                + f" ON CONFLICT (day, area_path, handler_id) DO UPDATE SET {sets}",
                params,
            )


# Above this many orders (an import) the refresh runs as four set-based statements on PostgreSQL: the
# same definition written in SQL (tests compare the two paths: the rebuild uses this one).
BULK_AT = 500


def _contribution_sql(where: str) -> str:
    w, d = WorkOrder._meta.db_table, Dispatch._meta.db_table
    return f"""SELECT w.id, (w.received_at AT TIME ZONE %(tz)s)::date, substr(w.area_path, 1, {COMMUNITY_PATH_LEN}),
            COALESCE((SELECT d.handler_id FROM {d} d WHERE d.order_id = w.id AND d.lead
                      AND d.returned_at IS NULL AND d.withdrawn_at IS NULL LIMIT 1), 0),
            1,
            (w.first_response_at IS NOT NULL AND (w.response_due IS NULL OR w.first_response_at <= w.response_due))::int,
            (w.first_response_at IS NOT NULL AND w.response_due IS NOT NULL AND w.first_response_at > w.response_due)::int,
            (w.status = '{Status.CLOSED}')::int,
            (w.status = '{Status.CLOSED}' AND w.outcome = '{Outcome.RESOLVED}')::int,
            (w.rating <> '')::int, (w.rating = 'satisfied')::int, (w.rating = 'basically_satisfied')::int,
            (w.rating = 'dissatisfied')::int
        FROM {w} w {where}"""


def _rollup_from_contributions(sign: str, where: str) -> str:
    r, c = RateRollup._meta.db_table, RateContribution._meta.db_table
    cols = ", ".join(COUNTERS)
    sums = ", ".join(f"{sign}sum({x})" for x in COUNTERS)
    sets = ", ".join(f"{x} = {r}.{x} + excluded.{x}" for x in COUNTERS)
    return f"""INSERT INTO {r} (day, area_path, handler_id, {cols})
        SELECT day, area_path, handler_id, {sums} FROM {c} {where} GROUP BY day, area_path, handler_id
        ON CONFLICT (day, area_path, handler_id) DO UPDATE SET {sets}"""


def _refresh_sql(ids: list[int] | None) -> None:
    """The set-based refresh (PostgreSQL): take the orders' old contributions out of the rollup,
    recompute them from the orders, add them back. `ids=None`: every order (the rebuild)."""
    c = RateContribution._meta.db_table
    cols = ", ".join(COUNTERS)
    params = {"tz": str(timezone.get_current_timezone()), "ids": ids}
    with connection.cursor() as cur:
        if ids is None:
            cur.execute(f"DELETE FROM {RateRollup._meta.db_table}")
            cur.execute(f"DELETE FROM {c}")
            cur.execute(
                f"INSERT INTO {c} (order_id, day, area_path, handler_id, {cols}) " + _contribution_sql(""),
                params,
            )
            cur.execute(_rollup_from_contributions("", ""), params)
            return
        mine = "WHERE order_id = ANY(%(ids)s)"
        cur.execute(_rollup_from_contributions("-", mine), params)
        cur.execute(f"DELETE FROM {c} {mine}", params)
        cur.execute(
            f"INSERT INTO {c} (order_id, day, area_path, handler_id, {cols}) "
            + _contribution_sql("WHERE w.id = ANY(%(ids)s)"),
            params,
        )
        cur.execute(_rollup_from_contributions("", mine), params)


@transaction.atomic
def rates_refresh(*, order_ids: Iterable[int]) -> int:
    """Bring the rollup up to date with these orders' present state; the number of orders whose
    contribution changed (for an import on PostgreSQL: the number of orders refreshed)."""
    ids = sorted(set(order_ids))
    if not ids:
        return 0
    if len(ids) >= BULK_AT and connection.vendor == "postgresql":
        _refresh_sql(ids)
        return len(ids)
    deltas: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    old = {
        c.order_id: c
        for c in RateContribution.objects.select_for_update().filter(order_id__in=ids).order_by("pk")
    }
    changed_new, changed_upd = [], []
    for row in _rate_rows(WorkOrder.objects.filter(pk__in=ids)):
        new = contribution(**row)
        key = _rollup_key(row)
        prev = old.pop(row["pk"], None)
        if prev is not None:
            pkey = (prev.day, prev.area_path, prev.handler_id)
            pvals = {c: getattr(prev, c) for c in COUNTERS}
            if pkey == key and pvals == new:
                continue
            for c in COUNTERS:
                deltas[pkey][c] -= pvals[c]
            prev.day, prev.area_path, prev.handler_id = key
            for c in COUNTERS:
                setattr(prev, c, new[c])
            changed_upd.append(prev)
        else:
            changed_new.append(
                RateContribution(order_id=row["pk"], day=key[0], area_path=key[1], handler_id=key[2], **new)
            )
        for c in COUNTERS:
            deltas[key][c] += new[c]
    for gone in old.values():  # an order deleted since: take its part out
        for c in COUNTERS:
            deltas[(gone.day, gone.area_path, gone.handler_id)][c] -= getattr(gone, c)
        gone.delete()
    RateContribution.objects.bulk_create(changed_new, batch_size=2000)
    RateContribution.objects.bulk_update(
        changed_upd, ["day", "area_path", "handler_id", *COUNTERS], batch_size=2000
    )
    _rollup_add(deltas)
    return len(changed_new) + len(changed_upd)


@transaction.atomic
def rates_rebuild() -> int:
    """Recompute every contribution and the rollup from the orders; the number of orders."""
    if connection.vendor == "postgresql":
        _refresh_sql(None)
        return RateContribution.objects.count()
    RateRollup.objects.all().delete()
    RateContribution.objects.all().delete()
    deltas: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    batch: list[RateContribution] = []
    n = 0
    for row in _rate_rows(WorkOrder.objects.order_by()):
        new = contribution(**row)
        key = _rollup_key(row)
        batch.append(
            RateContribution(order_id=row["pk"], day=key[0], area_path=key[1], handler_id=key[2], **new)
        )
        for c in COUNTERS:
            deltas[key][c] += new[c]
        n += 1
        if len(batch) >= 5000:
            RateContribution.objects.bulk_create(batch)
            batch = []
    RateContribution.objects.bulk_create(batch)
    _rollup_add(deltas)
    return n


def local_day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in aware datetimes of the local days first..last."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))
    return start, end
