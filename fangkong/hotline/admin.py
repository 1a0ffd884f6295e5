"""Read-only admin: every write goes through the services (they audit and keep the clock right)."""

from django.contrib import admin

from .models import Dispatch, HandlingEntry, Unit, WorkOrder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "area", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "channel", "category", "status", "area", "received_at", "response_due"]
    list_filter = ["channel", "category", "status", "urgency", "rating"]
    search_fields = ["city_number", "address"]
    date_hierarchy = "received_at"


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["order", "unit", "handler", "lead", "at", "returned_at", "withdrawn_at"]


@admin.register(HandlingEntry)
class HandlingEntryAdmin(ReadOnlyAdmin):
    list_display = ["order", "kind", "by", "at"]
    list_filter = ["kind"]
