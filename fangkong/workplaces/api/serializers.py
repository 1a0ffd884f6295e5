from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField

from ..models import Dormitory, Plan, Room, StaffMember, Violation, Workplace


class WorkplaceSerializer(ScopedModelSerializer):
    address = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    parent = ScopedRelatedField(
        "workplaces.building", queryset=Workplace.objects.all(), required=False, allow_null=True
    )
    safety_contact_user = ScopedRelatedField("accounts.user", read_only=True)

    class Meta:
        model = Workplace
        fields = [
            "id",
            "area",
            "place",
            "name",
            "type",
            "address",
            "parent",
            "staff_count",
            "floor_area",
            "dense",
            "head_street_name",
            "head_street_phone",
            "head_property_name",
            "head_property_phone",
            "safety_contact_name",
            "safety_contact_phone",
            "safety_contact_user",
            "risk_grade",
            "open",
            "list_status",
        ]
        read_only_fields = ["id", "place"]
        extra_kwargs = {"area": {"perm": "workplaces.add_workplace"}}


class WorkplaceUpdateSerializer(WorkplaceSerializer):
    class Meta(WorkplaceSerializer.Meta):
        read_only_fields = ["id", "place", "area"]


@extend_schema_serializer(component_name="WorkplacePlan")  # another app has a PlanSerializer
class PlanSerializer(ScopedModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "workplace",
            "version",
            "source",
            "filename",
            "content_type",
            "note",
            "status",
            "submitted_at",
            "approved_at",
            "decision_note",
        ]
        read_only_fields = fields


class PlanDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class StaffMemberSerializer(ScopedModelSerializer):
    workplace = ScopedRelatedField(queryset=Workplace.objects.all(), perm="workplaces.add_staffmember")
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=20)
    id_number = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=24)
    matched = serializers.SerializerMethodField()

    class Meta:
        model = StaffMember
        fields = [
            "id",
            "workplace",
            "name",
            "phone",
            "phone_masked",
            "id_number",
            "id_masked",
            "position",
            "shift",
            "room",
            "active",
            "matched",
        ]
        read_only_fields = ["id", "phone_masked", "id_masked", "active", "matched"]

    def get_matched(self, obj) -> bool:
        return obj.person_id is not None


class DormitorySerializer(ScopedModelSerializer):
    workplace = ScopedRelatedField(queryset=Workplace.objects.all(), perm="workplaces.add_dormitory")

    class Meta:
        model = Dormitory
        fields = ["id", "workplace", "name", "underground", "address"]
        read_only_fields = ["id"]


@extend_schema_serializer(component_name="DormitoryRoom")  # another app has a RoomSerializer
class RoomSerializer(ScopedModelSerializer):
    dormitory = ScopedRelatedField(queryset=Dormitory.objects.all(), perm="workplaces.add_room")
    # Plain numbers here: the limits (negative area, occupants over beds) are the service's clear messages.
    floor_area = serializers.DecimalField(max_digits=9, decimal_places=1)
    beds = serializers.IntegerField()
    occupants = serializers.IntegerField(required=False, default=0)

    class Meta:
        model = Room
        fields = [
            "id",
            "dormitory",
            "workplace",
            "number",
            "floor",
            "floor_area",
            "beds",
            "bunks",
            "occupants",
        ]
        read_only_fields = ["id", "workplace"]


@extend_schema_serializer(component_name="DormitoryRoomUpdate")
class RoomUpdateSerializer(RoomSerializer):
    class Meta(RoomSerializer.Meta):
        read_only_fields = ["id", "workplace", "dormitory"]


class ViolationSerializer(ScopedModelSerializer):
    rule_label = serializers.CharField(read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True, allow_null=True)
    policy_source = serializers.CharField(source="policy.source", read_only=True, allow_null=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "workplace",
            "room",
            "rule",
            "rule_label",
            "policy",
            "policy_version",
            "policy_source",
            "value",
            "limit",
            "detail",
            "found_at",
            "resolved_at",
            "resolved_reason",
        ]
        read_only_fields = fields
