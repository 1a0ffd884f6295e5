from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from fangkong.core.admin import ReadOnlyAdminMixin

from .models import Role, Scope, User


class ScopeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Read-only: scopes change through /users/ (accounts.services), which checks the rules, refreshes
    the user's grants and writes the change log."""

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
class RoleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: roles come from accounts/roles.py (`roles_sync`, run by migrate), which also refreshes
    every user's grants; an edit here would be overwritten and would not reach cached grants."""

    filter_horizontal = ["permissions"]
