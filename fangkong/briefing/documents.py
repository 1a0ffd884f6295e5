"""The briefing as a PDF in the form of a Chinese government briefing (red masthead, issuer, date, "截至…时",
numbered sections with their sentence, a table per street, a bar chart) and as an Excel workbook (a
sheet per section). Both render the same `selectors.report` the page shows."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from fangkong.core.excel import workbook_sheets_bytes

RED = "#c8161d"


def briefing_xlsx(data: dict) -> bytes:
    sheets = []
    b = data["briefing"]
    for s in data["sections"]:
        headers = [_("area"), *[c["label"] for c in s["headline"]]]
        change = _("change since the previous briefing")
        headers += [f"{c['label']}（{change}）" for c in s["headline"]]
        rows = [
            [
                data["headline_label"],
                *[c["value"] for c in s["headline"]],
                *[c["change"] for c in s["headline"]],
            ]
        ]
        for r in s["rows"]:
            rows.append(
                [r["area"].name, *[c["value"] for c in r["cells"]], *[c["change"] for c in r["cells"]]]
            )
        sheets.append((f"{s['numeral']}{s['title']}", headers, rows))
    sheets.append(
        (
            _("Briefing"),
            [_("date"), _("version"), _("figures as of"), _("area")],
            [[b.date, b.version, b.as_of, data["headline_label"]]],
        )
    )
    return workbook_sheets_bytes(sheets)


def _chart(section: dict, font: str, width: float):
    """A bar chart of the section's first figure by street (reportlab graphics)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    rows = section["rows"]
    if not rows or not section["headline"]:
        return None
    values = [r["cells"][0]["value"] for r in rows]
    d = Drawing(width, 170)
    d.add(String(0, 158, section["headline"][0]["label"], fontName=font, fontSize=9))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 40, width - 50, 105  # axis labels inside
    chart.data = [values]
    chart.bars[0].fillColor = colors.HexColor(RED)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.categoryAxis.categoryNames = [r["area"].name[:8] for r in rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    d.add(chart)
    return d


def _cell(text: str, style, inner: float):
    """A table cell whose number stays whole: reportlab's CJK wrapping breaks anywhere, "1234567" too, so
    the cell is wrapped by core.pdf.wrap (between Chinese characters, never inside a number) and its font
    shrinks until its widest number fits the column."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    from fangkong.core.pdf import _tokens, wrap

    widest = max((stringWidth(t, style.fontName, style.fontSize) for t in _tokens(text)), default=0)
    size = style.fontSize if widest <= inner else max(style.fontSize * inner / widest, 4)
    fitted = ParagraphStyle(f"{style.name}-{size:.2f}", parent=style, fontSize=size, leading=size * 1.25)
    lines = wrap(text, style.fontName, size, inner)
    return Paragraph("<br/>".join(escape(line) for line in lines), fitted)


def briefing_pdf(data: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from fangkong.core.pdf import cjk_font

    font = cjk_font()
    b = data["briefing"]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Briefing on the epidemic prevention and control work"),
    )
    width = A4[0] - 40 * mm
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    masthead = ParagraphStyle(
        "mast", parent=base, fontSize=24, leading=30, alignment=TA_CENTER, textColor=colors.HexColor(RED)
    )
    centre = ParagraphStyle("centre", parent=base, alignment=TA_CENTER)
    h2 = ParagraphStyle("h2", parent=base, fontSize=13, leading=20, spaceBefore=8)
    body = ParagraphStyle("body", parent=base, firstLineIndent=21)
    cellstyle = ParagraphStyle("cell", parent=base, fontSize=8, leading=10, wordWrap=None)

    story = [
        Paragraph(_("Epidemic prevention and control briefing"), masthead),
        Spacer(1, 4),
        Paragraph(
            _("Leadership group office of %(area)s · %(date)s · version %(version)s")
            % {"area": b.area.name, "date": f"{b.date:%Y-%m-%d}", "version": b.version},
            centre,
        ),
        HRFlowable(width="100%", thickness=2, color=colors.HexColor(RED), spaceBefore=4, spaceAfter=8),
        Paragraph(
            _("Briefing on the epidemic prevention and control work"),
            ParagraphStyle("t", parent=base, fontSize=15, leading=22, alignment=TA_CENTER),
        ),
        Paragraph(
            _("Figures as of %(t)s") % {"t": data["as_of_text"]} + f" · {data['headline_label']}", centre
        ),
    ]
    if b.version > 1:
        story.append(
            Paragraph(
                _("Amended, version %(v)s") % {"v": b.version} + (f"：{b.reason}" if b.reason else ""),
                ParagraphStyle("am", parent=centre, textColor=colors.HexColor("#b36b00")),
            )
        )
    story.append(Spacer(1, 6))
    for s in data["sections"]:
        story.append(Paragraph(f"{s['numeral']}{s['title']}", h2))
        if s["sentence"]:
            story.append(Paragraph(s["sentence"], body))
        n = len(s["columns"]) + 1
        first = 26 * mm
        widths = [first] + [(width - first) / max(n - 1, 1)] * (n - 1)

        def para(text, col, widths=widths):
            return _cell(str(text), cellstyle, widths[col] - 12)  # less the default padding

        head = [para(_("area"), 0), *[para(c, i) for i, c in enumerate(s["columns"], start=1)]]

        def cells(cs, para=para):
            out = []
            for i, c in enumerate(cs, start=1):
                text = str(c["text"])
                if c["change_text"]:
                    text += f" ({c['change_text']})"
                if c["amended"]:
                    text += " ※" + _("was %s") % c["was"]
                out.append(para(text, i))
            return out

        rows = [head, [para(data["headline_label"], 0), *cells(s["headline"])]]
        for r in s["rows"]:
            rows.append([para(r["area"].name, 0), *cells(r["cells"])])
        table = Table(rows, colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e3e3")),
            ("BACKGROUND", (0, 1), (-1, 1), colors.HexColor("#f7f7f7")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for ri, cs in enumerate([s["headline"], *[r["cells"] for r in s["rows"]]], start=1):
            for ci, c in enumerate(cs, start=1):
                if c["red"]:
                    style.append(("TEXTCOLOR", (ci, ri), (ci, ri), colors.HexColor(RED)))
                if c["amended"]:
                    style.append(("BACKGROUND", (ci, ri), (ci, ri), colors.HexColor("#fff3bf")))
        table.setStyle(TableStyle(style))
        story.append(table)
        chart = _chart(s, font, width)
        if chart is not None:
            story.append(chart)
    items = data["items"] + data["carried"]
    if items:
        story.append(Paragraph(_("Decisions and tasks of the meeting"), h2))
        for it in items:
            line = f"{it.get_kind_display()}：{it.text}（{it.area.name}"
            if it.deadline:
                line += f"，{_('deadline')} {it.deadline:%Y-%m-%d}"
            if it.kind == "task":
                line += f"，{it.get_state_display()}"
            story.append(Paragraph(line + "）", body))

    doc.build(story)
    return buf.getvalue()
