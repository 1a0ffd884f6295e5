from rest_framework import serializers

from fangkong.areas.models import Area
from fangkong.core import dates
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField

from ..models import Policy, PolicyDefinition


class PolicyDefinitionSerializer(ScopedModelSerializer):
    class Meta:
        model = PolicyDefinition
        fields = ["key", "value_type", "unit", "name_zh", "name_en", "description"]


class PolicySerializer(ScopedModelSerializer):
    key = serializers.SlugRelatedField(
        source="definition", slug_field="key", queryset=PolicyDefinition.objects.all()
    )
    value = serializers.JSONField()
    area = ScopedRelatedField(
        queryset=Area.objects.all(), perm="policies.add_policy", allow_null=True, required=False
    )

    class Meta:
        model = Policy
        fields = [
            "id",
            "key",
            "value",
            "effective_from",
            "effective_to",
            "area",
            "version",
            "source",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "version", "created_by", "created_at"]

    # Who may set a version where is policies.services.policy_check_permission (the one rule for every
    # path); the serializer only parses.


class PolicyValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()
    version = serializers.IntegerField()
    area = serializers.IntegerField(allow_null=True)
    effective_from = dates.DateTimeSerializerField()
    effective_to = dates.DateTimeSerializerField(allow_null=True)
    source = serializers.CharField()


class PolicyPreviewInputSerializer(serializers.Serializer):
    key = serializers.SlugRelatedField(slug_field="key", queryset=PolicyDefinition.objects.all())
    value = serializers.JSONField()
    effective_from = dates.DateTimeSerializerField(required=False)
    # Only areas where the caller may set policy: another area's id answers like an unknown one.
    area = ScopedRelatedField(
        queryset=Area.objects.all(), perm="policies.add_policy", allow_null=True, required=False
    )


class PreviewAreaSerializer(serializers.Serializer):
    area = serializers.IntegerField(source="area.pk", allow_null=True, default=None)
    area_name = serializers.CharField(source="area.name", default="")
    governed = serializers.IntegerField()
    moved = serializers.IntegerField()
    earlier = serializers.IntegerField()
    later = serializers.IntegerField()


class PreviewShadowSerializer(serializers.Serializer):
    area = serializers.IntegerField(source="area.pk")
    area_name = serializers.CharField(source="area.name")
    version = serializers.IntegerField()
    value = serializers.JSONField()
    governed = serializers.IntegerField()


class PreviewChangeSerializer(serializers.Serializer):
    old_end = dates.DateSerializerField()
    new_end = dates.DateSerializerField()
    count = serializers.IntegerField()


class GovernedPreviewSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    governed = serializers.IntegerField()
    moved = serializers.IntegerField()
    earlier = serializers.IntegerField()
    later = serializers.IntegerField()
    by_area = PreviewAreaSerializer(many=True)
    shadowed = PreviewShadowSerializer(many=True)
    changes = PreviewChangeSerializer(many=True)


class PolicyPreviewSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()
    area = serializers.IntegerField(allow_null=True)
    effective_from = dates.DateTimeSerializerField()
    current_version = serializers.IntegerField(allow_null=True)
    moved = serializers.IntegerField()
    governed = GovernedPreviewSerializer(many=True)

    @staticmethod
    def from_preview(preview) -> dict:
        return {
            "key": preview.key,
            "value": preview.value,
            "area": getattr(preview.area, "pk", None),
            "effective_from": preview.effective_from,
            "current_version": getattr(preview.current, "version", None),
            "moved": preview.moved,
            "governed": [
                {
                    "name": gov.name,
                    "label": str(gov.label),
                    "governed": p.governed,
                    "moved": p.moved,
                    "earlier": p.earlier,
                    "later": p.later,
                    "by_area": p.by_area,
                    "shadowed": p.shadowed,
                    "changes": [{"old_end": o, "new_end": n, "count": c} for o, n, c in p.changes],
                }
                for gov, p in preview.governed
            ],
        }


class PolicyCreatedSerializer(PolicySerializer):
    moved = serializers.IntegerField(allow_null=True, read_only=True)
    queued = serializers.BooleanField(read_only=True)

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "moved", "queued"]
