import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import ChangeLog, SensitiveAccess


class ChangeLogTable(tables.Table):
    time = tables.DateTimeColumn(format="Y-m-d H:i:s", linkify=True)
    user_name = tables.Column(verbose_name=_("user"))
    content_type = tables.Column(verbose_name=_("object type"))

    def render_message(self, record):
        return record.message_text()

    class Meta:
        model = ChangeLog
        fields = ["time", "user_name", "action", "content_type", "object_repr", "message", "request_id"]
        attrs = {"class": "table"}


class AccessLogTable(tables.Table):
    time = tables.DateTimeColumn(format="Y-m-d H:i:s")

    class Meta:
        model = SensitiveAccess
        fields = ["time", "user", "object_repr", "field", "reason", "request_id"]
        attrs = {"class": "table"}
