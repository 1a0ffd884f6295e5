"""Excel out (openpyxl). Every workbook we write goes through `cell()` / `append_row()` so that:

- user text that Excel would read as a formula (=, +, -, @, tab, CR first) stays text (issue 9 hole 6,
  OWASP "CSV injection"): the cell is typed string and carries Excel's own quote-prefix flag, so it shows
  as typed and stays text even when edited;
- times are local (settings.TIME_ZONE) Excel datetimes with a number format, dates are dates, numbers
  are numbers;
- lists stream in write-only mode (a 100,000-row export in constant memory).
"""

from __future__ import annotations

import datetime
import decimal
import io
import re
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from urllib.parse import quote

from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

from .replica import replica_reads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def excel_value(v):
    """A Python value as Excel stores it: aware datetimes in local time (Excel has no time zones),
    numbers and dates as themselves, anything else as text."""
    if v is None or isinstance(v, bool | int | float | decimal.Decimal):
        return v
    if isinstance(v, datetime.datetime):
        if timezone.is_aware(v):
            v = timezone.make_naive(v)  # settings.TIME_ZONE
        return v.replace(microsecond=0)
    if isinstance(v, datetime.date | datetime.time):
        return v
    if isinstance(v, SafeData):  # rendered HTML from a table's render_FOO
        return strip_tags(v)
    if not isinstance(v, str):
        v = str(v)  # lazy translations, model instances, lists
    # Control characters are illegal in the sheet's XML: openpyxl would raise and the export would fail.
    return ILLEGAL_CHARACTERS_RE.sub("", v)


def cell(ws, v, *, style: Callable[[Cell], None] | None = None):
    """The value for `ws.append`: plain when openpyxl stores it as is, else a Cell typed as text
    (formula-like text) or with its date format. Works for write-only and normal sheets."""
    v = excel_value(v)
    if isinstance(v, str):
        if not v or not is_formula_like(v):
            return v if style is None else _styled(ws, v, style)
        c = Cell(ws, row=1, column=1, value=v)
        c.data_type = "s"  # openpyxl made it a formula ("f") because it starts with "="
        c.quotePrefix = True
    elif isinstance(v, datetime.datetime):
        c = Cell(ws, row=1, column=1, value=v)
        c.number_format = DATETIME_FORMAT
    elif isinstance(v, datetime.date):
        c = Cell(ws, row=1, column=1, value=v)
        c.number_format = DATE_FORMAT
    elif style is None:
        return v
    else:
        c = Cell(ws, row=1, column=1, value=v)
    if style is not None:
        style(c)
    return c


def _styled(ws, v, style):
    c = Cell(ws, row=1, column=1, value=v)
    style(c)
    return c


def append_row(ws, values: Iterable) -> None:
    ws.append([cell(ws, v) for v in values])


def _header_style(c: Cell) -> None:
    c.font, c.fill = HEADER_FONT, HEADER_FILL


def append_header(ws, headers: Iterable, *, style: Callable[[Cell], None] = _header_style) -> None:
    ws.append([cell(ws, str(h), style=style) for h in headers])


def sheet_title(title) -> str:
    """A legal sheet name: no []:*?/\\, not starting or ending with an apostrophe, at most 31 chars."""
    text = _SHEET_BAD.sub(" ", str(title or "")).strip().strip("'").strip()
    return text[:31].rstrip() or "Sheet1"


def workbook_bytes(headers: Sequence, rows: Iterable[Sequence], title="Sheet1") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    append_header(ws, headers)
    for row in rows:
        append_row(ws, row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook_sheets_bytes(sheets: Iterable[tuple[str, Sequence, Iterable[Sequence]]]) -> bytes:
    """Several sheets (title, headers, rows) in one workbook, each written as `workbook_bytes` does."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for title, headers, rows in sheets:
        name = sheet_title(title)
        while name in used:
            name = sheet_title(f"{name[:28]} {len(used)}")
        used.add(name)
        ws = wb.create_sheet(name)
        append_header(ws, headers)
        for row in rows:
            append_row(ws, row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


# ---------------------------------------------------------------------------------------------------------
# django-tables2


def _exported_columns(table) -> list:
    skip = set(getattr(table, "export_exclude", ()))
    return [c for c in table.columns if c.name not in skip and not c.column.exclude_from_export]


def _header(bound_column) -> str:
    return str(bound_column.header or bound_column.verbose_name or bound_column.name)


# Columns whose export value is the record's own value (dates stay dates, numbers stay numbers).
_PLAIN_COLUMNS: set[type] = set()


def _plain_columns() -> set[type]:
    if not _PLAIN_COLUMNS:
        import django_tables2 as tables

        _PLAIN_COLUMNS.update(
            {
                tables.Column,
                tables.DateColumn,
                tables.DateTimeColumn,
                tables.BooleanColumn,
                tables.EmailColumn,
            }
        )
    return _PLAIN_COLUMNS


def _getter(table, bound_column, model) -> Callable | None:
    """A fast value getter for a plain column (one attribute chain, choices mapped to their labels),
    or None when the column has its own rendering (render_FOO/value_FOO, templates, custom columns)."""
    name, column = bound_column.name, bound_column.column
    if (
        type(column) not in _plain_columns()
        or hasattr(table, f"render_{name}")
        or hasattr(table, f"value_{name}")
    ):
        return None
    from django_tables2.utils import A

    accessor = A(bound_column.accessor)
    get = attrgetter(".".join(accessor.bits))
    field = accessor.get_field(model) if model is not None else None
    labels = (
        {k: str(v) for k, v in field.flatchoices}
        if isinstance(field, models.Field) and field.choices
        else None
    )
    boolean = type(column).__name__ == "BooleanColumn" or isinstance(field, models.BooleanField)
    yes, no = gettext("Yes"), gettext("No")

    def value(record):
        try:
            v = get(record)
        except (AttributeError, KeyError):
            # A null relation on the way (area__name of no area) or rows that are dicts: the slow, general way.
            v = accessor.resolve(record, quiet=True)
        if callable(v) and not isinstance(v, models.Model):
            v = v()
        if labels is not None:
            return labels.get(v, v)
        if boolean and isinstance(v, bool):
            return yes if v else no
        if isinstance(v, models.Model):
            return str(v)
        return v

    return value


def table_rows(table) -> tuple[list[str], Iterable[list]]:
    """Headers and rows of a table as it is filtered and ordered, values raw where the column is plain
    (django-tables2's per-cell rendering costs more than the whole workbook), rendered otherwise."""
    columns = _exported_columns(table)
    model = getattr(table._meta, "model", None)
    getters = [_getter(table, c, model) for c in columns]
    headers = [_header(c) for c in columns]
    if all(getters):

        def rows():
            for record in table.data:
                yield [g(record) for g in getters]

    else:

        def rows():
            for row in table.rows:
                record = row.record
                yield [
                    g(record) if g else row.get_cell_value(c.name)
                    for g, c in zip(getters, columns, strict=True)
                ]

    return headers, rows()


@replica_reads  # an export is a report: it may read the read replica (core/replica.py)
def table_to_xlsx(table, filename: str, *, title="Sheet1") -> HttpResponse:
    """Export a django-tables2 table as it is filtered, with its (translated) column headers, on a sheet
    named after the list."""
    headers, rows = table_rows(table)
    return xlsx_response(workbook_bytes(headers, rows, title=title), filename)
