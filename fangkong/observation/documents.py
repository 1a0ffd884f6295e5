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


RESULT_TEXT = {"negative": "阴性", "positive": "阳性", "pending": "未出结果"}


def certificate_facts(stay) -> dict:
    """What the certificate may say, read from the records: the real dates, each required test as
    recorded, the fever and symptom alerts, and whether the order ran its course (planned end reached,
    every required test negative) or was ended early or forced, with the reason written at the end."""
    order = stay.order
    ended = order.ended_at or stay.checked_out_at
    end_date = timezone.localtime(ended).date() if ended else None
    tests = list(order.tests.order_by("day", "id"))
    tests_negative = all(t.result == "negative" for t in tests)
    reached = end_date is not None and end_date >= order.planned_end
    alerts = list(order.alerts.filter(kind__in=["fever", "symptoms"]).values_list("kind", flat=True))
    return {
        "start": order.start,
        "planned_end": order.planned_end,
        "end": end_date,
        "checked_in": timezone.localtime(stay.checked_in_at).date(),
        "tests": tests,
        "tests_negative": tests_negative,
        "completed": reached and tests_negative,
        "early": not reached,
        "reason": order.end_reason,
        "reports": order.reports.count(),
        "fever": alerts.count("fever"),
        "symptoms": alerts.count("symptoms"),
    }


def _test_line(t) -> str:
    line = f"　第{t.day}天（应检 {t.due_date:%Y-%m-%d}）：{RESULT_TEXT.get(t.result, t.result)}"
    if t.result_at:
        line += f"（{timezone.localtime(t.result_at):%Y-%m-%d}）"
    return line


def _policy_name(key: str) -> str:
    """The policy's Chinese name (the certificate is a Chinese document), never its key."""
    from django.utils import translation

    from fangkong.policies.display import policy_name

    with translation.override("zh-hans"):
        return policy_name(key)


def certificate_lines(stay) -> list[str]:
    """The body of the certificate; it states what happened and never claims more."""
    order, f = stay.order, certificate_facts(stay)
    end = f"{f['end']:%Y年%m月%d日}" if f["end"] else "—"
    lines = [
        f"姓名：{order.person.name}　　证件号码：{order.person.id_masked}",
        f"观察点：{stay.site.name}　　房间：{stay.room.number if stay.room else '—'}",
        f"入住日期：{f['checked_in']:%Y年%m月%d日}",
        f"观察期：{f['start']:%Y年%m月%d日} 至 {end}（计划至 {f['planned_end']:%Y年%m月%d日}）",
        f"依据：{_policy_name(order.policy_key)} 第{order.policy_version or '—'}版",
        "核酸检测结果：" + ("" if f["tests"] else "无要求的检测记录"),
        *[_test_line(t) for t in f["tests"]],
        f"健康报告：{f['reports']}次；发热提示{f['fever']}次，症状提示{f['symptoms']}次",
        "",
    ]
    if f["completed"]:
        lines.append("该同志已按规定完成集中观察，观察期间要求的核酸检测结果均为阴性，准予解除集中观察。")
    else:
        lines.append(
            "该同志未满计划观察期，提前解除集中观察。"
            if f["early"]
            else "该同志观察期已满，但要求的核酸检测并非全部为阴性，经决定解除集中观察。"
        )
        lines.append(f"解除原因：{f['reason'] or '—'}")
    return lines


def certificate_pdf(stay) -> bytes:
    """解除集中观察证明 (reportlab, embedded CJK font from core.pdf)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from fangkong.core.pdf import cjk_font, wrap

    font = cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    c.setTitle("解除集中观察证明")
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 100, "解除集中观察证明")
    c.setFont(font, 12)
    c.drawRightString(width - 72, height - 130, f"编号：{stay.certificate_number}")
    y = height - 170

    def put(text, right=False):
        # A long reason wraps inside the margins; a long test list goes on to another page.
        nonlocal y
        for part in wrap(text, font, 12, width - 144):
            if y < 72:
                c.showPage()
                c.setFont(font, 12)
                y = height - 72 - 12  # the baseline: the characters' tops stay under the margin
            if right:
                c.drawRightString(width - 72, y, part)
            else:
                c.drawString(72, y, part)
            y -= 22

    for line in certificate_lines(stay):
        put(line)
    y -= 18
    put(f"{stay.site.name}（盖章）", right=True)
    put(f"{timezone.localdate():%Y年%m月%d日}", right=True)
    c.showPage()
    c.save()
    return buf.getvalue()
