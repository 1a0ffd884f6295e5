"""Door-to-door survey files (入户摸排表): the Excel template, reading .xlsx/.csv uploads and the
error report. Validation and writes live in services.survey_import; this module only knows files.

Rows are dicts keyed by the Chinese template headers (TEMPLATE_HEADERS); common header variants
(身份证号, 联系电话 …) are mapped to them on reading.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from fangkong.core.excel import append_header, append_row
from fangkong.core.identity import IdType

from .models import Person

NAME = "姓名"
ID_TYPE = "证件类型"
ID_NUMBER = "证件号码"
PHONE = "手机号"
PERSON_TYPE = "人员类型"
RELATION = "与户主关系"
LANDLORD_ID = "房东证件号码"
STREET = "街道"
COMMUNITY = "社区"
BUILDING = "楼栋"
ENTRANCE = "单元"
HOUSEHOLD = "门牌号"
REGISTERED = "户籍地"
RETURN = "返京状态"
NOTES = "备注"

TEMPLATE_HEADERS = [
    NAME,
    ID_TYPE,
    ID_NUMBER,
    PHONE,
    PERSON_TYPE,
    RELATION,
    LANDLORD_ID,
    STREET,
    COMMUNITY,
    BUILDING,
    ENTRANCE,
    HOUSEHOLD,
    REGISTERED,
    RETURN,
    NOTES,
]
REQUIRED = [NAME, ID_NUMBER, BUILDING, ENTRANCE, HOUSEHOLD]
ERROR_HEADER = "错误说明"

HEADER_ALIASES = {
    "名字": NAME,
    "姓名*": NAME,
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "证件号": ID_NUMBER,
    "证件号码*": ID_NUMBER,
    "手机": PHONE,
    "手机号码": PHONE,
    "联系电话": PHONE,
    "电话": PHONE,
    "类型": PERSON_TYPE,
    "关系": RELATION,
    "房东身份证号": LANDLORD_ID,
    "楼号": BUILDING,
    "楼栋*": BUILDING,
    "单元*": ENTRANCE,
    "楼门": ENTRANCE,
    "门牌": HOUSEHOLD,
    "房号": HOUSEHOLD,
    "门牌号*": HOUSEHOLD,
    "户籍": REGISTERED,
    "户籍所在地": REGISTERED,
    "是否返京": RETURN,
    "说明": NOTES,
}

# Cell values accepted per enumerated column (Chinese labels as printed in the template, codes too).
ID_TYPES = {
    "": IdType.RESIDENT,
    "居民身份证": IdType.RESIDENT,
    "身份证": IdType.RESIDENT,
    "护照": IdType.PASSPORT,
    "港澳通行证": IdType.HKMO,
    "港澳居民来往内地通行证": IdType.HKMO,
    "台湾通行证": IdType.TAIWAN,
    "台胞证": IdType.TAIWAN,
    **{c: c for c, _label in IdType.CHOICES},
}
PERSON_TYPES = {
    "常住": Person.Type.PERMANENT,
    "户籍": Person.Type.PERMANENT,
    "常住人口": Person.Type.PERMANENT,
    "流动": Person.Type.MIGRANT,
    "流动人口": Person.Type.MIGRANT,
    "外来": Person.Type.MIGRANT,
    "境外": Person.Type.FOREIGN,
    "外籍": Person.Type.FOREIGN,
    **{c: c for c in Person.Type.values},
}
RELATIONS = {
    "户主": Person.Relation.OWNER,
    "本人": Person.Relation.OWNER,
    "业主": Person.Relation.OWNER,
    "家属": Person.Relation.FAMILY,
    "家庭成员": Person.Relation.FAMILY,
    "配偶": Person.Relation.FAMILY,
    "子女": Person.Relation.FAMILY,
    "父母": Person.Relation.FAMILY,
    "租户": Person.Relation.TENANT,
    "租客": Person.Relation.TENANT,
    "承租人": Person.Relation.TENANT,
    "宿舍": Person.Relation.DORMITORY,
    "集体宿舍": Person.Relation.DORMITORY,
    **{c: c for c in Person.Relation.values},
}
RETURNS = {
    "在京": Person.Return.PRESENT,
    "未离京": Person.Return.PRESENT,
    "未返京": Person.Return.NOT_RETURNED,
    "已返京": Person.Return.RETURNED,
    **{c: c for c in Person.Return.values},
}
CHOICE_LISTS = {
    ID_TYPE: ["居民身份证", "护照", "港澳通行证", "台湾通行证"],
    PERSON_TYPE: ["常住", "流动", "境外"],
    RELATION: ["户主", "家属", "租户", "宿舍"],
    RETURN: ["在京", "未返京", "已返京"],
}

# Limits of an uploaded survey (README "Imports", docs/architecture.md). A community's survey is a few
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


def _canonical(header) -> str:
    h = str(header or "").strip().replace("\ufeff", "")
    return HEADER_ALIASES.get(h, h)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a phone typed as a number comes back as 13800138000.0
    return str(v).strip()


def build_template() -> bytes:
    """The empty survey sheet with its headers, an example row, dropdowns and an instructions sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "入户摸排"
    ws.append(TEMPLATE_HEADERS)
    for i, h in enumerate(TEMPLATE_HEADERS, start=1):
        c = ws.cell(row=1, column=i)
        c.font = Font(bold=True, color="C8161D" if h in REQUIRED else "000000")
        c.fill = HEADER_FILL
        ws.column_dimensions[c.column_letter].width = (
            22 if h in (ID_NUMBER, LANDLORD_ID, REGISTERED, NOTES) else 12
        )
        c.number_format = "@"
    for h, values in CHOICE_LISTS.items():
        col = ws.cell(row=1, column=TEMPLATE_HEADERS.index(h) + 1).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.add(f"{col}2:{col}5000")
        ws.add_data_validation(dv)
    for h in (ID_NUMBER, PHONE, LANDLORD_ID):  # text, so Excel keeps the 18 digits and the X
        col = ws.cell(row=1, column=TEMPLATE_HEADERS.index(h) + 1).column_letter
        for r in range(2, 502):
            ws[f"{col}{r}"].number_format = "@"
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填表说明")
    help_ws.append(["列", "说明"])
    notes = {
        NAME: "必填",
        ID_TYPE: "居民身份证（默认）、护照、港澳通行证、台湾通行证",
        ID_NUMBER: "必填；身份证18位，校验位须正确",
        PHONE: "11位大陆手机号，可空",
        PERSON_TYPE: "常住、流动、境外；空则为常住",
        RELATION: "户主、家属、租户、宿舍",
        LANDLORD_ID: "租户填写房东的证件号码（房东须已登记）",
        STREET: "在街道范围导入时必填",
        COMMUNITY: "在街道范围导入时必填",
        BUILDING: "必填，如 1号楼、平房区3片",
        ENTRANCE: "必填，如 1单元、2排",
        HOUSEHOLD: "必填，如 101室、5号",
        REGISTERED: "户籍所在地",
        RETURN: "在京、未返京、已返京",
        NOTES: "",
    }
    for h in TEMPLATE_HEADERS:
        help_ws.append([h, notes.get(h, "")])
    help_ws.append(["", "空白的可选单元格不会覆盖已登记的信息；同一文件重复导入不会产生变化。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # a superset of GBK: what Excel on Chinese Windows writes


def _rows_from_matrix(matrix: Iterable[Iterable], max_rows: int | None = None) -> list[dict]:
    """Rows as dicts, reading `matrix` lazily: past `max_rows` data rows it stops and refuses the file
    (trailing blank lines, which spreadsheets carry by the thousand, do not count)."""
    it = iter(matrix)
    header = None
    for raw in it:
        cells = [_cell(v) for v in raw]
        if any(cells):
            header = [_canonical(h) for h in cells]
            break
    if header is None:
        return []
    out = []
    blank = 0  # blank lines not yet kept: inside the data they keep the row numbers, at the end they go
    filled = 0
    for raw in it:
        cells = [_cell(v) for v in raw]
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
        sheet = _member(zf, _first_sheet_path(zf))
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


def read_rows(path_or_file, filename: str | None = None, max_rows: int | None = None) -> list[dict]:
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
            return _rows_from_matrix(_fast_xlsx_matrix(data), max_rows)
        except ImportFileError:
            raise
        except Exception:  # an unusual file: let openpyxl try (slower, more tolerant)
            pass
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)  # streams the sheet
        try:
            return _rows_from_matrix(wb.worksheets[0].iter_rows(values_only=True), max_rows)
        finally:
            wb.close()
    if name.endswith((".xls",)):
        raise ValueError("old .xls files are not supported: save as .xlsx or .csv")
    text = _decode_csv(data)
    return _rows_from_matrix(csv.reader(io.StringIO(text)), max_rows)


def _report_header(c) -> None:
    c.font, c.fill = Font(bold=True), HEADER_FILL


def error_report(rows: list[dict], errors: list) -> bytes:
    """The uploaded rows as .xlsx, bad cells filled red with a comment, plus a column with the messages.

    `errors`: items with .row (spreadsheet row number, header = 1), .column (header) and .message."""
    headers = list(TEMPLATE_HEADERS)
    for r in rows:
        for k in r:
            if k not in headers and not k.startswith("_"):
                headers.append(k)
    by_row: dict[int, list] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e)
    wb = Workbook()
    ws = wb.active
    ws.title = "错误报告"
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
    for col in ("C", "D", "G"):
        ws.column_dimensions[col].width = 22
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
