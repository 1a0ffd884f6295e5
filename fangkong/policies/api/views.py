from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core import dates
from fangkong.core.api import ScopedViewSetMixin

from .. import selectors, services
from ..models import Policy, PolicyDefinition
from .serializers import (
    PolicyCreatedSerializer,
    PolicyDefinitionSerializer,
    PolicyPreviewInputSerializer,
    PolicyPreviewSerializer,
    PolicySerializer,
    PolicyValueSerializer,
)


class _ValueQuery(serializers.Serializer):
    key = serializers.CharField(max_length=100)
    area = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    at = dates.DateTimeSerializerField(required=False)


class PolicyDefinitionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = PolicyDefinition.objects.all()
    serializer_class = PolicyDefinitionSerializer
    lookup_field = "key"
    lookup_value_regex = r"[\w.]+"
    pagination_class = None

    def get_queryset(self):
        return selectors.definition_list()


class PolicyViewSet(ScopedViewSetMixin, viewsets.mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Versions are never edited: a change is a new version (the old one is closed at its start)."""

    queryset = Policy.objects.all()
    serializer_class = PolicySerializer
    filterset_fields = ["definition__key", "version"]

    def base_queryset(self):
        return Policy.objects.select_related("definition")

    @extend_schema(responses={201: PolicyCreatedSerializer})
    def create(self, request, *args, **kwargs):
        """Save a new version and re-evaluate the open orders it governs (policies.services.policy_change);
        the answer says how many moved (null with `queued` when a background job does it)."""
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        result = services.policy_change(
            actor=request.user,
            key=data.pop("definition").key,
            value=data.pop("value"),
            effective_from=data.pop("effective_from"),
            **data,
        )
        result.policy.moved, result.policy.queued = result.moved, result.queued
        return Response(PolicyCreatedSerializer(result.policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PolicyPreviewInputSerializer, responses=PolicyPreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """What POST /api/policies/ with the same body would move, per area, without saving anything."""
        ser = PolicyPreviewInputSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        preview = services.policy_change_preview(
            actor=request.user,
            key=d["key"].key,
            value=d["value"],
            effective_from=d.get("effective_from"),
            area=d.get("area"),
        )
        return Response(PolicyPreviewSerializer(PolicyPreviewSerializer.from_preview(preview)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("key", str, required=True),
            OpenApiParameter("area", int, required=False),
            OpenApiParameter("at", str, required=False, description="ISO date-time; default now"),
        ],
        responses=PolicyValueSerializer,
    )
    @action(detail=False, methods=["get"])
    def value(self, request):
        q = _ValueQuery(data=request.query_params)
        q.is_valid(raise_exception=True)  # ?area=abc or ?at=2020-02-30: a 400 with field errors
        key, at = q.validated_data["key"], q.validated_data.get("at")
        area = None
        if q.validated_data.get("area") is not None:
            area = Area.objects.visible_to(request.user).filter(pk=q.validated_data["area"]).first()
            if area is None:
                raise NotFound()
        try:
            p = selectors.policy_in_force(key, at=at, area=area)
        except selectors.PolicyMissing as exc:
            raise NotFound(str(exc)) from exc
        return Response(
            PolicyValueSerializer(
                {
                    "key": key,
                    "value": p.value,
                    "version": p.version,
                    "area": p.area_id,
                    "effective_from": p.effective_from,
                    "effective_to": p.effective_to,
                    "source": p.source,
                }
            ).data
        )
