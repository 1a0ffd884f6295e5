from django.contrib import admin

from .models import (
    Assignment,
    Attendance,
    CareIssue,
    DeploymentRequest,
    Insurance,
    RegistrationLink,
    RestDay,
    Worker,
)


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "home_unit", "status", "health_status", "area", "phone_masked"]
    list_filter = ["kind", "level", "status", "health_status"]
    search_fields = ["name", "home_unit"]
    raw_id_fields = ["area", "user", "person", "registration_link", "reviewed_by"]
    readonly_fields = ["area_path", "id_masked", "phone_masked"]


@admin.register(RegistrationLink)
class RegistrationLinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "area", "expires_at", "revoked_at"]
    list_filter = ["kind"]
    raw_id_fields = ["area", "created_by", "revoked_by"]
    readonly_fields = ["area_path", "token"]


@admin.register(DeploymentRequest)
class DeploymentRequestAdmin(admin.ModelAdmin):
    list_display = ["area", "count", "start", "end", "status"]
    list_filter = ["status"]
    raw_id_fields = ["area", "created_by"]
    readonly_fields = ["area_path"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["worker", "area", "duty", "start", "end"]
    list_filter = ["duty"]
    raw_id_fields = ["worker", "area", "request", "assigned_by"]
    readonly_fields = ["area_path"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["worker", "shift", "checked_in_at", "checked_out_at", "late", "source"]
    list_filter = ["late", "source"]
    raw_id_fields = ["worker", "shift", "area"]
    readonly_fields = ["area_path"]


@admin.register(Insurance)
class InsuranceAdmin(admin.ModelAdmin):
    list_display = ["worker", "insurer", "policy_number", "start", "end"]
    search_fields = ["policy_number", "insurer"]
    raw_id_fields = ["worker", "area"]
    readonly_fields = ["area_path"]


@admin.register(CareIssue)
class CareIssueAdmin(admin.ModelAdmin):
    list_display = ["date", "post", "meals", "masks", "suits", "gloves"]
    raw_id_fields = ["post", "area", "issued_by"]
    readonly_fields = ["area_path"]


@admin.register(RestDay)
class RestDayAdmin(admin.ModelAdmin):
    list_display = ["worker", "date", "taken"]
    list_filter = ["taken"]
    raw_id_fields = ["worker", "area"]
    readonly_fields = ["area_path"]
