from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.areas.models import Area
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

    def validate(self, attrs):
        from fangkong.core.scoping import user_can_see_path

        user = self.context["request"].user
        area = attrs.get("area")
        if area is None and not user.is_superuser:
            raise serializers.ValidationError(
                {"area": _("Only a system administrator sets policy for the whole system.")}
            )
        if area is not None and not user_can_see_path(user, "policies.add_policy", area.path):
            raise serializers.ValidationError({"area": _("Area outside your jurisdiction.")})
        return attrs


class PolicyValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()
    version = serializers.IntegerField()
    area = serializers.IntegerField(allow_null=True)
    effective_from = serializers.DateTimeField()
    effective_to = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField()
