"""Serializers of zero reports, missing alerts, inspections and ledger items."""

from rest_framework import serializers

from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField
from fangkong.observation.models import Symptom

from ..models import Inspection, LedgerItem, MissingReportAlert, Workplace, ZeroReport


class AbsenteeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    symptoms = serializers.ListField(child=serializers.ChoiceField(choices=Symptom.choices), min_length=1)


class ZeroReportSerializer(ScopedModelSerializer):
    workplace = ScopedRelatedField(queryset=Workplace.objects.all(), perm="workplaces.add_zeroreport")
    staff_total = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    staff_on_site = serializers.IntegerField(min_value=0, max_value=100000)
    arrivals_outside = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    absentees = AbsenteeSerializer(many=True, required=False)
    onsite_pct = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = ZeroReport
        fields = [
            "id",
            "workplace",
            "date",
            "staff_total",
            "staff_on_site",
            "onsite_pct",
            "absent_sick",
            "absentees",
            "arrivals_outside",
            "temperature_checked",
            "disinfected",
            "note",
            "channel",
            "revision",
            "filed_at",
        ]
        read_only_fields = ["id", "date", "absent_sick", "channel", "revision", "filed_at"]


class MissingReportSerializer(ScopedModelSerializer):
    class Meta:
        model = MissingReportAlert
        fields = ["id", "workplace", "date", "deadline", "resolved_at"]


class InspectionSerializer(ScopedModelSerializer):
    class Meta:
        model = Inspection
        fields = ["id", "workplace", "checklist", "at", "results", "note"]


class LedgerItemSerializer(ScopedModelSerializer):
    class Meta:
        model = LedgerItem
        fields = [
            "id",
            "workplace",
            "inspection",
            "item_key",
            "finding",
            "deadline",
            "responsible",
            "status",
            "closed_at",
            "escalated_at",
        ]
