from rest_framework import serializers

from fangkong.areas.models import Area
from fangkong.core import dates
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField

from ..lookups import OWNER_LEVELS
from ..models import Briefing, FigureValue, Item


class BriefingSerializer(ScopedModelSerializer):
    class Meta:
        model = Briefing
        fields = [
            "id",
            "area",
            "date",
            "version",
            "as_of",
            "state",
            "amends",
            "reason",
            "generated_at",
            "sections",
        ]
        read_only_fields = fields


class GenerateSerializer(serializers.Serializer):
    date = dates.DateSerializerField()
    amend = serializers.BooleanField(default=False)
    reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class FigureValueSerializer(ScopedModelSerializer):
    class Meta:
        model = FigureValue
        fields = ["id", "briefing", "date", "key", "area", "level", "value"]
        read_only_fields = fields


class ItemSerializer(ScopedModelSerializer):
    briefing = ScopedRelatedField(queryset=Briefing.objects.all(), perm="briefing.view_briefing")
    area = ScopedRelatedField(
        queryset=Area.objects.filter(level__in=OWNER_LEVELS), perm="briefing.add_item", required=False
    )

    class Meta:
        model = Item
        fields = ["id", "briefing", "kind", "text", "area", "deadline", "state", "done_at"]
        read_only_fields = ["id", "state", "done_at"]


class ItemStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Item.State.choices)
