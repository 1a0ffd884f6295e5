"""Tables of the hotline's proactive tasks and integrations."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Integration, ProactiveTask


class ProactiveTaskTable(tables.Table):
    keyword = tables.Column(
        linkify=("hotline:proactive-detail", {"pk": tables.A("pk")}), verbose_name=_("keyword")
    )
    area = tables.Column(verbose_name=_("community / village"))

    class Meta:
        model = ProactiveTask
        fields = ["keyword", "category", "area", "order_count", "status", "window_end", "updated_at"]
        empty_text = _("No recurring complaints found.")


class IntegrationTable(tables.Table):
    name = tables.Column(verbose_name=pgettext_lazy("not a person", "name"))
    area = tables.Column(verbose_name=_("files into (street or community)"))
    key_prefix = tables.Column(verbose_name=_("key prefix"))
    revoke = tables.TemplateColumn(
        template_name="hotline/_integration_revoke.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Integration
        fields = ["name", "area", "key_prefix", "active", "created_at", "last_used_at", "revoked_at"]
        empty_text = _("No integrations yet.")
