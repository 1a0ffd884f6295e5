from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ChangeLog, SensitiveAccess


class ReadOnlyAdminMixin:
    """Admin pages of records whose writes go through services (rules, versions, change log): the admin
    shows them but cannot add, edit or delete around those services. Works on ModelAdmin and inlines."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    list_display = [
        "time",
        "user_name",
        "action",
        "content_type",
        "object_repr",
        "message_shown",
        "request_id",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "request_id", "user_name"]

    @admin.display(description=_("message"))
    def message_shown(self, obj):
        return obj.message_text()  # the stored msgid in the reader's language, like the change-log page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(ChangeLogAdmin):
    list_display = ["time", "user", "object_repr", "field", "reason"]
    list_filter = ["field"]
    search_fields = ["object_repr", "reason"]
