from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fangkong.core import dates
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField

from ..models import Dispatch, HandlingEntry, Outcome, Rating, Unit, WorkOrder


class WorkOrderSerializer(ScopedModelSerializer):
    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "channel",
            "city_number",
            "received_at",
            "caller_name",
            "address",
            "area",
            "street",
            "category",
            "text",
            "urgency",
            "deadline_class",
            "status",
            "response_due",
            "resolve_due",
            "first_response_at",
            "replied_at",
            "closed_at",
            "outcome",
            "outcome_reason",
            "reply",
            "paused_seconds",
            "rating",
            "rated_at",
            "rating_channel",
        ]
        read_only_fields = fields


class PushSerializer(serializers.Serializer):
    """One order pushed by the city platform: its own words (category and deadline class as it writes them),
    validated exactly like an imported row. The same number again answers the order already filed."""

    city_number = serializers.CharField(max_length=40, label=_("city order number"))
    received_at = dates.DateTimeSerializerField(label=_("received at"))
    caller_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    caller_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    category = serializers.CharField(max_length=40, label=_("category"))
    text = serializers.CharField(max_length=4000, label=_("request"))
    deadline_class = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    street = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", label=_("street")
    )


@extend_schema_field(OpenApiTypes.INT)  # in a plain Serializer the schema cannot derive the id type
class UnitIdField(ScopedRelatedField):
    pass


class DispatchInputSerializer(serializers.Serializer):
    unit = UnitIdField("hotline.unit", perm="hotline.dispatch_workorder")
    co_units = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EntryInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["call", "visit", "note"])
    text = serializers.CharField(max_length=2000)


class CloseInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reply = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    outcome_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RateInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DispatchSerializer(ScopedModelSerializer):
    class Meta:
        model = Dispatch
        fields = ["id", "order", "unit", "lead", "at", "returned_at", "return_reason", "withdrawn_at"]
        read_only_fields = fields


class HandlingEntrySerializer(ScopedModelSerializer):
    class Meta:
        model = HandlingEntry
        fields = ["id", "order", "kind", "text", "unit", "at"]
        read_only_fields = fields


class UnitSerializer(ScopedModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "area", "phone", "active"]
        read_only_fields = fields
