"""A unit's list of workers (派出单位名单): the Excel template, reading .xlsx/.csv uploads (the shared
machinery of fangkong.core.imports, with this list's header aliases) and the error report. Validation
and writes live in services.worker_import; this module only knows files."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from fangkong.core import imports as core_imports
from fangkong.core.identity import IdType
from fangkong.core.imports import HEADER_FILL, ImportFileError, RowError, check_upload  # noqa: F401

from .models import Skill, Worker

NAME = "姓名"
ID_TYPE = "证件类型"
ID_NUMBER = "证件号码"
PHONE = "手机号"
KIND = "人员类别"
LEVEL = "层级"
HOME_UNIT = "派出单位"
SKILLS = "技能"
NOTES = "备注"

TEMPLATE_HEADERS = [NAME, ID_TYPE, ID_NUMBER, PHONE, KIND, LEVEL, HOME_UNIT, SKILLS, NOTES]
REQUIRED = [NAME, ID_NUMBER, PHONE]

HEADER_ALIASES = {
    "名字": NAME,
    "姓名*": NAME,
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "证件号": ID_NUMBER,
    "证件号码*": ID_NUMBER,
    "手机": PHONE,
    "手机号码": PHONE,
    "手机号*": PHONE,
    "联系电话": PHONE,
    "电话": PHONE,
    "类别": KIND,
    "人员类型": KIND,
    "级别": LEVEL,
    "单位": HOME_UNIT,
    "工作单位": HOME_UNIT,
    "所在单位": HOME_UNIT,
    "专长": SKILLS,
    "特长": SKILLS,
    "说明": NOTES,
}

ID_TYPES = {
    "": IdType.RESIDENT,
    "居民身份证": IdType.RESIDENT,
    "身份证": IdType.RESIDENT,
    "护照": IdType.PASSPORT,
    "港澳通行证": IdType.HKMO,
    "台湾通行证": IdType.TAIWAN,
    **{c: c for c, _label in IdType.CHOICES},
}
KINDS = {
    "下沉干部": Worker.Kind.CADRE,
    "干部": Worker.Kind.CADRE,
    "志愿者": Worker.Kind.VOLUNTEER,
    "在职党员": Worker.Kind.PARTY_MEMBER,
    "党员": Worker.Kind.PARTY_MEMBER,
    **{c: c for c in Worker.Kind.values},
}
LEVELS = {
    "市级": Worker.Level.CITY,
    "市": Worker.Level.CITY,
    "区级": Worker.Level.DISTRICT,
    "区": Worker.Level.DISTRICT,
    "街道": Worker.Level.STREET,
    "街道级": Worker.Level.STREET,
    "街乡": Worker.Level.STREET,
    "社区": Worker.Level.COMMUNITY,
    "社区级": Worker.Level.COMMUNITY,
    **{c: c for c in Worker.Level.values},
}
SKILL_NAMES = {
    "医疗": Skill.MEDICAL,
    "医护": Skill.MEDICAL,
    "司机": Skill.DRIVER,
    "驾驶": Skill.DRIVER,
    "翻译": Skill.INTERPRETER,
    "外语": Skill.INTERPRETER,
    "心理": Skill.PSYCHOLOGICAL,
    "心理疏导": Skill.PSYCHOLOGICAL,
    "信息技术": Skill.IT,
    "计算机": Skill.IT,
    "其他": Skill.OTHER,
    **{c: c for c in Skill.values},
}
CHOICE_LISTS = {
    ID_TYPE: ["居民身份证", "护照", "港澳通行证", "台湾通行证"],
    KIND: ["下沉干部", "志愿者", "在职党员"],
    LEVEL: ["市级", "区级", "街道", "社区"],
}


def read_rows(path_or_file, filename: str | None = None, max_rows: int | None = None) -> list[dict]:
    """Rows of a unit's list (.xlsx or .csv in UTF-8 or GBK) as dicts keyed by the template headers."""
    return core_imports.read_rows(path_or_file, filename, max_rows, aliases=HEADER_ALIASES)


def error_report(rows: list[dict], errors: list) -> bytes:
    return core_imports.error_report(
        rows, errors, headers=TEMPLATE_HEADERS, title="错误报告", wide=(ID_NUMBER,)
    )


def build_template() -> bytes:
    """The empty list with its headers, dropdowns and an instructions sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "人员名单"
    ws.append(TEMPLATE_HEADERS)
    for i, h in enumerate(TEMPLATE_HEADERS, start=1):
        c = ws.cell(row=1, column=i)
        c.font = Font(bold=True, color="C8161D" if h in REQUIRED else "000000")
        c.fill = HEADER_FILL
        ws.column_dimensions[c.column_letter].width = 22 if h in (ID_NUMBER, HOME_UNIT, NOTES) else 12
    for h, values in CHOICE_LISTS.items():
        col = ws.cell(row=1, column=TEMPLATE_HEADERS.index(h) + 1).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.add(f"{col}2:{col}5000")
        ws.add_data_validation(dv)
    for h in (ID_NUMBER, PHONE):  # text, so Excel keeps the 18 digits and the X
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
        PHONE: "必填；11位大陆手机号",
        KIND: "下沉干部、志愿者、在职党员；空则按导入页所选",
        LEVEL: "市级、区级、街道、社区；空则按导入页所选",
        HOME_UNIT: "派出单位；空则按导入页所填",
        SKILLS: "医疗、司机、翻译、心理、信息技术、其他，可填多项，用顿号或逗号分隔",
        NOTES: "",
    }
    for h in TEMPLATE_HEADERS:
        help_ws.append([h, notes.get(h, "")])
    help_ws.append(["", "整表校验：任何一行有错，整表不导入，并列出每行的错误。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
