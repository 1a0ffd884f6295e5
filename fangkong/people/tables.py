import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import ImportBatch, Person, VulnerableEntry


class PersonTable(tables.Table):
    """Lists and exports show only masked numbers: the clear value needs a logged reveal."""

    name = tables.Column(linkify=("people:person-detail", {"pk": tables.A("pk")}))
    birth_date = tables.DateColumn(format="Y-m-d")
    id_masked = tables.Column(verbose_name=_("document number"))
    phone_masked = tables.Column(verbose_name=_("phone"))
    area = tables.Column(
        verbose_name=_("household"),
        accessor="area__name",
        linkify=("people:household", {"pk": tables.A("area_id")}),
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "sex",
            "birth_date",
            "id_masked",
            "phone_masked",
            "person_type",
            "relation",
            "area",
            "return_status",
            "status",
        ]
        attrs = {"class": "table", "id": "people-table"}
        row_attrs = {"data-id": lambda record: record.pk}


class VulnerableEntryTable(tables.Table):
    person = tables.Column(
        verbose_name=_("resident"),
        accessor="person__name",
        linkify=("people:person-detail", {"pk": tables.A("person_id")}),
    )
    area = tables.Column(verbose_name=_("household"), accessor="area__name")
    category = tables.Column(linkify=("people:entry-detail", {"pk": tables.A("pk")}))
    phone = tables.Column(verbose_name=_("phone"), accessor="person__phone_masked")
    last_visit = tables.Column(verbose_name=_("last visit"), empty_values=(), orderable=False)

    class Meta:
        model = VulnerableEntry
        fields = ["person", "category", "area", "phone", "responsible_name", "needs", "last_visit", "active"]
        attrs = {"class": "table", "id": "ledger-table"}

    def render_last_visit(self, record):
        visits = list(record.visits.all())
        return f"{visits[0].date:%Y-%m-%d} {visits[0].get_channel_display()}" if visits else "—"

    def value_last_visit(self, record):
        return self.render_last_visit(record)


class ImportBatchTable(tables.Table):
    filename = tables.Column(linkify=("people:import-detail", {"pk": tables.A("pk")}))
    area = tables.Column(verbose_name=_("within area"), accessor="area__name")
    created_at = tables.DateTimeColumn(verbose_name=_("uploaded at"), format="Y-m-d H:i")

    class Meta:
        model = ImportBatch
        fields = ["filename", "area", "state", "row_count", "created_by", "created_at"]
        attrs = {"class": "table", "id": "import-table"}
        empty_text = _("No imports.")
