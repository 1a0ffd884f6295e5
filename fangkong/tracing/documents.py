"""The observation letters of confirmed contacts, many orders in ONE merged PDF (reportlab, the CJK font
of core.pdf): hundreds of orders are printed in one go, not one by one."""

from __future__ import annotations

import io

from django.utils import timezone


def _names(orders) -> dict[str, str]:
    """{area path: full name} of every order's household in one query (Area.full_name reads the tree for
    each area: a thousand letters would be a thousand queries)."""
    from fangkong.areas.models import STEP, Area

    paths = {o.area.path for o in orders}
    wanted = {p[:i] for p in paths for i in range(STEP, len(p) + 1, STEP)}
    names = dict(Area.objects.filter(path__in=wanted, depth__gt=1).values_list("path", "name"))
    return {p: " ".join(names[p[:i]] for i in range(STEP, len(p) + 1, STEP) if p[:i] in names) for p in paths}


def letter_lines(
    order, *, household: str | None = None, policy: str | None = None, head: dict | None = None
) -> list[str]:
    """The body of the letter; the disease and the legal basis are policy (core.pdf.letterheads)."""
    from fangkong.core.pdf import letterheads
    from fangkong.observation.documents import _policy_name

    p = order.person
    head = head or letterheads()(order.area.path)
    return [
        f"{p.name}（证件号码 {p.id_masked}）：",
        "",
        f"经流行病学调查，您被判定为{head['disease']}病例的"
        + ("密切接触者" if order.reason == "close_contact" else "密接的密接")
        + f"。根据{head['legal_basis']}，"
        + f"请您自 {order.start:%Y年%m月%d日} 起接受{order.get_order_type_display()}，"
        + f"预计至 {order.planned_end:%Y年%m月%d日} 解除。",
        f"依据：{policy or _policy_name(order.policy_key)} 第{order.policy_version or '—'}版",
        f"住址：{household if household is not None else order.area.full_name()}",
        "",
        "观察期间请配合每日健康监测和核酸检测，不得外出。如有发热、咳嗽等症状，请立即报告社区。",
    ]


def letters_pdf(orders) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from fangkong.core.pdf import cjk_font, letterheads, wrap

    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    c.setTitle("隔离医学观察告知书")
    today = timezone.localdate()
    from fangkong.observation.documents import _policy_name

    orders = list(orders)
    households = _names(orders)
    policies = {k: _policy_name(k) for k in {o.policy_key for o in orders}}
    heads = letterheads()
    for order in orders:
        head = heads(order.area.path)
        c.setFont(font, 20)
        c.drawCentredString(width / 2, height - 100, "隔离医学观察告知书")
        c.setFont(font, 12)
        y = height - 150
        lines = letter_lines(
            order, household=households[order.area.path], policy=policies[order.policy_key], head=head
        )
        for line in lines:
            for part in wrap(line, font, 12, width - 144):
                if y < 72:  # a long household name or policy goes on to a second page
                    c.showPage()
                    c.setFont(font, 12)
                    y = height - 72 - 12  # the baseline: the characters' tops stay under the margin
                c.drawString(72, y, part)
                y -= 22
        y -= 18
        for part in [*wrap(f"{head['authority']}（盖章）", font, 12, width - 144), f"{today:%Y年%m月%d日}"]:
            if y < 72:
                c.showPage()
                c.setFont(font, 12)
                y = height - 84
            c.drawRightString(width - 72, y, part)
            y -= 26
        c.showPage()
    if not orders:
        c.setFont(font, 12)
        c.drawString(72, height - 100, "无观察告知书")
        c.showPage()
    c.save()
    return buf.getvalue()
