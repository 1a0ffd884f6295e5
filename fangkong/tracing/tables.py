import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Case, Cluster, Contact, RiskArea, ScreeningTask


class CaseTable(tables.Table):
    number = tables.Column(
        accessor="pk", verbose_name=_("case"), linkify=("tracing:case-detail", {"pk": tables.A("pk")})
    )
    person = tables.Column(verbose_name=_("resident"))
    area = tables.Column(verbose_name=_("household"))

    class Meta:
        model = Case
        fields = [
            "number",
            "person",
            "area",
            "classification",
            "severity",
            "whereabouts",
            "onset_date",
            "sample_date",
            "lab",
            "transfer_deadline",
            "cluster",
        ]
        attrs = {"class": "table", "id": "cases"}

    def render_number(self, record):
        return record.number

    def value_number(self, record):
        return record.number


class ContactTable(tables.Table):
    person = tables.Column(
        verbose_name=_("resident"), linkify=("tracing:contact-detail", {"pk": tables.A("pk")})
    )
    area = tables.Column(verbose_name=_("household"))
    order = tables.Column(verbose_name=_("observation order"), linkify=True)

    class Meta:
        model = Contact
        fields = ["person", "area", "kind", "state", "degree", "overlap_minutes", "order", "decided_at"]
        attrs = {"class": "table", "id": "contacts"}


class TaskTable(tables.Table):
    person = tables.Column(verbose_name=_("resident"))
    area = tables.Column(verbose_name=_("household"))
    why = tables.Column(accessor="evidence", verbose_name=_("why listed"), orderable=False)
    done = tables.TemplateColumn(
        template_name="tracing/_task_done.html", verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = ScreeningTask
        fields = ["person", "area", "risk_area", "action", "why", "state", "created_at"]
        attrs = {"class": "table", "id": "tasks"}

    def render_why(self, value):
        return f"{value.get('place', '')} {value.get('at', '')}"

    def value_why(self, value):
        return f"{value.get('place', '')} {value.get('at', '')}"


class ClusterTable(tables.Table):
    name = tables.Column(linkify=True)
    area = tables.Column()
    cases = tables.Column(accessor="n_cases", verbose_name=_("cases"))

    class Meta:
        model = Cluster
        fields = ["name", "area", "cases", "created_at"]
        attrs = {"class": "table", "id": "clusters"}


class RiskAreaTable(tables.Table):
    where = tables.Column(accessor="pk", verbose_name=_("where"), orderable=False)
    run = tables.TemplateColumn(
        template_name="tracing/_riskarea_run.html", verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = RiskArea
        fields = ["where", "level", "valid_from", "valid_to", "source"]
        attrs = {"class": "table", "id": "risk-areas"}

    def render_where(self, record):
        return str(record.place or record.area.full_name() if record.area else record.place or record.region)

    def value_where(self, record):
        return self.render_where(record)
