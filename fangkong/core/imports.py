"""Reading uploaded tables, shared by every import (the door-to-door survey, laboratory results…):
.xlsx (a fast regex reader with openpyxl as the fallback) and .csv in UTF-8 (with or without BOM) or GBK,
the limits that refuse a file as a whole (ImportFileError), the row errors (RowError) and the
spreadsheet error report. An import module supplies its header aliases and column order; validating
and writing rows is its service's business.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from fangkong.core.excel import append_header, append_row

ERROR_HEADER = "错误说明"


@dataclass
class RowError:
    row: int  # spreadsheet row number (the header is row 1)
    column: str
    message: str


# Limits of an uploaded table (README "Imports", docs/architecture.md). A community's survey is a few
# thousand rows and a street's tens of thousands; beyond these a file is refused with a message, since
# a 300,000-row sheet or a zip bomb would otherwise hold a worker's memory for minutes.
MAX_FILE_BYTES = 30 * 1024 * 1024  # the upload itself
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx's zip members, as declared in its directory
MAX_ZIP_MEMBERS = 1000
MAX_ROWS = 100_000  # data rows, header not counted


class ImportFileError(ValueError):
    """A file refused as a whole; `code` and `params` name the message (services.FILE_ERRORS), which is
    translated when shown, in the reader's language, not in the background job's."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


# Why the reader refuses a file, for the messages of the apps' FILE_ERRORS (marked here, translated when shown).
FILE_ERRORS = {
    "nul": gettext_noop(
        "Row %(row)s contains a NUL character (\\0): this is no text table. Save it again as .xlsx or .csv."
    ),
}


