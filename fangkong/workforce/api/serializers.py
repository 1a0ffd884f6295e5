from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from fangkong.areas.models import Area, Level
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField
from fangkong.core.identity import IdType

from ..models import Assignment, DeploymentRequest, Duty, RegistrationLink, Skill, Worker


class WorkerSerializer(ScopedModelSerializer):
    """Numbers go in clear (write-only) and come back masked; the clear value needs /reveal/."""

    area = ScopedRelatedField(
        "workforce.team", queryset=Area.objects.filter(level__in=[Level.STREET, Level.COMMUNITY])
    )
    area_name = serializers.CharField(source="area.name", read_only=True)
    id_type = serializers.ChoiceField(choices=IdType.CHOICES, default=IdType.RESIDENT)
    id_number = serializers.CharField(write_only=True, max_length=30, required=False, allow_blank=True)
    phone = serializers.CharField(write_only=True, max_length=20, required=False, allow_blank=True)
    skills = serializers.ListField(child=serializers.ChoiceField(choices=Skill.choices), required=False)

    class Meta:
        model = Worker
        fields = [
            "id",
            "area",
            "area_name",
            "name",
            "kind",
            "level",
            "home_unit",
            "id_type",
            "id_number",
            "id_masked",
            "phone",
            "phone_masked",
            "skills",
            "health_status",
            "status",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "id_masked", "phone_masked", "status", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:  # the team changes by assignment only
            self.fields["area"].read_only = True


@extend_schema_serializer(component_name="WorkerReveal")  # another app has a RevealSerializer
class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    reason = serializers.CharField(min_length=2, max_length=300)


@extend_schema_serializer(component_name="WorkerRevealResult")  # another app has a RevealResultSerializer
class RevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class DeploymentRequestSerializer(ScopedModelSerializer):
    area = ScopedRelatedField(
        "workforce.need_area", queryset=Area.objects.filter(level__in=[Level.STREET, Level.COMMUNITY])
    )
    duties = serializers.ListField(child=serializers.ChoiceField(choices=Duty.choices), required=False)
    count = serializers.IntegerField(min_value=1, max_value=10_000)

    class Meta:
        model = DeploymentRequest
        fields = ["id", "area", "count", "duties", "start", "end", "note", "status", "created_at"]
        read_only_fields = ["id", "status", "created_at"]

    def validate(self, attrs):
        if attrs.get("end") and attrs.get("start") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end must be after the start.")})
        return attrs


class AssignmentSerializer(ScopedModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "worker", "worker_name", "area", "area_name", "request", "duty", "start", "end"]
        read_only_fields = fields


class RegistrationLinkSerializer(ScopedModelSerializer):
    class Meta:
        model = RegistrationLink
        fields = ["id", "area", "kind", "title", "expires_at", "revoked_at", "created_at"]
        read_only_fields = fields
