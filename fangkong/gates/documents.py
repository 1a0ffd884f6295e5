"""Printed matter: place posters (PDF via reportlab with an embedded CJK font, core.pdf; PNG via segno + Pillow),
pass cards, the responsibility letter (责任书). QR codes are drawn as vector squares from segno's matrix."""

from __future__ import annotations

import glob
import io

import segno
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from fangkong.core.pdf import cjk_font as _font


def _draw_qr(c: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m")
    matrix = list(qr.matrix)
    n = len(matrix) + 8  # quiet zone of 4 modules on each side
    cell = size / n
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                c.rect(x + (col + 4) * cell, y + size - (r + 5) * cell, cell, cell, stroke=0, fill=1)


def _banner(c: canvas.Canvas, text: str, *, height: float, size: int) -> None:
    """The red band across the top of posters and cards, white text centred; leaves the pen black."""
    w, h = c._pagesize
    c.setFillColorRGB(0.78, 0.09, 0.11)
    c.rect(0, h - height, w, height, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont(_font(), size)
    c.drawCentredString(w / 2, h - height / 2 - size * 0.35, text)
    c.setFillColorRGB(0, 0, 0)


def _centred(c: canvas.Canvas, text: str, y: float, size: float, *, margin: float = 8 * mm) -> float:
    """Centred text that stays on the page: shrunk down to 70 % for a long name or address, then
    wrapped; returns the baseline of its last line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from fangkong.core.pdf import wrap

    w = c._pagesize[0]
    room = w - 2 * margin
    size = max(size * 0.7, min(size, size * room / max(stringWidth(text, _font(), size), 1)))
    c.setFont(_font(), size)
    lines = wrap(text, _font(), size, room)
    for i, line in enumerate(lines):
        c.drawCentredString(w / 2, y - i * size * 1.2, line)
    return y - (len(lines) - 1) * size * 1.2


def qr_svg(data: str, scale: int = 6) -> str:
    buf = io.BytesIO()
    segno.make(data, error="m").save(buf, kind="svg", scale=scale, xmldecl=False, svgns=True, border=2)
    return buf.getvalue().decode()


def poster_pdf(*, place_name: str, area_name: str, url: str, version: int) -> bytes:
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = A4
    c.setTitle(f"场所码 {place_name}")
    _banner(c, "场所码 · 扫码登记", height=40 * mm, size=30)
    # A long name wraps: what follows moves down rather than over it.
    y = _centred(c, place_name, h - 58 * mm, 26)
    y = _centred(c, area_name, y - 10 * mm, 14)
    top = min(h - 75 * mm, y - 6 * mm)
    size = 120 * mm
    _draw_qr(c, url, (w - size) / 2, top - size, size)
    c.setFont(font, 15)
    y = top - 10 * mm - size
    for line in (
        "请用手机扫码登记：验证、测温、扫码、登记",
        "首次登记填写姓名和身份证号，本机自动记住",
        "出示登记结果，由值守人员核验后通行",
    ):
        c.drawCentredString(w / 2, y, line)
        y -= 9 * mm
    c.setFont(font, 9)
    c.drawString(15 * mm, 12 * mm, f"版本 v{version} · 打印于 {timezone.localtime():%Y-%m-%d %H:%M}")
    c.showPage()
    c.save()
    return buf.getvalue()


def pass_card_pdf(*, pass_obj, url: str) -> bytes:
    """出入证 on an A6 page: community, name, masked ID, number, validity and the pass QR."""
    from reportlab.lib.pagesizes import A6

    font = _font()
    person = pass_obj.person
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A6)
    w, h = A6
    c.setTitle(f"出入证 {pass_obj.number}")
    _banner(c, "出入证", height=18 * mm, size=18)
    size = 52 * mm
    _draw_qr(c, url, (w - size) / 2, h - 22 * mm - size, size)
    y = h - 30 * mm - size
    y = _centred(c, person.name, y, 15)
    for line in (
        person.id_masked,
        person.area.full_name() if person.area_id else "",
        f"编号 {pass_obj.number}",
        f"有效期 {timezone.localtime(pass_obj.valid_from):%Y-%m-%d} 至 {timezone.localtime(pass_obj.valid_to):%Y-%m-%d}",
    ):
        y = _centred(c, line, y - 6.5 * mm, 10)
    c.setFont(font, 8)
    c.drawCentredString(w / 2, 8 * mm, "凭卡进入 · 验证、测温、扫码、登记")
    c.showPage()
    c.save()
    return buf.getvalue()


def _cjk_font_path() -> str | None:
    for pattern in (
        "/usr/share/fonts/**/NotoSansCJK*.tt[cf]",
        "/usr/share/fonts/**/NotoSerifCJK*.tt[cf]",
        "/usr/share/fonts/**/*CJK*.tt[cf]",
        "/usr/share/fonts/**/wqy*.tt[cf]",
    ):
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    return None


def poster_png(*, place_name: str, url: str) -> bytes:
    """The QR with the place name under it when a CJK font is installed (fonts-noto-cjk), else the QR alone."""
    qr = segno.make(url, error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=12, border=4)
    font_path = _cjk_font_path()
    if not font_path:
        return buf.getvalue()
    from PIL import Image, ImageDraw, ImageFont

    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    font = ImageFont.truetype(font_path, 40)
    canvas_img = Image.new("RGB", (img.width, img.height + 80), "white")
    canvas_img.paste(img, (0, 0))
    draw = ImageDraw.Draw(canvas_img)
    text_w = draw.textlength(place_name, font=font)
    draw.text(((img.width - text_w) / 2, img.height + 10), place_name, fill="black", font=font)
    out = io.BytesIO()
    canvas_img.save(out, format="PNG")
    return out.getvalue()


def inspection_lines(conditions: list[str], inspection) -> list[str]:
    """The home conditions as the inspection found them: √ met, × not met, □ not checked."""
    if inspection is None:
        return [
            "经社区入户核查，居住条件如下（尚未核查）：",
            *[f"　□ {cond}（未核查）" for cond in conditions],
        ]
    found = inspection.checklist or {}
    when = timezone.localtime(inspection.inspected_at)
    lines = [f"经社区入户核查（{when:%Y-%m-%d}），居住条件如下："]
    # The policy's conditions first, in its order; then any the inspection answered that policy dropped.
    for cond in [*conditions, *[c for c in found if c not in conditions]]:
        if cond not in found:
            lines.append(f"　□ {cond}（未核查）")
        else:
            lines.append(f"　{'√' if found[cond] else '×'} {cond}：{'符合' if found[cond] else '不符合'}")
    lines.append(f"　核查结论：{'全部符合' if inspection.conditions_met else '不全部符合'}")
    return lines


def letter_pdf(*, notice, conditions: list[str], community: str, inspection=None) -> bytes:
    """《疫情防控责任书》 for a returnee: decision, conditions, duties, signature lines."""
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = A4
    c.setTitle("疫情防控责任书")
    c.setFont(font, 22)
    c.drawCentredString(w / 2, h - 30 * mm, "疫情防控责任书")
    c.setFont(font, 12)
    y = h - 48 * mm
    lines = [
        f"返京人员：{notice.name}　证件号码：{notice.id_masked}　来自：{notice.travel_from}",
        f"申报编号：{notice.tracking_code}　到京日期：{notice.arrival_date or '—'}",
        f"居住地址：{notice.address or '—'}",
        f"社区决定：{notice.get_decision_display()}",
        "",
        *inspection_lines(conditions, inspection),
        "",
        "本人承诺：",
        "　一、严格按社区决定进行观察，观察期内不外出、不聚集；",
        "　二、每日如实报告体温和健康状况，出现发热等症状立即报告社区；",
        "　三、配合社区工作人员抽查，遵守门禁和骑缝单管理规定；",
        "　四、如有隐瞒或违反，愿承担相应法律责任。",
        "",
        f"社区：{community}",
        "",
        "本人签字：________________　　　社区工作人员签字：________________",
        "",
        f"日期：{timezone.localdate():%Y年%m月%d日}",
    ]
    from fangkong.core.pdf import wrap

    for line in lines:
        # Long lines wrap inside the margins (between Chinese characters too); a long letter goes on.
        for part in wrap(line, font, 12, w - 40 * mm):
            if y < 20 * mm:
                c.showPage()
                c.setFont(font, 12)
                y = h - 20 * mm
            c.drawString(20 * mm, y, part)
            y -= 8 * mm
    c.showPage()
    c.save()
    return buf.getvalue()