def check_upload(data: bytes, filename: str) -> None:
    """What the upload request checks: cheap things only (size, kind, an .xlsx's zip directory), so a
    zip bomb is refused before anything unpacks it; reading the rows is the background job's."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("too_big", mb=MAX_FILE_BYTES // (1024 * 1024))
    if data[:2] != b"PK":
        if (filename or "").lower().endswith((".xls", ".xlsx")):
            raise ImportFileError("unreadable", e=".xls")
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()  # the central directory only: nothing is decompressed
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError("unreadable", e=str(exc)[:200]) from exc
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise ImportFileError("too_big_unpacked", mb=MAX_UNPACKED_BYTES // (1024 * 1024))


RED = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _canonical(header, aliases: dict | None = None) -> str:
    h = str(header or "").strip().replace("\ufeff", "")
    return (aliases or {}).get(h, h)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a phone typed as a number comes back as 13800138000.0
    return str(v).strip()


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # a superset of GBK: what Excel on Chinese Windows writes


def _refuse_nul(cells: list[str], rownum: int) -> None:
    """A NUL character refuses the file (issue 18): PostgreSQL text cannot hold one, and a table that
    has one is a binary file named .csv, not something to store row by row."""
    for c in cells:
        if "\x00" in c:
            raise ImportFileError("nul", row=rownum)


def _rows_from_matrix(
    matrix: Iterable[Iterable], max_rows: int | None = None, aliases: dict | None = None
) -> list[dict]:
    """Rows as dicts, reading `matrix` lazily: past `max_rows` data rows it stops and refuses the file
    (trailing blank lines, which spreadsheets carry by the thousand, do not count)."""
    it = iter(matrix)
    header = None
    rownum = 0  # the spreadsheet's row number, for the NUL message
    for raw in it:
        rownum += 1
        cells = [_cell(v) for v in raw]
        _refuse_nul(cells, rownum)
        if any(cells):
            header = [_canonical(h, aliases) for h in cells]
            break
    if header is None:
        return []
    out = []
    blank = 0  # blank lines not yet kept: inside the data they keep the row numbers, at the end they go
    filled = 0
    for raw in it:
        rownum += 1
        cells = [_cell(v) for v in raw]
        _refuse_nul(cells, rownum)
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        if not any(row.values()):
            blank += 1
            continue
        filled += 1
        if max_rows is not None and filled > max_rows:
            raise ImportFileError("too_many_rows", n=max_rows)
        out.extend(dict.fromkeys(row, "") for _i in range(blank))
        blank = 0
        out.append(row)
    return out


_FAST_CELL_RE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(?:<is><t>([^<]*)</t></is>|<v>([^<]*)</v>|(.*?))</c>)', re.S
)
_V_RE = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_T_RE = re.compile(r"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_SI_RE = re.compile(r"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>", re.S)


_NUMREF_RE = re.compile(rb"&#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7});")


def _numref(m: re.Match) -> bytes:
    v = m.group(1)
    cp = int(v[1:], 16) if v[:1] == b"x" else int(v)
    # Only the plain characters (Chinese text is all of them): the rest — markup characters, controls,
    # the HTML5 remappings of 0x80–0x9F, surrogates, non-characters — stay for html.unescape per cell.
    if 0xA0 <= cp < 0xD800 or 0xE000 <= cp < 0xFDD0 or 0xFDF0 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFD:
        if (cp & 0xFFFF) < 0xFFFE:
            return chr(cp).encode("utf-8")
    return m.group(0)


def _numeric_refs(xml: bytes) -> bytes:
    """A sheet whose text is written as character references (&#24352;&#19977;, as openpyxl's write-only
    mode and some exporters do) decoded in one pass over the bytes: html.unescape cell by cell took half
    of reading a 100,000-row survey."""
    return _NUMREF_RE.sub(_numref, xml) if b"&#" in xml else xml


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _first_sheet_path(zf: zipfile.ZipFile) -> str:
    try:
        wb = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        rid = re.search(r'<(?:\w+:)?sheet\b[^>]*?r:id="([^"]+)"', wb).group(1)
        target = re.search(r'<Relationship\b[^>]*?Id="' + re.escape(rid) + r'"[^>]*?Target="([^"]+)"', rels)
        if target is None:
            target = re.search(
                r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="' + re.escape(rid) + '"', rels
            )
        t = target.group(1)
        return t.lstrip("/") if t.startswith("/") else "xl/" + t
    except (KeyError, AttributeError):
        return "xl/worksheets/sheet1.xml"


def _member(zf: zipfile.ZipFile, name: str) -> bytes:
    """A zip member, refused past MAX_UNPACKED_BYTES whatever its header declares."""
    with zf.open(name) as fh:
        data = fh.read(MAX_UNPACKED_BYTES + 1)
    if len(data) > MAX_UNPACKED_BYTES:
        raise ImportFileError("too_big_unpacked", mb=MAX_UNPACKED_BYTES // (1024 * 1024))
    return data


def _fast_xlsx_matrix(data: bytes) -> Iterator[list]:
    """The first sheet's rows of cell texts, read straight from the XML with one bytes regex (openpyxl
    takes ~10x longer on a 100,000-row survey), yielded one by one. Unusual markup falls through to the
    slower generic branch."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in zf.namelist():
            sst = _member(zf, "xl/sharedStrings.xml").decode("utf-8")
            shared = [_unescape("".join(t or "" for t in _T_RE.findall(si))) for si in _SI_RE.findall(sst)]
        sheet = _numeric_refs(_member(zf, _first_sheet_path(zf)))
    row: list = []
    current = None
    cols: dict[bytes, int] = {}
    for m in _FAST_CELL_RE.finditer(sheet):
        letters, rownum, attrs, itext, v, other = m.groups()
        if rownum != current:
            if current is not None:
                yield row
                for _gap in range(max(0, int(rownum) - int(current) - 1)):
                    yield []
            row, current = [], rownum
        if itext:
            value = itext.decode("utf-8")
            if "&" in value:
                value = html.unescape(value)
        elif v:
            if b't="s"' in attrs:
                value = shared[int(v)]
            elif b't="' in attrs:  # str, b, e: text as stored
                value = _unescape(v.decode("utf-8"))
            else:  # a number: 13800138000 may come back as 1.3800138E10
                value = v.decode("ascii")
                if "E" in value or "." in value:
                    f = float(value)
                    value = str(int(f)) if f.is_integer() else value
        elif other:
            text = other.decode("utf-8")
            if b't="s"' in attrs:
                m = _V_RE.search(text)
                value = shared[int(m.group(1))] if m else ""
            else:
                value = _unescape("".join(t or "" for t in _T_RE.findall(text)))
        else:
            continue
        col = cols.get(letters)
        if col is None:
            col = cols[letters] = _col_index(letters.decode("ascii"))
        if col >= len(row):
            row.extend([""] * (col - len(row) + 1))
        row[col] = value
    if current is not None:
        yield row


