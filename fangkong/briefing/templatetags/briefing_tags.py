"""One figure as the briefing pages show it (value, link, change, red mark, amendment): a tag, not an
{% include %} per cell — the dashboard has hundreds of cells."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def figure(c, area_id=None):
    classes = "figure" + (" red-line" if c["red"] else "") + (" amended" if c["amended"] else "")
    if c["link"]:
        value = format_html('<a href="{}" class="figure-value">{}</a>', c["link"], c["text"])
    else:
        value = format_html('<span class="figure-value">{}</span>', c["text"])
    parts = [value]
    if c["amended"]:
        parts.append(
            format_html(' <del class="was" title="{}">{}</del>', gettext("before the amendment"), c["was"])
        )
    if c["change_text"]:
        parts.append(
            format_html(
                ' <small class="change{}">{}</small>', " worse" if c["worse"] else "", c["change_text"]
            )
        )
    if c["red"]:
        parts.append(
            format_html(
                ' <small class="red-mark" title="{} {}">▲</small>',
                gettext("over the red line"),
                c["red_line"],
            )
        )
    area = format_html(' data-area="{}"', area_id) if area_id else ""
    return format_html(
        '<span class="{}" data-key="{}"{}>{}</span>', classes, c["key"], area, mark_safe("".join(parts))
    )
