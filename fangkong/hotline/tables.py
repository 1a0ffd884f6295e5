import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.templatetags.looks import badge

from .models import Unit, WorkOrder
from .selectors import deadline_state


class OrderTable(tables.Table):
    number = tables.Column(
        accessor="pk",
        verbose_name=_("work order"),
        linkify=("hotline:order-detail", {"pk": tables.A("pk")}),
        order_by=("city_number",),
    )
    area = tables.Column(verbose_name=_("area"))
    deadline = tables.Column(empty_values=(), verbose_name=_("deadline"), orderable=False)

    class Meta:
        model = WorkOrder
        fields = [
            "number",
            "received_at",
            "channel",
            "category",
            "urgency",
            "area",
            "status",
            "deadline",
            "resolve_due",
            "rating",
        ]
        attrs = {"class": "table", "id": "orders"}
        row_attrs = {
            "data-flag": lambda record: deadline_state(record),
            "class": lambda record: deadline_state(record),
        }

    def render_number(self, record):
        return str(record)

    def value_number(self, record):
        return str(record)

    def render_status(self, record):
        return badge(record.status, record.get_status_display())

    def render_deadline(self, record):
        state = deadline_state(record)
        if not state:
            return "—"
        label = {"overdue": _("overdue"), "due_soon": _("about to be overdue"), "paused": _("clock paused")}[
            state
        ]
        return badge(state, label)

    def value_deadline(self, record):
        return deadline_state(record) or ""

    def render_received_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_resolve_due(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class UnitTable(tables.Table):
    members = tables.Column(empty_values=(), verbose_name=_("members"), orderable=False)

    class Meta:
        model = Unit
        fields = ["name", "kind", "area", "phone", "members", "active"]
        attrs = {"class": "table", "id": "units"}

    def render_members(self, record):
        return "、".join(u.display_name or u.username for u in record.members.all()) or "—"

    def value_members(self, record):
        return self.render_members(record)
