"""The prevention plan generated from the template (一楼一方案, 一企一方案): a PDF filled with the
workplace's data (reportlab with the embedded CJK font of core.pdf; every line wrapped inside the page).
The disease and the issuing authority come from policy (core.pdf.letterheads), never from code."""

from __future__ import annotations

import io

from django.utils import timezone

SMALL_KINDS_GUIDE = "通风换气、每日消毒、员工健康监测、控制人员密度"


def plan_lines(workplace, *, rooms=None, staff_on_shift=None) -> list[tuple[str, str]]:
    """(style, text) lines of the plan: "h" headings, "p" paragraphs."""
    from fangkong.core.pdf import letterheads

    from .models import WorkplaceType

    head = letterheads()(workplace.area_path)
    kind = "一楼一方案" if workplace.type == WorkplaceType.OFFICE_BUILDING else "一企一方案"
    area = workplace.area.full_name() if hasattr(workplace.area, "full_name") else str(workplace.area)
    dorms = list(workplace.dormitories.all()) if rooms is None else rooms
    lines = [
        ("t", f"{workplace.name}{head['disease']}疫情防控工作方案（{kind}）"),
        ("h", "一、基本情况"),
        ("p", f"单位名称：{workplace.name}；类型：{workplace.get_type_display()}；所在区域：{area}。"),
        ("p", f"地址：{workplace.place.address or '（未填写）'}。"),
        (
            "p",
            f"员工人数：{workplace.staff_count}人；建筑面积：{workplace.floor_area or '（未填写）'}平方米。",
        ),
    ]
    if workplace.parent_id:
        lines.append(("p", f"所在楼宇：{workplace.parent.name}。"))
    lines += [
        ("h", "二、组织体系与责任人"),
        ("p", f"街道楼长：{workplace.head_street_name or '（未指定）'} {workplace.head_street_phone}"),
        ("p", f"物业楼长：{workplace.head_property_name or '（未指定）'} {workplace.head_property_phone}"),
        (
            "p",
            f"防疫联络员：{workplace.safety_contact_name or '（未指定）'} {workplace.safety_contact_phone}",
        ),
        ("h", "三、防控措施"),
        ("p", "1. 每日零报告：在岗人数、因病缺勤人数及症状、外地返京人数、体温检测和消毒情况，当日上报。"),
        ("p", "2. 入口体温检测、扫码登记，佩戴口罩；公共区域每日消毒并登记。"),
        ("p", "3. 员工宿舍：地上人均不少于规定面积、每间不超过规定人数；地下空间从严，不得使用上下铺。"),
    ]
    if workplace.dense:
        lines.append(("p", "4. 人员密集企业：错峰上下班、弹性工作，控制在岗人数比例。"))
    if workplace.is_small:
        lines.append(("p", f"4. 七小场所：{SMALL_KINDS_GUIDE}。"))
    lines.append(("h", "四、员工宿舍"))
    if dorms:
        for d in dorms:
            where = "地下" if d.underground else "地上"
            n = d.rooms.count()
            lines.append(("p", f"{d.name}（{where}）：{n}间。{d.address}"))
    else:
        lines.append(("p", "无员工宿舍。"))
    lines += [
        ("h", "五、应急处置"),
        ("p", "发现发热或有症状人员，立即隔离观察并报告属地社区和街道，配合流调和消杀。"),
        ("p", f"依据：{head['legal_basis']}。"),
        ("r", head["authority"]),
        ("r", f"{timezone.localdate():%Y年%m月%d日}"),
    ]
    return lines


def plan_pdf(workplace) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from fangkong.core.pdf import cjk_font, wrap

    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    margin = 72
    c.setTitle(f"{workplace.name} 防控方案")
    y = height - margin - 20

    def put(text, size, *, right=False, centre=False, gap=6):
        nonlocal y
        for part in wrap(text, font, size, width - 2 * margin):
            if y < margin:
                c.showPage()
                y = height - margin - size
            c.setFont(font, size)
            if right:
                c.drawRightString(width - margin, y, part)
            elif centre:
                c.drawCentredString(width / 2, y, part)
            else:
                c.drawString(margin, y, part)
            y -= size + gap

    for style, text in plan_lines(workplace):
        if style == "t":
            put(text, 18, centre=True, gap=14)
        elif style == "h":
            y -= 6
            put(text, 14)
        elif style == "r":
            put(text, 12, right=True)
        else:
            put(text, 11)
    c.showPage()
    c.save()
    return buf.getvalue()
