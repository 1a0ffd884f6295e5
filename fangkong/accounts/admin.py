from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Role, Scope, User


class ScopeInline(admin.TabularInline):
    model = Scope
    raw_id_fields = ["area"]
    extra = 0
    exclude = ["area_path"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [*BaseUserAdmin.fieldsets, ("Fangkong", {"fields": ["display_name", "phone", "language"]})]
    list_display = ["username", "display_name", "is_active", "is_superuser"]
    inlines = [ScopeInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    filter_horizontal = ["permissions"]
