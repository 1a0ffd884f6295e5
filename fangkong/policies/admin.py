from django.contrib import admin

from fangkong.core.admin import ReadOnlyAdminMixin

from .models import Policy, PolicyDefinition


@admin.register(PolicyDefinition)
class PolicyDefinitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "name_zh", "name_en", "value_type", "unit"]


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a new version goes through /policies/ or the API (preview, then confirm), which checks
    who may set it, closes the version it replaces, re-evaluates open orders and writes the change log."""

    list_display = ["definition", "version", "value", "effective_from", "effective_to", "area", "source"]
    list_filter = ["definition"]
    raw_id_fields = ["area"]
