import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import FollowUp, Pass, Post, PostShift, ReturneeNotice, ScanEvent, Seal


class ScanTable(tables.Table):
    scanned_at = tables.DateTimeColumn(format="Y-m-d H:i")
    place = tables.Column(verbose_name=_("place"))
    person = tables.Column(verbose_name=_("resident"))
    reasons = tables.Column(verbose_name=_("reasons"), orderable=False, empty_values=())

    class Meta:
        model = ScanEvent
        fields = [
            "scanned_at",
            "place",
            "person",
            "entered_masked",
            "temperature",
            "direction",
            "verdict",
            "reasons",
            "volunteer",
        ]
        attrs = {"class": "table"}
        row_attrs = {"data-verdict": lambda record: record.verdict}

    def render_reasons(self, record):
        return "；".join(record.reason_texts())

    def value_reasons(self, record):
        return "；".join(record.reason_texts())


class PassTable(tables.Table):
    number = tables.Column(linkify=True)
    person = tables.Column(verbose_name=_("resident"))
    valid_from = tables.DateColumn(format="Y-m-d")
    valid_to = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Pass
        fields = ["number", "person", "valid_from", "valid_to", "revoked_at", "issued_by"]
        attrs = {"class": "table"}


class ReturneeTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = ReturneeNotice
        fields = [
            "tracking_code",
            "name",
            "id_masked",
            "travel_from",
            "arrival_date",
            "submitted_by",
            "stage",
            "decision",
            "landlord_name",
            "created_at",
        ]
        attrs = {"class": "table"}


class FollowUpTable(tables.Table):
    person = tables.Column(verbose_name=_("resident"))
    reason = tables.Column(verbose_name=_("reason"))
    contacted_at = tables.DateTimeColumn(format="Y-m-d H:i")
    inspected_at = tables.DateTimeColumn(format="Y-m-d H:i")
    closed_at = tables.DateTimeColumn(format="Y-m-d H:i")
    notes = tables.Column(verbose_name=_("notes"), orderable=False)
    # The next step, worked from the list: forms rendered with the page's CSRF token.
    actions = tables.TemplateColumn(
        template_name="gates/_followup_actions.html",
        verbose_name=_("next step"),
        orderable=False,
        empty_values=(),
        exclude_from_export=True,
    )

    class Meta:
        model = FollowUp
        fields = [
            "created_at",
            "person",
            "place",
            "reason",
            "landlord_name",
            "landlord_phone_masked",
            "status",
            "contacted_at",
            "inspected_at",
            "closed_at",
            "notes",
            "notice",
            "actions",
        ]
        attrs = {"class": "table", "id": "follow-ups"}
        row_attrs = {"data-status": lambda record: record.status}

    def render_reason(self, value):
        from .verdicts import reason_text

        return reason_text(value)


class SealTable(tables.Table):
    slip_number = tables.Column(linkify=True)
    area = tables.Column(verbose_name=_("home"))
    checks = tables.Column(verbose_name=_("last check"), empty_values=(), orderable=False)

    class Meta:
        model = Seal
        fields = ["slip_number", "area", "reason", "sealed_by", "sealed_at", "removed_at"]
        sequence = ["slip_number", "area", "reason", "sealed_by", "sealed_at", "checks", "removed_at"]
        attrs = {"class": "table"}

    def render_checks(self, record):
        last = record.checks.first()
        return f"{last.get_result_display()} {last.checked_at:%Y-%m-%d}" if last else "—"

    def value_checks(self, record):
        return self.render_checks(record)


class PostTable(tables.Table):
    class Meta:
        model = Post
        fields = ["name", "kind", "place", "active"]
        attrs = {"class": "table"}


class ShiftTable(tables.Table):
    class Meta:
        model = PostShift
        fields = ["post", "volunteer", "start", "end"]
        attrs = {"class": "table"}
