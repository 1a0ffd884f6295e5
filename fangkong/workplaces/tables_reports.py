"""Tables of zero reports, missing alerts, report links, inspections and ledger items."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Inspection, LedgerItem, MissingReportAlert, ReportLink, Workplace, ZeroReport


class ZeroReportTable(tables.Table):
    date = tables.Column(linkify=("workplaces:zeroreport-detail", {"pk": tables.A("pk")}))
    onsite = tables.Column(empty_values=(), verbose_name=_("on site %"), orderable=False)

    class Meta:
        model = ZeroReport
        fields = [
            "date",
            "workplace",
            "staff_total",
            "staff_on_site",
            "onsite",
            "absent_sick",
            "arrivals_outside",
            "temperature_checked",
            "disinfected",
            "revision",
            "channel",
        ]
        attrs = {"class": "table", "id": "zero-reports"}

    def render_onsite(self, record):
        pct = record.onsite_pct
        return "—" if pct is None else f"{pct}%"

    def value_onsite(self, record):
        return record.onsite_pct


class MissingReportTable(tables.Table):
    class Meta:
        model = MissingReportAlert
        fields = ["date", "workplace", "area", "deadline", "resolved_at"]
        attrs = {"class": "table", "id": "missing-reports"}


class ReportLinkTable(tables.Table):
    workplace = tables.Column()
    qr = tables.Column(empty_values=(), verbose_name=_("QR code"), orderable=False, exclude_from_export=True)

    class Meta:
        model = ReportLink
        fields = ["workplace", "expires_at", "revoked_at", "created_by", "qr"]
        attrs = {"class": "table", "id": "report-links"}

    def render_qr(self, record):
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>', reverse("workplaces:reportlink-detail", args=[record.pk]), _("Show")
        )


class InspectionTable(tables.Table):
    at = tables.Column(linkify=("workplaces:inspection-detail", {"pk": tables.A("pk")}))
    failed = tables.Column(empty_values=(), verbose_name=_("items failed"), orderable=False)

    class Meta:
        model = Inspection
        fields = ["at", "workplace", "inspector", "failed"]
        attrs = {"class": "table", "id": "inspections"}

    def render_failed(self, record):
        return len(record.failed)

    def value_failed(self, record):
        return len(record.failed)


class LedgerItemTable(tables.Table):
    finding = tables.Column(linkify=("workplaces:ledger-detail", {"pk": tables.A("pk")}))

    class Meta:
        model = LedgerItem
        fields = ["finding", "workplace", "deadline", "responsible", "status", "escalated_at"]
        attrs = {"class": "table", "id": "ledger"}
        row_attrs = {"class": lambda record: "overdue" if record.overdue else ""}


class ReportDueTable(tables.Table):
    name = tables.Column(linkify=("workplaces:report-file", {"pk": tables.A("pk")}))

    class Meta:
        model = Workplace
        fields = ["name", "type", "area", "safety_contact_name", "staff_count"]
        attrs = {"class": "table", "id": "reports-due"}