def read_rows(
    path_or_file, filename: str | None = None, max_rows: int | None = None, aliases: dict | None = None
) -> list[dict]:
    """Rows of an .xlsx or .csv file (UTF-8 with or without BOM, or GBK) as dicts keyed by header.

    `path_or_file`: a path, bytes, or a file-like object (an UploadedFile has a .name). Past `max_rows`
    data rows, or an .xlsx unpacking past MAX_UNPACKED_BYTES, raises ImportFileError."""
    if isinstance(path_or_file, str | os.PathLike):
        filename = filename or str(path_or_file)
        with open(path_or_file, "rb") as fh:
            data = fh.read()
    elif isinstance(path_or_file, bytes | bytearray | memoryview):
        data = bytes(path_or_file)
    else:
        filename = filename or getattr(path_or_file, "name", "") or ""
        data = path_or_file.read()
    name = (filename or "").lower()
    is_xlsx = data[:2] == b"PK"  # a zip container, whatever the name says
    if is_xlsx:
        check_upload(data, name)  # the zip directory again: callers other than the upload read files too
        try:
            return _rows_from_matrix(_fast_xlsx_matrix(data), max_rows, aliases)
        except ImportFileError:
            raise
        except Exception:  # an unusual file: let openpyxl try (slower, more tolerant)
            pass
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)  # streams the sheet
        try:
            return _rows_from_matrix(wb.worksheets[0].iter_rows(values_only=True), max_rows, aliases)
        finally:
            wb.close()
    if name.endswith((".xls",)):
        raise ValueError("old .xls files are not supported: save as .xlsx or .csv")
    text = _decode_csv(data)
    return _rows_from_matrix(csv.reader(io.StringIO(text)), max_rows, aliases)


def _report_header(c) -> None:
    c.font, c.fill = Font(bold=True), HEADER_FILL


def error_report(
    rows: list[dict],
    errors: list,
    headers: Iterable[str] = (),
    title: str = "错误报告",
    wide: Iterable[str] = (),
) -> bytes:
    """The uploaded rows as .xlsx, bad cells filled red with a comment, plus a column with the messages.

    `errors`: items with .row (spreadsheet row number, header = 1), .column (header) and .message."""
    headers = list(headers)
    for r in rows:
        for k in r:
            if k not in headers and not k.startswith("_"):
                headers.append(k)
    by_row: dict[int, list] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e)
    wb = Workbook()
    ws = wb.active
    ws.title = title
    # Cells through core.excel: the uploaded text comes back as text, never as a live formula.
    append_header(ws, [*headers, ERROR_HEADER], style=_report_header)
    for i, r in enumerate(rows):
        rownum = i + 2
        append_row(
            ws,
            [r.get(h, "") for h in headers]
            + [
                "；".join(
                    f"{e.column}：{e.message}" if e.column else e.message for e in by_row.get(rownum, [])
                )
            ],
        )
        for e in by_row.get(rownum, []):
            col = headers.index(e.column) + 1 if e.column in headers else len(headers) + 1
            cell = ws.cell(row=rownum, column=col)
            cell.fill = RED
            cell.comment = Comment(str(e.message), "防控")
        if rownum in by_row:
            ws.cell(row=rownum, column=len(headers) + 1).fill = RED
    for h in wide:
        if h in headers:
            ws.column_dimensions[ws.cell(row=1, column=headers.index(h) + 1).column_letter].width = 22
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
