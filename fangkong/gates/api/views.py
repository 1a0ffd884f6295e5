from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.areas.models import Place
from fangkong.core.api import ScopedReadOnlyViewSet
from fangkong.core.scoping import user_can_see_path

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
    Seal,
    SealCheck,
)
from . import serializers as s


class ScanViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Gate scans. POST one scan (returns the verdict) or a batch of up to 1,000 (per-item status)."""

    queryset = ScanEvent.objects.all()
    serializer_class = s.ScanSerializer
    filterset_class = ScanFilter

    def base_queryset(self):
        return ScanEvent.objects.select_related("place")

    @extend_schema(request=s.ScanInSerializer, responses={201: s.ScanSerializer})
    def create(self, request, *args, **kwargs):
        data = s.ScanInSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        attrs = dict(data.validated_data)
        place = Place.objects.filter(pk=attrs.pop("place")).first()
        if place is None or not user_can_see_path(request.user, "gates.add_scanevent", place.area_path):
            raise serializers.ValidationError({"place": [_("Unknown place.")]})
        post_id = attrs.pop("post", None)
        post = Post.objects.filter(pk=post_id, place=place).first() if post_id else None
        scan, res = services.scan_record(actor=request.user, place=place, post=post, **attrs)
        if res.status == "error":
            raise serializers.ValidationError(res.errors)
        body = {**s.ScanSerializer(scan).data, "status": res.status, "verdict_detail": res.verdict}
        return Response(
            body, status=status.HTTP_201_CREATED if res.status == "accepted" else status.HTTP_200_OK
        )

    @extend_schema(request=s.BatchInSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="batch")
    def batch(self, request):
        data = s.BatchInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = []
        for raw in data.validated_data["scans"]:
            item = dict(raw)
            token = item.pop("place_token", "")
            if token:
                code = selectors.place_code_resolve(token)
                item["place"] = code.place_id if code else None
            items.append(item)
        results = [r.as_dict() for r in services.scan_batch_record(actor=request.user, items=items)]
        counts = {k: sum(1 for r in results if r["status"] == k) for k in ("accepted", "duplicate", "error")}
        return Response({**counts, "results": results})

    @action(detail=False, methods=["get"], url_path="by-day")
    def by_day(self, request):
        rows = selectors.scans_by_place_and_day(viewer=request.user)
        return Response([{**r, "day": r["day"].isoformat() if r["day"] else None} for r in rows])


class PassViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Pass.objects.all()
    serializer_class = s.PassSerializer
    filterset_class = PassFilter

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.pass_issue(
            actor=self.request.user, person=d["person"], valid_from=d.get("valid_from")
        )

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        p = get_object_or_404(Pass.objects.visible_to(request.user, "gates.change_pass"), pk=pk)
        reason = str(request.data.get("reason", "")).strip()
        if not reason:
            raise serializers.ValidationError({"reason": [_("Give a reason.")]})
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
