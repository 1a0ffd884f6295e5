"""Door-to-door survey files (入户摸排表): the Excel template, reading .xlsx/.csv uploads and the
error report. Validation and writes live in services.survey_import; this module only knows files.

Rows are dicts keyed by the Chinese template headers (TEMPLATE_HEADERS); common header variants
(身份证号, 联系电话 …) are mapped to them on reading.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from fangkong.core import imports as core_imports
from fangkong.core.identity import IdType
from fangkong.core.imports import (  # noqa: F401  (re-exported: callers and tests use ix.<name>)
    HEADER_FILL,
    MAX_ROWS,
    ImportFileError,
    _member,
    check_upload,
)

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

# The reading machinery is shared with every other import (fangkong.core.imports); the survey brings its
# header aliases and column order.


def _rows_from_matrix(matrix: Iterable[Iterable], max_rows: int | None = None) -> list[dict]:
    return core_imports._rows_from_matrix(matrix, max_rows, HEADER_ALIASES)


def read_rows(path_or_file, filename: str | None = None, max_rows: int | None = None) -> list[dict]:
    """Rows of a survey .xlsx or .csv (UTF-8 or GBK) as dicts keyed by the template headers."""
    return core_imports.read_rows(path_or_file, filename, max_rows, aliases=HEADER_ALIASES)


def error_report(rows: list[dict], errors: list) -> bytes:
    """The uploaded rows as .xlsx, bad cells red with a comment, plus a column with the messages."""
    return core_imports.error_report(
        rows, errors, headers=TEMPLATE_HEADERS, wide=(ID_NUMBER, PHONE, LANDLORD_ID)
    )


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
