"""Template helpers of the design system: status badges and flagged rows (fangkong.css)."""

from django import template
from django.utils.html import format_html

from fangkong.core.badges import STATUS_FIELDS, tone

register = template.Library()


@register.simple_tag
def badge(value, label=None):
    """<span class="badge badge-{tone}">label</span> for a stored status code."""
    if value in (None, ""):
        return label or ""
    return format_html(
        '<span class="badge badge-{}" data-status="{}">{}</span>', tone(value), value, label or value
    )


@register.simple_tag
def status_cell(column, record, cell):
    """A table cell: a status column's choice becomes a badge; any other cell is left as it is."""
    name = getattr(column, "name", "")
    if name not in STATUS_FIELDS or record is None:
        return cell
    try:
        field = record._meta.get_field(name)
    except Exception:  # a computed column of that name
        return cell
    if not getattr(field, "choices", None):
        return cell
    return badge(getattr(record, name, None), cell)


@register.simple_tag
def row_flags(record) -> str:
    """'overdue urgent' for a record that says so (an `overdue`/`is_overdue`/`urgent` attribute)."""
    flags = []
    for flag, attrs in (("overdue", ("overdue", "is_overdue")), ("urgent", ("urgent", "is_urgent"))):
        for attr in attrs:
            try:
                value = getattr(record, attr, False)
            except Exception:  # a property that needs what the list did not load
                value = False
            if callable(value):
                continue
            if value is True:
                flags.append(flag)
                break
    return " ".join(flags)
