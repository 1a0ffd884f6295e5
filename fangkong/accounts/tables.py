import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import User


class UserTable(tables.Table):
    username = tables.Column(linkify=("accounts:user-detail", {"pk": tables.A("pk")}))
    scopes = tables.Column(empty_values=(), verbose_name=_("scopes"), orderable=False)

    class Meta:
        model = User
        fields = ["username", "display_name", "phone", "language", "is_active", "last_login"]
        sequence = ["username", "display_name", "scopes", "..."]
        attrs = {"class": "table"}

    def render_scopes(self, record):
        return "；".join(f"{s.role} @ {s.area}" for s in record.scopes.all() if s.active)

    def value_scopes(self, record):
        return self.render_scopes(record)
