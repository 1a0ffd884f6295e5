from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.core import dates
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField

from ..models import (
    AntigenReport,
    Box,
    BoxEvent,
    Campaign,
    CoverageCount,
    Exemption,
    HomeVisit,
    LabImport,
    LabResult,
    LaneStaff,
    RetestItem,
    Sample,
    SchedulePlan,
    Site,
    SlotAssignment,
    TargetPerson,
    TransferTask,
    Tube,
)


def _ro(model_, names):
    class Meta:
        model = model_
        fields = names
        read_only_fields = names

    return Meta


class CampaignSerializer(ScopedModelSerializer):
    Meta = _ro(
        Campaign,
        [
            "id",
            "name",
            "area",
            "rule",
            "rule_params",
            "starts",
            "ends",
            "regime",
            "pool_size",
            "observation_single",
            "sealed_household",
            "antigen_counts",
            "regime_source",
            "state",
            "target_computed_at",
        ],
    )


class CampaignInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    area = ScopedRelatedField(
        queryset=Campaign._meta.get_field("area").related_model.objects.all(), perm="screening.add_campaign"
    )
    starts = dates.DateTimeSerializerField()
    ends = dates.DateTimeSerializerField()
    rule = serializers.ChoiceField(choices=Campaign.Rule.choices, default=Campaign.Rule.EVERYONE)
    rule_params = serializers.DictField(required=False)


class TargetSerializer(ScopedModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    Meta = _ro(
        TargetPerson,
        [
            "id",
            "campaign",
            "person",
            "person_name",
            "area",
            "building",
            "single_tube",
            "state",
            "result",
            "reason_note",
        ],
    )


class CoverageSerializer(ScopedModelSerializer):
    Meta = _ro(
        CoverageCount,
        [
            "id",
            "campaign",
            "area",
            "target",
            "sampled",
            "exempt",
            "pending_results",
            "negative",
            "to_retest",
            "positive",
        ],
    )


class ExemptionSerializer(ScopedModelSerializer):
    class Meta:
        model = Exemption
        fields = ["id", "campaign", "person", "reason", "proof", "created_at"]
        read_only_fields = ["id", "created_at"]


class SiteSerializer(ScopedModelSerializer):
    place_name = serializers.CharField(source="place.name", read_only=True)
    Meta = _ro(
        Site,
        [
            "id",
            "campaign",
            "place",
            "place_name",
            "kind",
            "lanes",
            "per_lane_hour",
            "opens",
            "closes",
            "closed",
        ],
    )


class LaneStaffSerializer(ScopedModelSerializer):
    Meta = _ro(LaneStaff, ["id", "site", "lane", "user", "worker", "role"])


class PlanSerializer(ScopedModelSerializer):
    Meta = _ro(
        SchedulePlan,
        [
            "id",
            "campaign",
            "version",
            "solver",
            "status",
            "seconds",
            "mean_wait",
            "max_wait",
            "naive_mean_wait",
            "naive_max_wait",
            "published_at",
        ],
    )


class SlotSerializer(ScopedModelSerializer):
    Meta = _ro(SlotAssignment, ["id", "plan", "site", "area", "start", "end", "people"])


class TubeSerializer(ScopedModelSerializer):
    Meta = _ro(Tube, ["id", "campaign", "site", "barcode", "capacity", "count", "state", "closed_at", "box"])


class SampleSerializer(ScopedModelSerializer):
    Meta = _ro(Sample, ["id", "campaign", "person", "tube", "building", "client_id", "sampled_at"])


class SampleBatchSerializer(serializers.Serializer):
    samples = serializers.ListField(
        child=serializers.DictField(),
        help_text=_(
            "Items: client_id (uuid), site, person (id) or code (resident link, ID number or phone), "
            "tube (barcode), sampled_at, close."
        ),
    )


class BoxSerializer(ScopedModelSerializer):
    Meta = _ro(Box, ["id", "campaign", "site", "code", "lab", "state", "created_at"])


class BoxInSerializer(serializers.Serializer):
    site = ScopedRelatedField(queryset=Site.objects.all(), perm="screening.add_box")
    code = serializers.CharField(max_length=40)
    tubes = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1, max_length=2000)
    lab = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    person_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class BoxStepSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=[Box.State.HANDED_OVER, Box.State.RECEIVED])
    person_name = serializers.CharField(max_length=50)


class BoxEventSerializer(ScopedModelSerializer):
    Meta = _ro(BoxEvent, ["id", "box", "state", "time", "by", "person_name"])


class LabResultSerializer(ScopedModelSerializer):
    Meta = _ro(LabResult, ["id", "tube", "result", "tested_at", "lab", "source"])


class LabImportSerializer(ScopedModelSerializer):
    Meta = _ro(LabImport, ["id", "filename", "rows", "applied", "unchanged", "ok", "report", "created_at"])


class ResultRowSerializer(serializers.Serializer):
    barcode = serializers.CharField(max_length=40)
    result = serializers.CharField(max_length=20)
    tested_at = serializers.CharField(max_length=40)
    lab = serializers.CharField(max_length=100)


class ResultsInSerializer(serializers.Serializer):
    results = ResultRowSerializer(many=True, allow_empty=False, max_length=100_000)


class RetestSerializer(ScopedModelSerializer):
    Meta = _ro(RetestItem, ["id", "campaign", "person", "tube", "community", "area", "done_at"])


class TransferSerializer(ScopedModelSerializer):
    Meta = _ro(TransferTask, ["id", "campaign", "person", "source", "deadline", "state", "done_at"])


class AntigenSerializer(ScopedModelSerializer):
    Meta = _ro(AntigenReport, ["id", "campaign", "person", "result", "reported_at", "counted"])


class HomeVisitSerializer(ScopedModelSerializer):
    Meta = _ro(HomeVisit, ["id", "campaign", "person", "done_at"])
