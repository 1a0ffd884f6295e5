from django.contrib import admin

from .models import Policy, PolicyDefinition


@admin.register(PolicyDefinition)
class PolicyDefinitionAdmin(admin.ModelAdmin):
    list_display = ["key", "name_zh", "name_en", "value_type", "unit"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["definition", "version", "value", "effective_from", "effective_to", "area", "source"]
    list_filter = ["definition"]
    raw_id_fields = ["area"]

    def has_change_permission(self, request, obj=None):
        return False  # versions are immutable: add a new one
