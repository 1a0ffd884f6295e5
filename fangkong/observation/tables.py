import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    Alert,
    HealthReport,
    ObservationOrder,
    Room,
    SickLeaveReport,
    SiteMember,
    SpecialNeed,
    Stay,
)


class OrderTable(tables.Table):
    person = tables.Column(
        linkify=("observation:order-detail", {"pk": tables.A("pk")}), verbose_name=_("resident")
    )
    area = tables.Column(verbose_name=_("household"))
    days_remaining = tables.Column(empty_values=(), verbose_name=_("days remaining"), orderable=False)

    class Meta:
        model = ObservationOrder
        fields = [
            "person",
            "area",
            "order_type",
            "reason",
            "start",
            "planned_end",
            "days_remaining",
            "status",
            "policy_version",
        ]
        attrs = {"class": "table", "id": "orders"}

    def render_days_remaining(self, record):
        return record.days_remaining(timezone.localdate()) if record.is_open else "—"

    def value_days_remaining(self, record):
        return record.days_remaining(timezone.localdate()) if record.is_open else ""


class AlertTable(tables.Table):
    person = tables.Column(
        accessor="order__person",
        verbose_name=_("resident"),
        linkify=("observation:order-detail", {"pk": tables.A("order_id")}),
    )
    actions = tables.TemplateColumn(
        template_name="observation/_alert_actions.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Alert
        fields = ["date", "kind", "person", "message", "status", "resolution"]
        attrs = {"class": "table", "id": "alerts"}


class ReportTable(tables.Table):
    person = tables.Column(
        accessor="order__person",
        verbose_name=_("resident"),
        linkify=("observation:order-detail", {"pk": tables.A("order_id")}),
    )
    symptoms = tables.Column(empty_values=(), orderable=False)
    needs = tables.Column(empty_values=(), orderable=False)

    class Meta:
        model = HealthReport
        fields = ["date", "person", "temperature", "symptoms", "needs", "needs_note", "reporter", "channel"]
        attrs = {"class": "table", "id": "reports"}

    def render_symptoms(self, record):
        return "、".join(record.symptom_labels()) or "—"

    def render_needs(self, record):
        return "、".join(record.need_labels()) or "—"

    def value_symptoms(self, record):
        return ", ".join(record.symptom_labels())

    def value_needs(self, record):
        return ", ".join(record.need_labels())


class SiteMemberTable(tables.Table):
    class Meta:
        model = SiteMember
        fields = ["site", "team", "name", "phone", "user"]
        attrs = {"class": "table", "id": "site-team"}


class RoomTable(tables.Table):
    occupied = tables.Column(verbose_name=_("occupied"), orderable=False, empty_values=())

    class Meta:
        model = Room
        fields = ["site", "floor", "number", "capacity", "occupied", "features", "active"]
        attrs = {"class": "table", "id": "rooms"}

    def render_occupied(self, record):
        return getattr(record, "occupied", "")

    def render_features(self, value):
        labels = dict(SpecialNeed.choices)
        return "、".join(str(labels.get(f, f)) for f in value)


class StayTable(tables.Table):
    person = tables.Column(
        accessor="order__person",
        verbose_name=_("resident"),
        linkify=("observation:stay-detail", {"pk": tables.A("pk")}),
    )
    special_needs = tables.Column(empty_values=(), orderable=False)

    class Meta:
        model = Stay
        fields = [
            "person",
            "site",
            "room",
            "checked_in_at",
            "special_needs",
            "outcome",
            "checked_out_at",
            "certificate_number",
        ]
        attrs = {"class": "table", "id": "stays"}

    def render_special_needs(self, record):
        return "、".join(record.special_need_labels()) or "—"


class SickLeaveTable(tables.Table):
    class Meta:
        model = SickLeaveReport
        fields = ["date", "workplace", "person_name", "phone_masked", "days", "person", "order"]
        attrs = {"class": "table", "id": "sick-leave"}
