"""The city platform's dispatch export (派单表): its headers, their common variants, the error report.
Reading is core.imports (xlsx, UTF-8/GBK CSV); validation and writes are services.order_import."""

from __future__ import annotations

from fangkong.core import imports as core_imports

NUMBER = "工单编号"
RECEIVED = "受理时间"
CALLER = "来电人"
PHONE = "联系电话"
ADDRESS = "地址"
CATEGORY = "问题分类"
TEXT = "诉求内容"
DEADLINE = "时限类型"
STREET = "街道"

TEMPLATE_HEADERS = [NUMBER, RECEIVED, CALLER, PHONE, ADDRESS, CATEGORY, TEXT, DEADLINE, STREET]
REQUIRED_HEADERS = [NUMBER, RECEIVED, ADDRESS, CATEGORY, TEXT]

HEADER_ALIASES = {
    "工单号": NUMBER,
    "工单编码": NUMBER,
    "派单编号": NUMBER,
    "受理编号": NUMBER,
    "来电时间": RECEIVED,
    "派单时间": RECEIVED,
    "登记时间": RECEIVED,
    "受理日期": RECEIVED,
    "诉求人": CALLER,
    "来电人姓名": CALLER,
    "姓名": CALLER,
    "电话": PHONE,
    "来电号码": PHONE,
    "联系方式": PHONE,
    "手机号": PHONE,
    "事发地址": ADDRESS,
    "诉求地址": ADDRESS,
    "详细地址": ADDRESS,
    "分类": CATEGORY,
    "诉求分类": CATEGORY,
    "类别": CATEGORY,
    "内容": TEXT,
    "诉求": TEXT,
    "来电内容": TEXT,
    "问题描述": TEXT,
    "紧急程度": DEADLINE,
    "办理时限": DEADLINE,
    "时限": DEADLINE,
    "承办街道": STREET,
    "所属街道": STREET,
    "街乡": STREET,
}

# template header → the field name clean_fields() reads
FIELDS = {
    NUMBER: "city_number",
    RECEIVED: "received_at",
    CALLER: "caller_name",
    PHONE: "caller_phone",
    ADDRESS: "address",
    CATEGORY: "category",
    TEXT: "text",
    DEADLINE: "deadline_class",
}
HEADER_OF = {v: k for k, v in FIELDS.items()}


def read_rows(data: bytes, filename: str) -> list[dict]:
    return core_imports.read_rows(data, filename, core_imports.MAX_ROWS, aliases=HEADER_ALIASES)


def error_report(rows: list[dict], errors: list) -> bytes:
    return core_imports.error_report(
        rows, errors, headers=TEMPLATE_HEADERS, title="派单导入错误", wide=(TEXT, ADDRESS)
    )


def template_bytes() -> bytes:
    from fangkong.core.excel import workbook_bytes

    example = [
        "2020061300001",
        "2020-06-13 09:30",
        "张先生",
        "13800138000",
        "卢沟桥街道镇国寺社区3号楼",
        "疫情防控",
        "小区门口核酸检测排队过长，希望增加采样点",
        "一般",
        "卢沟桥街道",
    ]
    return workbook_bytes(TEMPLATE_HEADERS, [example], title="派单表")
