from django.contrib import admin

from .models import Dormitory, Plan, Room, StaffMember, Violation, Workplace


@admin.register(Workplace)
class WorkplaceAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "area", "risk_grade", "open", "list_status"]
    list_filter = ["type", "risk_grade", "open", "list_status"]
    search_fields = ["name"]
    raw_id_fields = ["area", "place", "parent", "head_street_user", "safety_contact_user"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["workplace", "version", "source", "status", "approved_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["area", "workplace", "created_by", "approved_by"]
    exclude = ["file"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "workplace", "phone_masked", "shift", "active"]
    search_fields = ["name"]
    raw_id_fields = ["area", "workplace", "person", "room"]


@admin.register(Dormitory)
class DormitoryAdmin(admin.ModelAdmin):
    list_display = ["name", "workplace", "underground"]
    raw_id_fields = ["area", "workplace"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["number", "dormitory", "floor_area", "beds", "occupants", "bunks"]
    raw_id_fields = ["area", "dormitory"]


@admin.register(Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ["workplace", "room", "rule", "found_at", "resolved_at"]
    list_filter = ["rule"]
    raw_id_fields = ["area", "workplace", "room", "policy"]
