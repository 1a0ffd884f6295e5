"""Hotline (issue 21): 12345 work orders.

1. hotline.import: the city's dispatch export of ORDERS rows (a month of a large district: 100,000 at the
   default scale) imported through `services.order_import` — CSV reading (core.imports), validation, the
   address matching against the area tree (names, pinyin, rapidfuzz), deadlines from policy, and COPY —
   in rows/s, against a bare COPY of the very same prepared rows into a table LIKE hotline_workorder
   (INCLUDING ALL: the same indexes and constraints) in the same run. Target: ratio ≥ 0.30.
   Both run inside a transaction that is rolled back, so a rerun on a reused database imports again.
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
    from django.db import connection, transaction

    from fangkong.areas.models import Area, Level
    from fangkong.hotline import services
    from fangkong.hotline.models import WorkOrder

    n = ORDERS[scale]
    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    content = _csv(n, district)
    common.say(f"hotline: {n} rows, {len(content) / 1e6:.1f} MB of CSV")
    table = WorkOrder._meta.db_table

    # The baseline: the same rows, already prepared, COPYed into a table with the same indexes.
    with transaction.atomic():
        from fangkong.hotline import imports as ix

        rows = services.prepare_rows(actor=None, within=district, rows=ix.read_rows(content, "x.csv"))
        tuples = rows[0]
        with connection.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE bench_workorder (LIKE {table} INCLUDING ALL) ON COMMIT DROP")
        t0 = time.perf_counter()
        services.copy_rows("bench_workorder", tuples)
        copy_s = time.perf_counter() - t0
        transaction.set_rollback(True)

    with transaction.atomic():
        t0 = time.perf_counter()
        result = services.order_import(actor=None, within=district, filename="bench.csv", content=content)
        import_s = time.perf_counter() - t0
        assert result.ok, (result.message, result.errors[:3])
        created, triage = result.created, result.triage
        transaction.set_rollback(True)
    rate, base = created / import_s, len(tuples) / copy_s
    common.say(f"  import {import_s:.2f}s ({created} orders, {triage} to triage), bare COPY {copy_s:.2f}s")
    yield common.result(
        "hotline.import",
        "rows_per_s",
        round(rate),
        "rows/s",
        baseline=round(base),
        ratio=round(rate / base, 3),
        target=">= 0.30",
        rows=created,
        triage=triage,
        import_s=round(import_s, 2),
        copy_s=round(copy_s, 2),
    )
