"""API of care and health (issue 20): insurance, meals and equipment issued, rest days, workers' health
reports (writes through the services) and the figures per community. api/urls.py registers these."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from fangkong.core import dates
from fangkong.core.api import ScopedReadOnlyViewSet, UserLanguageMixin
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField
from fangkong.gates.models import Post
from fangkong.observation.models import Symptom

from . import care_selectors, figures, services
from .care_filters import (
    CareIssueFilter,
    HealthReportFilter,
    InsuranceFilter,
    RestDayFilter,
    WorkerCareFilter,
)
from .models import CareIssue, Insurance, RestDay, Worker, WorkerHealthReport


class InsuranceSerializer(ScopedModelSerializer):
    worker = ScopedRelatedField(queryset=Worker.objects.all(), perm="workforce.add_insurance")

    class Meta:
        model = Insurance
        fields = ["id", "worker", "area", "insurer", "policy_number", "start", "end"]
        read_only_fields = ["id", "area"]
        validators = []  # the same policy again is the same enrolment (the service)


class CareIssueSerializer(ScopedModelSerializer):
    post = ScopedRelatedField("gates.post", queryset=Post.objects.all(), perm="workforce.add_careissue")
    meals = serializers.IntegerField(min_value=0, max_value=services.care.MAX_ISSUED, default=0)
    masks = serializers.IntegerField(min_value=0, max_value=services.care.MAX_ISSUED, default=0)
    suits = serializers.IntegerField(min_value=0, max_value=services.care.MAX_ISSUED, default=0)
    gloves = serializers.IntegerField(min_value=0, max_value=services.care.MAX_ISSUED, default=0)

    class Meta:
        model = CareIssue
        fields = ["id", "date", "post", "area", "meals", "masks", "suits", "gloves", "issued_by"]
        read_only_fields = ["id", "area", "issued_by"]
        extra_kwargs = {"date": {"required": False}}
        validators = []  # one per day: the service corrects the day's record instead of refusing it


class RestDaySerializer(ScopedModelSerializer):
    worker = ScopedRelatedField(queryset=Worker.objects.all(), perm="workforce.add_restday")

    class Meta:
        model = RestDay
        fields = ["id", "worker", "area", "date", "taken"]
        read_only_fields = ["id", "area"]
        validators = []  # one per worker and day: the service updates it


@extend_schema_serializer(component_name="WorkerHealthReport")  # another app has a HealthReportSerializer
class HealthReportSerializer(ScopedModelSerializer):
    worker = ScopedRelatedField(queryset=Worker.objects.all(), perm="workforce.add_workerhealthreport")
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=Symptom.choices), required=False, max_length=len(Symptom.values)
    )
    temperature = serializers.DecimalField(max_digits=3, decimal_places=1, min_value=34, max_value=43)

    class Meta:
        model = WorkerHealthReport
        fields = ["id", "worker", "area", "date", "temperature", "symptoms", "fever", "flagged"]
        read_only_fields = ["id", "area", "fever", "flagged"]
        extra_kwargs = {"date": {"required": False}}
        validators = []  # one per day: the service corrects the day's record instead of refusing it


class WorkerCareSerializer(ScopedModelSerializer):
    duty_days = serializers.IntegerField(read_only=True)
    rest_due = serializers.IntegerField(read_only=True)
    rest_taken = serializers.IntegerField(read_only=True)
    rest_overdue = serializers.IntegerField(read_only=True)

    class Meta:
        model = Worker
        fields = [
            "id",
            "name",
            "kind",
            "area",
            "health_status",
            "duty_days",
            "rest_due",
            "rest_taken",
            "rest_overdue",
        ]
        read_only_fields = fields


def _service(call):
    """A service's ValidationError as the API's 400 with the same field messages."""
    from django.core.exceptions import ValidationError

    try:
        return call()
    except ValidationError as exc:
        raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


class _Create(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    add_perm = ""

    def check_add(self):
        if not self.request.user.has_perm(self.add_perm):
            raise PermissionDenied


class InsuranceViewSet(_Create):
    queryset = Insurance.objects.all()
    serializer_class = InsuranceSerializer
    filterset_class = InsuranceFilter
    add_perm = "workforce.add_insurance"

    def perform_create(self, serializer):
        self.check_add()
        data = serializer.validated_data
        serializer.instance = _service(
            lambda: services.insurance_enrol(
                actor=self.request.user,
                worker=data["worker"],
                insurer=data["insurer"],
                policy_number=data["policy_number"],
                start=data["start"],
                end=data["end"],
            )
        )


class CareIssueViewSet(_Create):
    queryset = CareIssue.objects.all()
    serializer_class = CareIssueSerializer
    filterset_class = CareIssueFilter
    add_perm = "workforce.add_careissue"

    def perform_create(self, serializer):
        self.check_add()
        serializer.instance = _service(
            lambda: services.care_issue_record(actor=self.request.user, **serializer.validated_data)
        )


class RestDayViewSet(_Create):
    queryset = RestDay.objects.all()
    serializer_class = RestDaySerializer
    filterset_class = RestDayFilter
    add_perm = "workforce.add_restday"

    def perform_create(self, serializer):
        self.check_add()
        serializer.instance = _service(
            lambda: services.rest_day_record(actor=self.request.user, **serializer.validated_data)
        )


class HealthReportViewSet(_Create):
    queryset = WorkerHealthReport.objects.all()
    serializer_class = HealthReportSerializer
    filterset_class = HealthReportFilter
    add_perm = "workforce.add_workerhealthreport"

    def perform_create(self, serializer):
        self.check_add()
        serializer.instance = _service(
            lambda: services.health_report_submit(actor=self.request.user, **serializer.validated_data)
        )


class WorkerCareViewSet(ScopedReadOnlyViewSet):
    """Workers with rest days due, taken and overdue (?rest_overdue=true, ?uninsured=true)."""

    queryset = Worker.objects.all()
    serializer_class = WorkerCareSerializer
    filterset_class = WorkerCareFilter

    def base_queryset(self):
        return care_selectors.with_rest(Worker.objects.all())


FigureRow = inline_serializer(
    "WorkforceFigureRow",
    many=True,
    fields={
        "area_id": serializers.IntegerField(),
        "name": serializers.CharField(),
        **{k: serializers.FloatField() for k in figures.KEYS},
        "attendance_rate": serializers.FloatField(allow_null=True),
        "hours_per_worker": serializers.FloatField(allow_null=True),
        "gap": serializers.IntegerField(),
    },
)


class FiguresViewSet(UserLanguageMixin, viewsets.ViewSet):
    """Per community of the caller on a day: workers needed, deployed, on duty, shifts and attended,
    attendance rate, rostered hours and hours per worker, workers with rest days overdue."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("day", str, description="YYYY-MM-DD (default today)")],
        responses=FigureRow,
    )
    def list(self, request):
        user = request.user
        if not (user.has_perm("workforce.view_worker") or user.has_perm("people.view_statistics")):
            raise PermissionDenied
        raw = request.query_params.get("day", "")
        try:
            day = dates.parse_date(raw) if raw else None
        except dates.DateError as exc:
            raise DRFValidationError({"day": [exc.message]}) from None
        from django.utils import timezone

        if day is not None and day > timezone.localdate():
            raise DRFValidationError({"day": [_("Choose today or an earlier day.")]})
        return Response(figures.table(user, day=day))
