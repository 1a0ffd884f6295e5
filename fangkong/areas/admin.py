from django.contrib import admin

from .models import Area, Place


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "kind", "path", "numchild"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "code", "path"]
    readonly_fields = ["path", "depth", "parent", "numchild"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    raw_id_fields = ["area"]
