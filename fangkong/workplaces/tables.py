import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from . import rules as R
from .models import Plan, Room, StaffMember, Violation, Workplace


class WorkplaceTable(tables.Table):
    name = tables.Column(linkify=("workplaces:workplace-detail", {"pk": tables.A("pk")}))
    area = tables.Column(verbose_name=_("area"))
    open_violations = tables.Column(verbose_name=_("open violations"), orderable=True)

    class Meta:
        model = Workplace
        fields = [
            "name",
            "type",
            "area",
            "parent",
            "staff_count",
            "risk_grade",
            "open",
            "list_status",
            "safety_contact_name",
            "open_violations",
        ]
        attrs = {"class": "table", "id": "workplaces"}


class PlanTable(tables.Table):
    workplace = tables.Column(linkify=("workplaces:workplace-detail", {"pk": tables.A("workplace_id")}))
    filename = tables.Column(linkify=("workplaces:plan-file", {"pk": tables.A("pk")}), verbose_name=_("file"))

    class Meta:
        model = Plan
        fields = ["workplace", "version", "source", "filename", "status", "submitted_at", "approved_at"]
        attrs = {"class": "table", "id": "plans"}


class StaffTable(tables.Table):
    workplace = tables.Column(linkify=("workplaces:workplace-detail", {"pk": tables.A("workplace_id")}))
    matched = tables.BooleanColumn(
        accessor="person_id", verbose_name=_("matched to the registry"), orderable=False
    )

    class Meta:
        model = StaffMember
        fields = [
            "name",
            "workplace",
            "phone_masked",
            "id_masked",
            "position",
            "shift",
            "room",
            "matched",
            "active",
        ]
        attrs = {"class": "table", "id": "staff"}

    def render_shift(self, record):
        return record.shift_label

    def value_shift(self, record):
        return record.shift_label

    def render_matched(self, value):
        return "✓" if value else "—"

    def value_matched(self, value):
        return "✓" if value else ""


class RoomTable(tables.Table):
    workplace = tables.Column(linkify=("workplaces:workplace-detail", {"pk": tables.A("workplace_id")}))
    number = tables.Column(linkify=("workplaces:room-edit", {"pk": tables.A("pk")}))
    underground = tables.BooleanColumn(accessor="dormitory__underground", verbose_name=_("underground"))
    open_violations = tables.Column(verbose_name=_("open violations"))

    class Meta:
        model = Room
        fields = [
            "workplace",
            "dormitory",
            "number",
            "floor",
            "floor_area",
            "beds",
            "occupants",
            "bunks",
            "underground",
            "open_violations",
        ]
        attrs = {"class": "table", "id": "rooms"}


class ViolationTable(tables.Table):
    workplace = tables.Column(linkify=("workplaces:workplace-detail", {"pk": tables.A("workplace_id")}))
    rule = tables.Column(verbose_name=_("rule"))
    found = tables.Column(accessor="value", verbose_name=_("found"))
    policy = tables.Column(verbose_name=_("policy version"))

    class Meta:
        model = Violation
        fields = ["workplace", "room", "rule", "found", "limit", "policy", "found_at", "resolved_at"]
        attrs = {"class": "table", "id": "violations"}
        row_attrs = {"class": lambda record: "urgent" if record.resolved_at is None else ""}

    def render_rule(self, value):
        return R.RULE_LABELS.get(value, value)

    def value_rule(self, value):
        return str(R.RULE_LABELS.get(value, value))

    def render_policy(self, value):
        return f"v{value.version} · {value.source}"

    def value_policy(self, value):
        return f"v{value.version} {value.source}"
