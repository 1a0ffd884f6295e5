import uuid

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.core.api import ScopedReadOnlyViewSet
from fangkong.core.scoping import get_visible_or_404

from .. import selectors, services
from ..filters import FollowUpFilter, PassFilter, ReturneeFilter, ScanFilter, SealFilter
from ..models import (
    FollowUp,
    HomeInspection,
    Pass,
    PlaceCode,
    Post,
    PostShift,
    ReturneeNotice,
    ScanEvent,
    ScanVisitor,
    Seal,
    SealCheck,
)
from . import serializers as s

SCAN_FIELDS = ("client_id", "place", "code", "temperature", "direction", "scanned_at", "travel_from")


class ScanViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Gate scans. POST one scan (returns the verdict) or a batch of up to 1,000 (per-item status)."""

    queryset = ScanEvent.objects.all()
    serializer_class = s.ScanSerializer
    filterset_class = ScanFilter
    # A NUL in one scan rejects that scan (services._clean_item), not the batch (core.middleware).
    nul_per_item = True

    def base_queryset(self):
        return ScanEvent.objects.select_related("place")

    @extend_schema(request=s.ScanInSerializer, responses={201: s.ScanSerializer})
    def create(self, request, *args, **kwargs):
        """One gate check. The service validates the fields (the same checks as a batch item), so the hot
        path builds no serializer; the answer is ScanSerializer's shape plus status and verdict."""
        data = request.data if isinstance(request.data, dict) else {}
        item = {k: data.get(k) for k in SCAN_FIELDS if k in data}
        item.setdefault("client_id", uuid.uuid4())  # a client that sends none cannot retry anyway
        token = data.get("place_token") or ""
        if token:
            code = selectors.place_code_resolve(str(token))
            if code is None:
                raise serializers.ValidationError({"place_token": [_("Unknown or rotated place code.")]})
            item["place"] = code.place_id
        if not item.get("place"):
            raise serializers.ValidationError({"place": [_("This field is required.")]})
        post = None
        if data.get("post") not in (None, ""):
            post_id = services.payload_id(data["post"])
            if post_id is None:
                raise serializers.ValidationError({"post": [_("Not a valid id.")]})
            post = Post.objects.filter(pk=post_id, place_id=services.payload_id(item["place"])).first()
        [res] = services.scan_batch_record(actor=request.user, post=post, items=[item])
        if res.status == "error":
            raise serializers.ValidationError(res.errors)
        if res.status == "duplicate":
            scan = ScanEvent.objects.select_related("place").filter(client_id=res.client_id).first()
            res = services.stored_result(scan)
        else:
            scan = ScanEvent(id=res.scan_id, **res.row)
            scan.place = res.place
        body = {**s.scan_out(scan), "status": res.status, "verdict_detail": res.verdict}
        return Response(
            body, status=status.HTTP_201_CREATED if res.status == "accepted" else status.HTTP_200_OK
        )

    @extend_schema(request=s.BatchInSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="batch")
    def batch(self, request):
        """Up to 1,000 scans; each item is validated by the service, which answers per item."""
        data = request.data if isinstance(request.data, dict) else {}
        scans = data.get("scans")
        if not isinstance(scans, list) or not scans:
            raise serializers.ValidationError({"scans": [_("A non-empty list of scans.")]})
        if len(scans) > services.MAX_BATCH:
            raise serializers.ValidationError(
                {"scans": [_("At most %(n)d scans per request.") % {"n": services.MAX_BATCH}]}
            )
        items = []
        for raw in scans:
            item = dict(raw) if isinstance(raw, dict) else {}
            token = item.pop("place_token", "")
            if token:
                code = selectors.place_code_resolve(str(token))
                item["place"] = code.place_id if code else None
            items.append(item)
        results = [r.as_dict() for r in services.scan_batch_record(actor=request.user, items=items)]
        counts = {k: sum(1 for r in results if r["status"] == k) for k in ("accepted", "duplicate", "error")}
        return Response({**counts, "results": results})

    @action(detail=False, methods=["get"], url_path="by-day")
    def by_day(self, request):
        rows = selectors.scans_by_place_and_day(viewer=request.user)
        return Response([{**r, "day": r["day"].isoformat() if r["day"] else None} for r in rows])


class ScanVisitorViewSet(ScopedReadOnlyViewSet):
    """Scans of the viewer's residents at gates of other communities (scoped by the resident's area: the
    gate's community never sees these). Read-only: the scan service writes them."""

    queryset = ScanVisitor.objects.all()
    serializer_class = s.ScanVisitorSerializer

    def base_queryset(self):
        return ScanVisitor.objects.select_related("place")


class PassViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Pass.objects.all()
    serializer_class = s.PassSerializer
    filterset_class = PassFilter

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.pass_issue(
            actor=self.request.user,
            person=d["person"],
            valid_from=d.get("valid_from"),
            confirm=d.get("confirm", False),
        )

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        p = get_visible_or_404(Pass, request.user, "gates.change_pass", pk=pk)
        # The service requires the reason (the page and the API cannot disagree).
        reason = str(request.data.get("reason", ""))
        return Response(
            s.PassSerializer(services.pass_revoke(actor=request.user, pass_obj=p, reason=reason)).data
        )


class PlaceCodeViewSet(ScopedReadOnlyViewSet):
    queryset = PlaceCode.objects.all()
    serializer_class = s.PlaceCodeSerializer


class PostViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Post.objects.all()
    serializer_class = s.PostSerializer

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.post_create(
            actor=self.request.user, place=d["place"], name=d["name"], kind=d.get("kind", Post.Kind.DAY)
        )


class PostShiftViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = PostShift.objects.all()
    serializer_class = s.PostShiftSerializer

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.shift_create(
            actor=self.request.user, post=d["post"], volunteer=d["volunteer"], start=d["start"], end=d["end"]
        )


class ReturneeViewSet(ScopedReadOnlyViewSet):
    queryset = ReturneeNotice.objects.all()
    serializer_class = s.ReturneeNoticeSerializer
    filterset_class = ReturneeFilter

    @action(detail=False, methods=["get"])
    def pipeline(self, request):
        return Response(
            [
                {"stage": v, "label": str(lbl), "count": n}
                for v, lbl, n in selectors.returnee_pipeline(viewer=request.user)
            ]
        )


class HomeInspectionViewSet(ScopedReadOnlyViewSet):
    queryset = HomeInspection.objects.all()
    serializer_class = s.HomeInspectionSerializer


class FollowUpViewSet(mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    queryset = FollowUp.objects.all()
    serializer_class = s.FollowUpSerializer
    filterset_class = FollowUpFilter
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.followup_update(
            actor=self.request.user,
            followup=serializer.instance,
            status=d.get("status", serializer.instance.status),
            notes=d.get("notes", ""),
        )


class SealViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Seal.objects.all()
    serializer_class = s.SealSerializer
    filterset_class = SealFilter

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        serializer.instance = services.seal_create(actor=self.request.user, **d)


class SealCheckViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = SealCheck.objects.all()
    serializer_class = s.SealCheckSerializer

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        serializer.instance = services.seal_check_record(actor=self.request.user, **d)
