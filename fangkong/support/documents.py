"""Printed things of the support app: the household link's QR code and a building's picking list."""

from __future__ import annotations

import io

from django.db.models import Sum
from django.utils import timezone

from fangkong.areas.models import Level

from .models import OPEN_STATES, Distribution, Request


def qr_svg(url: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2)
    return buf.getvalue()


def picking_list_rows(closure, building) -> tuple[list[tuple[str, int]], list[tuple[str, str, str]]]:
    """What a building's runner takes: packages distributed to it today by item, and its open requests
    (household, type, note) in the order they should be served."""
    day = timezone.localdate()
    items = list(
        Distribution.objects.filter(closure=closure, area=building, at__date=day)
        .values("item")
        .annotate(n=Sum("quantity"))
        .order_by("item")
        .values_list("item", "n")
    )
    reqs = (
        Request.objects.filter(closure=closure, area_path__startswith=building.path, state__in=OPEN_STATES)
        .select_related("area__parent")
        .order_by("priority", "deadline", "area_path")
    )
    rows = []
    for r in reqs[:500]:
        where = (
            f"{r.area.parent.name} {r.area.name}"
            if r.area.level == Level.HOUSEHOLD and r.area.parent
            else r.area.name
        )
        mark = "★" if r.vulnerable else ""
        from django.utils import translation

        with translation.override("zh-hans"):
            kind = str(r.get_kind_display())
        rows.append((mark + where, kind, r.note[:40]))
    return items, rows


def picking_list_pdf(closure, building) -> bytes:
    """拣货单: a printable picking list per building (reportlab with the CJK font from core.pdf)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from fangkong.core.pdf import cjk_font

    items, rows = picking_list_rows(closure, building)
    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    c.setTitle("拣货单")
    y = height - 72  # the baseline of an 18 pt title: its top stays under the 50 pt margin

    from fangkong.core.pdf import wrap

    def line(text, size=11, x=50):
        # A long household or note wraps inside the right margin (50 pt, as the left one).
        nonlocal y
        for part in wrap(text, font, size, width - 50 - x):
            if y < 60:
                c.showPage()
                y = height - 72
            c.setFont(font, size)
            c.drawString(x, y, part)
            y -= size + 8

    line(f"拣货单　{closure.name}　{building.name}", 18)
    line(f"日期：{timezone.localdate():%Y年%m月%d日}")
    line("今日分发物资：" + ("" if items else "无"))
    for item, n in items:
        line(f"　{item} × {n}", x=60)
    line(f"待送诉求（{len(rows)}）：★ 为弱势群体，优先送达")
    for where, kind, note in rows:
        line(f"□ {where}　{kind}　{note}", 10, x=60)
    c.showPage()
    c.save()
    return buf.getvalue()
