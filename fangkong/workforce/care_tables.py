import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import CareIssue, Insurance, RestDay, Worker, WorkerHealthReport


class InsuranceTable(tables.Table):
    worker = tables.Column(verbose_name=_("worker"))
    area = tables.Column(verbose_name=_("community"))

    class Meta:
        model = Insurance
        fields = ["worker", "area", "insurer", "policy_number", "start", "end"]
        attrs = {"class": "table", "id": "insurances"}


class CareIssueTable(tables.Table):
    post = tables.Column(verbose_name=_("post"))
    area = tables.Column(verbose_name=_("community"))
    issued_by = tables.Column(verbose_name=_("issued by"))

    class Meta:
        model = CareIssue
        fields = ["date", "post", "area", "meals", "masks", "suits", "gloves", "issued_by"]
        attrs = {"class": "table", "id": "care-issues"}


class RestDayTable(tables.Table):
    worker = tables.Column(verbose_name=_("worker"))

    class Meta:
        model = RestDay
        fields = ["date", "worker", "area", "taken"]
        attrs = {"class": "table", "id": "rest-days"}


class WorkerCareTable(tables.Table):
    name = tables.Column(verbose_name=_("worker"))
    area = tables.Column(verbose_name=_("community"))
    duty_days = tables.Column(verbose_name=_("days on duty"), orderable=True)
    rest_due = tables.Column(verbose_name=_("rest days due"))
    rest_taken = tables.Column(verbose_name=_("rest days taken"))
    rest_overdue = tables.Column(verbose_name=_("rest days overdue"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Worker
        fields = [
            "name",
            "kind",
            "area",
            "home_unit",
            "health_status",
            "duty_days",
            "rest_due",
            "rest_taken",
            "rest_overdue",
        ]
        attrs = {"class": "table", "id": "worker-care"}
        row_attrs = {"class": lambda record: "overdue" if getattr(record, "rest_overdue", 0) else ""}


class HealthReportTable(tables.Table):
    worker = tables.Column(verbose_name=_("worker"))
    symptoms = tables.Column(verbose_name=_("symptoms"), orderable=False)

    class Meta:
        model = WorkerHealthReport
        fields = ["date", "worker", "area", "temperature", "symptoms", "fever", "flagged"]
        attrs = {"class": "table", "id": "worker-health"}
        row_attrs = {"class": lambda record: "overdue" if record.flagged else ""}

    def render_symptoms(self, record):
        return "、".join(record.symptom_labels()) or "—"

    def value_symptoms(self, record):
        return "、".join(record.symptom_labels())
