from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.areas.models import Place
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField
from fangkong.people.models import Person

from ..models import (
    Alert,
    HealthReport,
    Need,
    ObservationOrder,
    OrderEvent,
    OrderReason,
    OrderType,
    RequiredTest,
    Room,
    Stay,
    Symptom,
)


class RequiredTestSerializer(ScopedModelSerializer):
    class Meta:
        model = RequiredTest
        fields = ["id", "order", "day", "due_date", "result", "result_at", "source"]
        read_only_fields = fields


class OrderEventSerializer(ScopedModelSerializer):
    class Meta:
        model = OrderEvent
        fields = [
            "id",
            "order",
            "time",
            "kind",
            "field",
            "old_value",
            "new_value",
            "policy_version",
            "reason",
            "actor",
        ]
        read_only_fields = fields


class OrderSerializer(ScopedModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all(), perm="people.view_person")
    order_type = serializers.ChoiceField(choices=OrderType.choices)
    reason = serializers.ChoiceField(choices=OrderReason.choices)
    tests = RequiredTestSerializer(many=True, read_only=True)
    days_remaining = serializers.SerializerMethodField()

    class Meta:
        model = ObservationOrder
        fields = [
            "id",
            "person",
            "whole_household",
            "order_type",
            "reason",
            "source",
            "ordered_by",
            "start",
            "planned_end",
            "days_remaining",
            "policy_key",
            "policy_version",
            "status",
            "site",
            "ended_at",
            "end_reason",
            "area",
            "tests",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "ordered_by",
            "planned_end",
            "policy_key",
            "policy_version",
            "status",
            "site",
            "ended_at",
            "end_reason",
            "area",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"start": {"required": False}}

    def get_days_remaining(self, obj) -> int | None:
        return obj.days_remaining() if obj.is_open else None


class HealthReportSerializer(ScopedModelSerializer):
    order = ScopedRelatedField(queryset=ObservationOrder.objects.all(), perm="observation.add_healthreport")
    symptoms = serializers.ListField(child=serializers.ChoiceField(choices=Symptom.choices), required=False)
    needs = serializers.ListField(child=serializers.ChoiceField(choices=Need.choices), required=False)
    channel = serializers.ChoiceField(
        choices=[c for c in HealthReport.Channel.choices if c[0] != "link"], default="call"
    )

    class Meta:
        model = HealthReport
        fields = [
            "id",
            "order",
            "date",
            "temperature",
            "symptoms",
            "needs",
            "needs_note",
            "needs_done",
            "reporter",
            "reported_by",
            "channel",
            "created_at",
        ]
        read_only_fields = ["id", "date", "needs_done", "reporter", "reported_by", "created_at"]

    def validate_temperature(self, value):
        if not 34 <= value <= 43:
            raise serializers.ValidationError(_("Enter a temperature between 34 and 43 ℃."))
        return value


class AlertSerializer(ScopedModelSerializer):
    class Meta:
        model = Alert
        fields = [
            "id",
            "order",
            "kind",
            "date",
            "report",
            "message",
            "status",
            "resolved_by",
            "resolved_at",
            "resolution",
            "area",
        ]
        read_only_fields = fields


class AlertResolveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("refer", _("Refer to medical")), ("close", _("Close"))])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RoomSerializer(ScopedModelSerializer):
    site = ScopedRelatedField(
        queryset=Place.objects.filter(kind=Place.Kind.OBSERVATION_SITE), perm="areas.view_place"
    )
    features = serializers.ListField(child=serializers.CharField(max_length=20), required=False)

    class Meta:
        model = Room
        fields = ["id", "site", "number", "floor", "capacity", "features", "active", "area"]
        read_only_fields = ["id", "active", "area"]


class StaySerializer(ScopedModelSerializer):
    class Meta:
        model = Stay
        fields = [
            "id",
            "order",
            "site",
            "room",
            "checked_in_at",
            "checked_out_at",
            "special_needs",
            "notes",
            "outcome",
            "destination",
            "certificate_number",
        ]
        read_only_fields = fields
