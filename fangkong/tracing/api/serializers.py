from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField
from fangkong.people.models import Person

from ..models import (
    Case,
    CaseLink,
    Classification,
    Cluster,
    Contact,
    ContactKind,
    ScreeningTask,
    TimelineEntry,
)


class CaseSerializer(ScopedModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all(), perm="tracing.add_case")
    classification = serializers.ChoiceField(
        choices=[c for c in Classification.choices if c[0] != Classification.EXCLUDED], required=False
    )
    number = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "person",
            "area",
            "classification",
            "severity",
            "whereabouts",
            "onset_date",
            "sample_date",
            "lab",
            "source",
            "source_ref",
            "transfer_deadline",
            "transferred_at",
            "cluster",
        ]
        read_only_fields = [
            "area",
            "severity",
            "whereabouts",
            "transfer_deadline",
            "transferred_at",
            "cluster",
        ]

    def get_validators(self):
        # A re-sent result answers the case it opened (services.case_open), not a uniqueness error.
        return []


class TimelineEntrySerializer(ScopedModelSerializer):
    class Meta:
        model = TimelineEntry
        fields = ["id", "case", "day", "place", "text", "time_from", "time_to", "source"]
        read_only_fields = fields


class ContactSerializer(ScopedModelSerializer):
    reasons = serializers.SerializerMethodField()
    # The case only for who may see it (the contact page hides it the same way): the community that follows
    # a contact learns the person and why, not which investigation named them.
    case = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "case",
            "person",
            "area",
            "kind",
            "evidence",
            "reasons",
            "overlap_minutes",
            "state",
            "degree",
            "order",
            "decided_at",
        ]
        read_only_fields = fields

    def get_reasons(self, obj) -> list[str]:
        return obj.reasons()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_case(self, obj) -> int | None:
        visible = getattr(obj, "case_visible", None)
        if visible is None:  # not annotated (a single object serialized elsewhere): ask the scope
            user = getattr(self.context.get("request"), "user", None)
            visible = Case.objects.visible_to(user).filter(pk=obj.case_id).exists()
        return obj.case_id if visible else None


class ConfirmSerializer(serializers.Serializer):
    contacts = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=5000
    )
    degree = serializers.ChoiceField(choices=Contact.Degree.choices, default=Contact.Degree.CLOSE)


class ConfirmResultSerializer(serializers.Serializer):
    confirmed = serializers.ListField(child=serializers.IntegerField())
    orders = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.DictField(child=serializers.CharField())


class CaseLinkSerializer(ScopedModelSerializer):
    source = ScopedRelatedField(queryset=Case.objects.all(), perm="tracing.view_case")
    case = ScopedRelatedField(queryset=Case.objects.all(), perm="tracing.change_case")
    kind = serializers.ChoiceField(choices=ContactKind.choices)

    class Meta:
        model = CaseLink
        fields = ["id", "source", "case", "kind", "evidence", "created_at"]
        read_only_fields = ["created_at"]

    def get_validators(self):
        return []  # services.case_link answers a repeated link with a clear message


class ClusterSerializer(ScopedModelSerializer):
    class Meta:
        model = Cluster
        fields = ["id", "name", "area", "notes", "created_at"]
        read_only_fields = fields


class ScreeningTaskSerializer(ScopedModelSerializer):
    class Meta:
        model = ScreeningTask
        fields = ["id", "person", "area", "risk_area", "action", "evidence", "state", "created_at"]
        read_only_fields = fields


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    category = serializers.IntegerField()
    case = serializers.IntegerField(required=False)
    onset = serializers.CharField(required=False)


class GraphLinkSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    kind = serializers.CharField()
    chain = serializers.BooleanField(required=False)


class GraphSerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField())
    kinds = serializers.DictField(child=serializers.CharField())
    nodes = GraphNodeSerializer(many=True)
    links = GraphLinkSerializer(many=True)
