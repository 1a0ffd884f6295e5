"""Printable outputs: the resident's signed report link with its QR code, the discharge certificate PDF."""

from __future__ import annotations

import io

from django.core import signing
from django.urls import reverse
from django.utils import timezone

LINK_SALT = "observation.report-link"
LINK_MAX_AGE = 120 * 24 * 3600  # the link lives as long as any order could; closed orders refuse it anyway


def report_token(order) -> str:
    return signing.dumps({"o": order.pk}, salt=LINK_SALT)


def report_path(order) -> str:
    return reverse("observation:public-report", args=[report_token(order)])


def order_from_token(token: str):
    """The order a signed link points to, or None when the link is forged or expired."""
    from .models import ObservationOrder

    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return ObservationOrder.objects.select_related("person").filter(pk=data.get("o")).first()


def qr_svg(url: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2)
    return buf.getvalue()


def certificate_pdf(stay) -> bytes:
    """解除集中观察证明 (reportlab, embedded CJK font from core.pdf)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from fangkong.core.pdf import cjk_font

    font = cjk_font()
    order = stay.order
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    c.setTitle("解除集中观察证明")
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 100, "解除集中观察证明")
    c.setFont(font, 12)
    c.drawRightString(width - 72, height - 130, f"编号：{stay.certificate_number}")
    lines = [
        f"姓名：{order.person.name}        证件号码：{order.person.id_masked}",
        f"观察点：{stay.site.name}        房间：{stay.room.number if stay.room else '—'}",
        f"观察期：{order.start:%Y年%m月%d日} 至 {timezone.localtime(stay.checked_out_at):%Y年%m月%d日}",
        f"依据：{order.policy_key} 第{order.policy_version or '—'}版",
        "",
        "该同志已按规定完成集中观察，观察期间核酸检测结果均为阴性，",
        "无发热等异常症状，准予解除集中观察。",
    ]
    y = height - 180
    for line in lines:
        c.drawString(72, y, line)
        y -= 26
    c.drawRightString(width - 72, y - 40, f"{stay.site.name}（盖章）")
    c.drawRightString(width - 72, y - 66, f"{timezone.localdate():%Y年%m月%d日}")
    c.showPage()
    c.save()
    return buf.getvalue()
