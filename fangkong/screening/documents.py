"""Printed matter of mass testing: the building notice (Chinese, A4, the slot and the site and a QR to the
building's public page) and the signed link of that page."""

from __future__ import annotations

import io

from django.core import signing
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from fangkong.core.pdf import cjk_font
from fangkong.gates.documents import _banner, _centred, _draw_qr

BUILDING_SALT = "screening.building"


def building_token(campaign_id: int, building_id: int) -> str:
    return signing.Signer(salt=BUILDING_SALT).sign(f"{campaign_id}-{building_id}").replace(":", ".")


def building_from_token(token: str) -> tuple[int, int] | None:
    try:
        raw = signing.Signer(salt=BUILDING_SALT).unsign(str(token).replace(".", ":"))
        c, b = raw.split("-")
        return int(c), int(b)
    except (signing.BadSignature, ValueError):
        return None


def notice_pdf(*, campaign, building_name: str, slots: list, url: str) -> bytes:
    """One building's notice: when and where its residents go, the QR to the building's page."""
    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = A4
    c.setTitle(f"核酸检测通知 {building_name}")
    _banner(c, "核酸检测通知 · 错峰分流", height=36 * mm, size=28)
    y = _centred(c, campaign.name, h - 52 * mm, 20, margin=15 * mm)
    y = _centred(c, building_name, max(y - 12 * mm, 0), 18, margin=15 * mm)
    y -= 16 * mm
    c.setFont(font, 15)
    if not slots:
        c.drawCentredString(w / 2, y, "时段待定，请留意社区通知")
        y -= 10 * mm
    for s in slots:
        # A long site name or address shrinks, then wraps, inside the page (gates._centred).
        start, end = timezone.localtime(s.start), timezone.localtime(s.end)
        y = _centred(c, f"{start:%m月%d日 %H:%M}–{end:%H:%M}  {s.site.place.name}", y, 15, margin=15 * mm)
        y -= 8 * mm
        if s.site.place.address:
            y = _centred(c, s.site.place.address, y, 11, margin=15 * mm) - 8 * mm
    size = 85 * mm
    _draw_qr(c, url, (w - size) / 2, y - size - 4 * mm, size)
    y = y - size - 14 * mm
    c.setFont(font, 13)
    for line in (
        "请按时段前往采样点，全程佩戴口罩，保持一米间距",
        "扫码查看本楼时段和采样点；出示身份证或手机号登记",
        "卧床等行动不便人员请联系社区，安排上门采样",
    ):
        c.drawCentredString(w / 2, y, line)
        y -= 8 * mm
    c.setFont(font, 9)
    c.drawString(15 * mm, 12 * mm, f"打印于 {timezone.localtime():%Y-%m-%d %H:%M}")
    c.showPage()
    c.save()
    return buf.getvalue()
