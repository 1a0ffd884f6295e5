"""Staff list files (员工名单): the template and the header names; reading goes through core.imports,
validation and writes through services.staff_import."""

from __future__ import annotations

from fangkong.core.excel import workbook_bytes

WORKPLACE = "单位名称"
WORKPLACE_ID = "单位编号"
NAME = "姓名"
PHONE = "手机号"
ID_NUMBER = "证件号码"
POSITION = "岗位"
SHIFT = "班次"
DORMITORY = "宿舍"
ROOM = "房间号"

TEMPLATE_HEADERS = [WORKPLACE, WORKPLACE_ID, NAME, PHONE, ID_NUMBER, POSITION, SHIFT, DORMITORY, ROOM]
REQUIRED = [NAME]

HEADER_ALIASES = {
    "单位": WORKPLACE,
    "企业名称": WORKPLACE,
    "公司": WORKPLACE,
    "编号": WORKPLACE_ID,
    "名字": NAME,
    "姓名*": NAME,
    "手机": PHONE,
    "手机号码": PHONE,
    "联系电话": PHONE,
    "电话": PHONE,
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "证件号": ID_NUMBER,
    "职务": POSITION,
    "班组": SHIFT,
    "宿舍名称": DORMITORY,
    "房间": ROOM,
    "宿舍房间": ROOM,
}

# What a 班次 cell may say, and the shift it means (anything else is kept as typed).
SHIFT_WORDS = {
    "白班": "day",
    "日班": "day",
    "day": "day",
    "夜班": "night",
    "night": "night",
    "轮班": "rotating",
    "倒班": "rotating",
    "rotating": "rotating",
}


def template_xlsx() -> bytes:
    example = ["示例公司", "", "张三", "13800138000", "", "保洁", "白班", "1号宿舍", "101"]
    return workbook_bytes(TEMPLATE_HEADERS, [example], title="员工名单")
