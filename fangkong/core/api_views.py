from rest_framework import serializers

from .api import ScopedReadOnlyViewSet, router
from .choices import ScopedModelSerializer
from .models import ChangeLog, SensitiveAccess


class ChangeLogListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        from .audit import redact

        rows = list(data.all() if hasattr(data, "all") else data)
        redact(self.context["request"].user, rows)  # the whole page in one query per model
        return super().to_representation(rows)


class ChangeLogSerializer(ScopedModelSerializer):
    object_type = serializers.CharField(source="content_type.model", read_only=True)
    # `message` stays the stored msgid (stable for scripts), `message_text` is it in the caller's language.
    message_text = serializers.CharField(read_only=True)

    def to_representation(self, instance):
        from .audit import redact

        redact(self.context["request"].user, [instance])
        return super().to_representation(instance)

    class Meta:
        model = ChangeLog
        fields = [
            "id",
            "time",
            "user",
            "user_name",
            "request_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "message",
            "params",
            "message_text",
        ]
        list_serializer_class = ChangeLogListSerializer


class SensitiveAccessSerializer(ScopedModelSerializer):
    object_type = serializers.CharField(source="content_type.model", read_only=True)

    class Meta:
        model = SensitiveAccess
        fields = [
            "id",
            "time",
            "user",
            "request_id",
            "object_type",
            "object_id",
            "object_repr",
            "field",
            "reason",
        ]


class ChangeLogViewSet(ScopedReadOnlyViewSet):
    queryset = ChangeLog.objects.all()
    serializer_class = ChangeLogSerializer
    filterset_fields = ["action", "object_id", "request_id", "user", "content_type"]

    def base_queryset(self):
        return ChangeLog.objects.select_related("content_type")


class SensitiveAccessViewSet(ScopedReadOnlyViewSet):
    queryset = SensitiveAccess.objects.all()
    serializer_class = SensitiveAccessSerializer
    filterset_fields = ["user", "object_id", "field"]


router.register("changes", ChangeLogViewSet, basename="changelog")
router.register("access-log", SensitiveAccessViewSet, basename="sensitiveaccess")
