"""Thin viewsets of mass testing: reads through `visible_to`, writes through the services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from fangkong.core.api import ScopedReadOnlyViewSet
from fangkong.core.middleware import NUL_MESSAGE, has_nul
from fangkong.core.scoping import get_visible_or_404

from .. import selectors, services
from ..filters import (
    BoxFilter,
    CampaignFilter,
    ResultFilter,
    RetestFilter,
    SampleFilter,
    SiteFilter,
    TargetFilter,
    TransferFilter,
    TubeFilter,
)
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
from . import serializers as s


def _drf(exc: DjangoValidationError):
    return serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class CampaignViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Campaigns; creating one copies the regime from policy (services.campaign_create)."""

    queryset = Campaign.objects.all()
    serializer_class = s.CampaignSerializer
    filterset_class = CampaignFilter

    def get_serializer_class(self):
        return s.CampaignInSerializer if self.action == "create" else s.CampaignSerializer

    @extend_schema(request=s.CampaignInSerializer, responses={201: s.CampaignSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.CampaignInSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        try:
            c = services.campaign_create(actor=request.user, **ser.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.CampaignSerializer(c).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: None})
    @action(detail=True, methods=["post"])
    def target(self, request, pk=None):
        """(Re)compute the target population before the campaign runs."""
        c = get_visible_or_404(Campaign, request.user, "screening.change_campaign", pk=pk)
        try:
            n = services.campaign_target_compute(actor=request.user, campaign=c)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response({"target": n})

    @extend_schema(responses={200: None})
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        """Coverage per street, community or building (?level=), from the maintained counts."""
        c = get_visible_or_404(Campaign, request.user, "screening.view_campaign", pk=pk)
        level = request.query_params.get("level", "community")
        if level not in ("street", "community", "building"):
            raise serializers.ValidationError({"level": [_("One of street, community, building.")]})
        rows = selectors.coverage_rows(viewer=request.user, campaign=c, level=level)
        keep = (
            "name",
            "path",
            "target",
            "exempt",
            "sampled",
            "due",
            "rate",
            "pending_results",
            "negative",
            "to_retest",
            "positive",
        )
        return Response(
            {
                "totals": selectors.coverage_totals(rows),
                "rows": [{k: r.get(k) for k in keep} for r in rows],
            }
        )

    @extend_schema(request=s.ResultsInSerializer, responses={200: s.LabImportSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def results(self, request, pk=None):
        """Laboratory results: JSON rows (barcode, result, tested_at, lab) or a file (.csv/.xlsx) in `file`.
        All or nothing; the report lists every bad row; a re-sent batch changes nothing."""
        c = get_visible_or_404(Campaign, request.user, "screening.add_labimport", pk=pk)
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        if upload is not None:
            imp = services.lab_file_import(
                actor=request.user, campaign=c, data=upload.read(), filename=upload.name
            )
        else:
            ser = s.ResultsInSerializer(data=request.data)
            ser.is_valid(raise_exception=True)
            rows = [
                {
                    "试管条码": r["barcode"],
                    "检测结果": r["result"],
                    "检测时间": r["tested_at"],
                    "检测机构": r["lab"],
                }
                for r in ser.validated_data["results"]
            ]
            imp = services.results_apply(actor=request.user, campaign=c, rows=rows, filename="api")
        body = s.LabImportSerializer(imp).data
        return Response(body, status=status.HTTP_200_OK if imp.ok else status.HTTP_400_BAD_REQUEST)


class TargetViewSet(ScopedReadOnlyViewSet):
    queryset = TargetPerson.objects.all()
    serializer_class = s.TargetSerializer
    filterset_class = TargetFilter

    def base_queryset(self):
        return TargetPerson.objects.select_related("person")


class CoverageViewSet(ScopedReadOnlyViewSet):
    queryset = CoverageCount.objects.all()
    serializer_class = s.CoverageSerializer
    filterset_fields = ["campaign"]


class ExemptionViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Exemptions and reasons untested; bed-bound creates a home sampling visit (services.exemption_record)."""

    queryset = Exemption.objects.all()
    serializer_class = s.ExemptionSerializer
    filterset_fields = ["campaign", "reason"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        try:
            serializer.instance = services.exemption_record(
                actor=self.request.user,
                campaign=d["campaign"],
                person=d["person"],
                reason=d["reason"],
                proof=d.get("proof", ""),
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc


class SiteViewSet(ScopedReadOnlyViewSet):
    queryset = Site.objects.all()
    serializer_class = s.SiteSerializer
    filterset_class = SiteFilter

    def base_queryset(self):
        return Site.objects.select_related("place")


class LaneStaffViewSet(ScopedReadOnlyViewSet):
    queryset = LaneStaff.objects.all()
    serializer_class = s.LaneStaffSerializer
    filterset_fields = ["site"]


class PlanViewSet(ScopedReadOnlyViewSet):
    queryset = SchedulePlan.objects.all()
    serializer_class = s.PlanSerializer
    filterset_fields = ["campaign"]


class SlotViewSet(ScopedReadOnlyViewSet):
    queryset = SlotAssignment.objects.all()
    serializer_class = s.SlotSerializer
    filterset_fields = ["plan", "site"]


class TubeViewSet(ScopedReadOnlyViewSet):
    queryset = Tube.objects.all()
    serializer_class = s.TubeSerializer
    filterset_class = TubeFilter

    @extend_schema(request=None, responses={200: s.TubeSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        t = get_visible_or_404(Tube, request.user, "screening.change_tube", pk=pk)
        try:
            t = services.tube_close(actor=request.user, tube=t)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.TubeSerializer(t).data)


class SampleViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Samples. POST batch/ records up to 500 from the lane (the offline queue's protocol): each item
    answers accepted, duplicate (its client id is known) or invalid with its errors, in item order."""

    nul_per_item = {"batch", "create"}  # the lane's offline backlog: a NUL rejects its item alone (_record)

    queryset = Sample.objects.all()
    serializer_class = s.SampleSerializer
    filterset_class = SampleFilter

    @extend_schema(request=None, responses={201: None})
    def create(self, request, *args, **kwargs):
        """One sample from the lane page (online); the same checks and answer as a batch item."""
        item = request.data if isinstance(request.data, dict) else {}
        [res] = self._record(request, [dict(item)])
        code = {"accepted": 201, "duplicate": 200}.get(res["status"], 400)
        return Response(res, status=code)

    def _record(self, request, items):
        sites: dict = {}
        results = []
        for raw in items:
            item = raw if isinstance(raw, dict) else {}
            if has_nul(item):
                results.append(
                    {
                        "client_id": str(item.get("client_id", "")).replace("\x00", "")[:64],
                        "status": "invalid",
                        "errors": {"non_field_errors": [str(NUL_MESSAGE)]},
                    }
                )
                continue
            key = str(item.get("site", ""))
            if key not in sites:
                site = None
                if key.isdigit() and len(key) < 12:
                    site = (
                        Site.objects.select_related("campaign")
                        .visible_to(request.user, "screening.add_sample")
                        .filter(pk=int(key))
                        .first()
                    )
                sites[key] = site
            site = sites[key]
            if site is None:
                results.append(
                    {
                        "client_id": str(item.get("client_id", "")),
                        "status": "invalid",
                        "errors": {"site": [_("Unknown site.")]},
                    }
                )
                continue
            [res] = services.sample_batch_record(actor=request.user, site=site, items=[item])
            results.append(res.as_dict())
        return results

    @extend_schema(request=s.SampleBatchSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="batch")
    def batch(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        items = data.get("samples")
        if not isinstance(items, list) or not items:
            raise serializers.ValidationError({"samples": [_("A non-empty list of samples.")]})
        if len(items) > services.MAX_BATCH:
            raise serializers.ValidationError(
                {"samples": [_("At most %(n)d samples per request.") % {"n": services.MAX_BATCH}]}
            )
        results = self._record(request, items)
        counts = {
            k: sum(1 for r in results if r["status"] == k) for k in ("accepted", "duplicate", "invalid")
        }
        return Response({**counts, "results": results})


class BoxViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Box.objects.all()
    serializer_class = s.BoxSerializer
    filterset_class = BoxFilter

    def get_serializer_class(self):
        return s.BoxInSerializer if self.action == "create" else s.BoxSerializer

    @extend_schema(request=s.BoxInSerializer, responses={201: s.BoxSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.BoxInSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            box = services.box_seal(
                actor=request.user,
                site=d["site"],
                code=d["code"],
                barcodes=d["tubes"],
                lab=d.get("lab", ""),
                person_name=d.get("person_name", ""),
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.BoxSerializer(box).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BoxStepSerializer, responses={200: s.BoxSerializer})
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        """Hand the box over or receive it (with the person's name)."""
        box = get_visible_or_404(Box, request.user, "screening.change_box", pk=pk)
        ser = s.BoxStepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            box = services.box_advance(actor=request.user, box=box, **ser.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.BoxSerializer(box).data)


class BoxEventViewSet(ScopedReadOnlyViewSet):
    queryset = BoxEvent.objects.all()
    serializer_class = s.BoxEventSerializer
    filterset_fields = ["box"]


class LabResultViewSet(ScopedReadOnlyViewSet):
    queryset = LabResult.objects.all()
    serializer_class = s.LabResultSerializer
    filterset_class = ResultFilter


class LabImportViewSet(ScopedReadOnlyViewSet):
    queryset = LabImport.objects.all()
    serializer_class = s.LabImportSerializer


class RetestViewSet(ScopedReadOnlyViewSet):
    queryset = RetestItem.objects.all()
    serializer_class = s.RetestSerializer
    filterset_class = RetestFilter


class TransferViewSet(ScopedReadOnlyViewSet):
    queryset = TransferTask.objects.all()
    serializer_class = s.TransferSerializer
    filterset_class = TransferFilter


class AntigenViewSet(ScopedReadOnlyViewSet):
    queryset = AntigenReport.objects.all()
    serializer_class = s.AntigenSerializer
    filterset_fields = ["campaign", "result"]


class HomeVisitViewSet(ScopedReadOnlyViewSet):
    queryset = HomeVisit.objects.all()
    serializer_class = s.HomeVisitSerializer
    filterset_fields = ["campaign"]
