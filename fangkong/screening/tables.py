import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Box, Campaign, LabImport, RetestItem, TargetPerson, TransferTask


class CampaignTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=pgettext_lazy("not a person", "name"))
    area = tables.Column(verbose_name=_("area"))

    class Meta:
        model = Campaign
        fields = ["name", "area", "state", "regime", "pool_size", "starts", "ends"]
        attrs = {"class": "table", "id": "campaigns"}


class BoxTable(tables.Table):
    code = tables.Column(linkify=True, verbose_name=_("box code"))
    tube_count = tables.Column(empty_values=(), orderable=False, verbose_name=_("tubes"))

    class Meta:
        model = Box
        fields = ["code", "campaign", "site", "lab", "state", "tube_count", "created_at"]
        attrs = {"class": "table", "id": "boxes"}

    def render_tube_count(self, record):
        return record.tubes.count()

    def value_tube_count(self, record):
        return record.tubes.count()


class RetestTable(tables.Table):
    person = tables.Column(verbose_name=_("resident"))
    area = tables.Column(verbose_name=_("household"))
    tube = tables.Column(verbose_name=_("positive tube"))
    done = tables.TemplateColumn(
        template_name="screening/_retest_action.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = RetestItem
        fields = ["community", "person", "area", "tube", "done_at", "done"]
        attrs = {"class": "table", "id": "retests"}


class TransferTable(tables.Table):
    person = tables.Column(verbose_name=_("resident"))
    source = tables.Column(verbose_name=pgettext_lazy("origin", "source"), orderable=False)
    done = tables.TemplateColumn(
        template_name="screening/_transfer_action.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = TransferTask
        fields = ["person", "area", "source", "deadline", "state", "done_at", "done"]
        attrs = {"class": "table", "id": "transfers"}

    def render_source(self, record):
        return record.source_label()

    def value_source(self, record):
        return record.source_label()


class UntestedTable(tables.Table):
    person = tables.Column(verbose_name=_("resident"))
    area = tables.Column(verbose_name=_("household"))
    phone = tables.Column(accessor="person__phone_masked", verbose_name=_("phone"))
    reason = tables.TemplateColumn(
        template_name="screening/_reason_form.html",
        verbose_name=_("record a reason"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = TargetPerson
        fields = ["person", "area", "phone", "state", "reason_note", "reason"]
        attrs = {"class": "table", "id": "untested"}


class LabImportTable(tables.Table):
    filename = tables.Column(
        linkify=("screening:lab-import-detail", {"pk": tables.A("pk")}), verbose_name=_("file name")
    )

    class Meta:
        model = LabImport
        fields = ["filename", "created_at", "rows", "applied", "unchanged", "ok", "by"]
        attrs = {"class": "table", "id": "lab-imports"}
