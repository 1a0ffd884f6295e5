from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.areas.models import Area, Level
from fangkong.core import dates
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField

from ..models import (
    Closure,
    DeliveryAttempt,
    Distribution,
    DoorKnock,
    Escalation,
    Request,
    RequestKind,
    RequestStep,
    SupplyLot,
    TeamMember,
)


class ClosureSerializer(ScopedModelSerializer):
    class Meta:
        model = Closure
        fields = [
            "id",
            "name",
            "area",
            "start",
            "reason",
            "policy_source",
            "policy_versions",
            "duty_phone",
            "checkpoints",
            "ended_at",
            "end_reason",
            "affected",
            "vulnerable",
            "observed",
            "unreachable",
            "created_at",
        ]
        read_only_fields = fields


class TeamMemberSerializer(ScopedModelSerializer):
    team_kind = serializers.CharField(source="team.kind", read_only=True)
    closure = serializers.IntegerField(source="team.closure_id", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "team", "team_kind", "closure", "user", "name", "lead", "active"]
        read_only_fields = fields


class RequestStepSerializer(ScopedModelSerializer):
    class Meta:
        model = RequestStep
        fields = ["id", "request", "step", "at", "signed", "note"]
        read_only_fields = fields


class RequestSerializer(ScopedModelSerializer):
    household = ScopedRelatedField(
        source="area",
        queryset=Area.objects.filter(level=Level.HOUSEHOLD),
        perm="support.add_request",
        help_text=_("the household (an area of level household) inside an open closure"),
    )
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    source = serializers.ChoiceField(choices=Request.Source.choices, default=Request.Source.PHONE)
    client_id = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    steps = RequestStepSerializer(many=True, read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Request
        fields = [
            "id",
            "closure",
            "household",
            "kind",
            "source",
            "state",
            "note",
            "contact_phone",
            "deadline",
            "urgent",
            "vulnerable",
            "priority",
            "client_id",
            "assignee",
            "overdue",
            "delivered_at",
            "confirmed_at",
            "escalated_at",
            "rating",
            "steps",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "closure",
            "state",
            "deadline",
            "urgent",
            "vulnerable",
            "priority",
            "assignee",
            "overdue",
            "delivered_at",
            "confirmed_at",
            "escalated_at",
            "rating",
            "steps",
            "created_at",
        ]


class AssignSerializer(serializers.Serializer):
    member = serializers.IntegerField()


class DeliveryAttemptSerializer(ScopedModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["id", "request", "runner", "at", "outcome", "reason"]
        read_only_fields = fields


class EscalationSerializer(ScopedModelSerializer):
    class Meta:
        model = Escalation
        fields = ["id", "request", "target", "why", "contact", "at", "acknowledged_at"]
        read_only_fields = fields


class DoorKnockSerializer(ScopedModelSerializer):
    class Meta:
        model = DoorKnock
        fields = [
            "id",
            "closure",
            "area",
            "entrance",
            "priority",
            "vulnerable",
            "no_phone",
            "outcome",
            "note",
            "visited_at",
            "visits",
        ]
        read_only_fields = fields


class SupplyLotSerializer(ScopedModelSerializer):
    class Meta:
        model = SupplyLot
        fields = ["id", "closure", "checkpoint", "item", "supplier", "quantity", "received_at"]
        read_only_fields = fields


class DistributionSerializer(ScopedModelSerializer):
    class Meta:
        model = Distribution
        fields = ["id", "closure", "checkpoint", "area", "item", "quantity", "at"]
        read_only_fields = fields


class RunnerActionSerializer(serializers.Serializer):
    client_id = serializers.CharField(max_length=64)
    request = serializers.IntegerField()
    action = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    at = dates.DateTimeSerializerField(required=False)


class RunnerSyncSerializer(serializers.Serializer):
    actions = serializers.ListField(child=serializers.DictField(), max_length=200)
