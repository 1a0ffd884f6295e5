"""Excel out (openpyxl, write-only mode so a 100,000-row export streams in constant memory)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _cell_value(v):
    if isinstance(v, datetime.datetime):
        return v.replace(tzinfo=None) if v.tzinfo is None else v.astimezone().replace(tzinfo=None)
    if v is None:
        return ""
    if isinstance(v, int | float | datetime.date | str):
        return v
    return str(v)


def workbook_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    header_cells = []
    for h in headers:
        c = WriteOnlyCell(ws, value=str(h))
        c.font, c.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(c)
    ws.append(header_cells)
    for row in rows:
        ws.append([_cell_value(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def table_to_xlsx(table, filename: str) -> HttpResponse:
    """Export a django-tables2 table as it is filtered, with its (translated) column headers."""
    columns = [c for c in table.columns if c.name not in getattr(table, "export_exclude", ())]
    headers = [str(c.header) for c in columns]
    rows = ([row.get_cell_value(c.name) for c in columns] for row in table.rows)
    return xlsx_response(workbook_bytes(headers, rows), filename)
