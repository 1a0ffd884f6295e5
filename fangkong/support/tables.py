import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Closure, Request


class ClosureTable(tables.Table):
    name = tables.Column(linkify=("support:closure-detail", {"pk": tables.A("pk")}))
    area = tables.Column(verbose_name=_("area"))
    state = tables.Column(empty_values=(), orderable=False, verbose_name=_("state"))

    class Meta:
        model = Closure
        fields = [
            "name",
            "area",
            "start",
            "ended_at",
            "state",
            "affected",
            "vulnerable",
            "observed",
            "unreachable",
        ]
        attrs = {"class": "table", "id": "closures"}

    def render_state(self, record):
        return pgettext_lazy("closure state", "open") if record.is_open else _("ended")

    def value_state(self, record):
        return str(pgettext_lazy("closure state", "open") if record.is_open else _("ended"))


class RequestTable(tables.Table):
    id = tables.Column(linkify=("support:request-detail", {"pk": tables.A("pk")}), verbose_name="#")
    area = tables.Column(verbose_name=_("household"))
    assignee = tables.Column(verbose_name=_("assigned to"))
    deadline = tables.DateTimeColumn(format="m-d H:i")

    class Meta:
        model = Request
        fields = [
            "id",
            "kind",
            "area",
            "state",
            "source",
            "vulnerable",
            "urgent",
            "deadline",
            "assignee",
            "created_at",
            "delivered_at",
            "rating",
        ]
        attrs = {"class": "table", "id": "requests"}
        row_attrs = {
            "class": lambda record: " ".join(
                c
                for c, on in (
                    ("overdue", record.overdue),
                    ("vulnerable", record.vulnerable),
                    ("urgent", record.urgent),
                )
                if on
            )
        }

    def render_deadline(self, record, value):
        text = timezone.localtime(value).strftime("%m-%d %H:%M")
        if record.overdue:
            return format_html('<strong class="overdue-mark">{} ⚠ {}</strong>', text, _("overdue"))
        return text
