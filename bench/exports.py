"""Excel exports (issue 10): a 3,000-row resident export vs raw openpyxl writing the same rows.

`exports.person_list.xlsx`: core.excel.table_to_xlsx over the resident table of one community, 3,000 rows,
scoped, as the list's "export" link runs it (query, values, workbook). Baseline, timed alternately in the
same run: openpyxl write-only mode writing the same rows as plain Python values already in memory — the
floor for any export through openpyxl. Before issue 10 the export rendered every cell through
django-tables2 and took 7.9 s (issue text; 5.7–5.9 s measured on the test database, 2026-11-27).
"""

from __future__ import annotations

import io

from bench import common

ROWS = 3000
ITERATIONS = {"tiny": 1, "small": 5, "default": 5, "large": 5}


def run(scale: str):
    from openpyxl import Workbook

    from bench.foundation import users
    from bench.registry import _community
    from fangkong.core.excel import table_rows, table_to_xlsx
    from fangkong.people.models import Person
    from fangkong.people.tables import PersonTable

    common.ensure_district(scale)
    community = _community()
    worker, _admin = users(community)

    def queryset():
        qs = Person.objects.visible_to(worker).filter(area_path__startswith=community.path)
        return qs.select_related("area").order_by("area_path", "name", "pk")[:ROWS]

    headers, rows = table_rows(PersonTable(queryset()))
    rows = list(rows)

    def ours():
        return table_to_xlsx(PersonTable(queryset()), "bench.xlsx", title="居民")

    def raw():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("居民")
        ws.append(headers)
        for r in rows:
            ws.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def before():
        # The export as it was before issue 10: every cell rendered through django-tables2.
        table = PersonTable(queryset())
        columns = [c for c in table.columns if not c.column.exclude_from_export]
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        ws.append([str(c.header) for c in columns])
        for row in table.rows:
            ws.append(
                [str(v) if v is not None else "" for v in (row.get_cell_value(c.name) for c in columns)]
            )
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    t = common.interleaved({"ours": ours, "raw": raw, "before": before}, n=ITERATIONS[scale], warmup=1)
    s, b, old = (common.summary_ms(t[k]) for k in ("ours", "raw", "before"))
    yield common.result(
        "exports.person_list.xlsx",
        "median_latency",
        s["median"],
        "ms",
        baseline=b["median"],
        ratio=round(s["median"] / b["median"], 3),
        target="<= 2.0",
        rows=len(rows),
        columns=len(headers),
        bytes=len(ours().content),
        before_ms=old["median"],
        speedup_vs_before=round(old["median"] / s["median"], 2),
        note=f"{len(rows):,} residents of {community.name}, scoped, vs openpyxl write-only of the same values",
    )
