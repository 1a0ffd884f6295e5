from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from fangkong.areas.models import Area, Level
from fangkong.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from fangkong.core.scoping import ALL, scope_paths

from .. import services
from ..filters import OrderFilter, UnitFilter
from ..matching import normalise
from ..models import Channel, Dispatch, HandlingEntry, Unit, WorkOrder
from .serializers import (
    CloseInputSerializer,
    DispatchInputSerializer,
    DispatchSerializer,
    EntryInputSerializer,
    HandlingEntrySerializer,
    PushSerializer,
    RateInputSerializer,
    UnitSerializer,
    WorkOrderSerializer,
)


def _within(user, street_name: str):
    """Where a pushed order is matched: the named street inside the integration's scope, else its area."""
    paths = scope_paths(user, "hotline.add_workorder")
    base = Area.objects.filter(level__in=[Level.DISTRICT, Level.STREET])
    if paths is not ALL:
        if not paths:
            raise PermissionDenied
        from fangkong.core.scoping import path_q

        base = base.filter(path_q("path", paths))
    if street_name:
        want = normalise(street_name)
        for a in base.filter(level=Level.STREET):
            if normalise(a.name) == want:
                return a
        raise DjangoValidationError({"street": _("Unknown street.")})
    home = base.order_by("depth", "path").first()
    if home is None:
        if paths is not ALL and paths:
            return Area.objects.filter(path=min(paths, key=len)).first()
        raise DjangoValidationError({"street": _("Unknown street.")})
    return home


class WorkOrderViewSet(ScopedModelViewSet):
    """12345 work orders. POST is the city platform's push: idempotent on the order number (201 when
    filed, 200 with the order already filed when the same number comes again)."""

    queryset = WorkOrder.objects.all()
    serializer_class = WorkOrderSerializer
    filterset_class = OrderFilter
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return WorkOrder.objects.all()

    @extend_schema(request=PushSerializer, responses={201: WorkOrderSerializer, 200: WorkOrderSerializer})
    def create(self, request, *args, **kwargs):
        data = PushSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        street = d.pop("street")
        within = _within(request.user, street)
        category = services.category_of(d.pop("category"))
        existed = WorkOrder.objects.filter(
            channel=Channel.CITY_DISPATCH, city_number=d["city_number"].strip()
        ).exists()
        urgency = services.urgency_of(d.get("deadline_class", "")) or "normal"
        order = services.order_create(
            actor=request.user,
            channel=Channel.CITY_DISPATCH,
            within=within,
            category=category,
            urgency=urgency,
            **d,
        )
        return Response(
            WorkOrderSerializer(order, context={"request": request}).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    def _act(self, perm):
        order = self.get_object()
        if not self.request.user.has_perm(perm):
            raise PermissionDenied
        return order

    @extend_schema(request=DispatchInputSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def dispatch_to(self, request, pk=None):
        order = self._act("hotline.dispatch_workorder")
        data = DispatchInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        d = data.validated_data
        order = services.order_dispatch(
            actor=request.user, order=order, unit=d["unit"], co_units=d["co_units"], note=d["note"]
        )
        return Response(WorkOrderSerializer(order).data)

    @extend_schema(request=EntryInputSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def entry(self, request, pk=None):
        order = self._act("hotline.add_handlingentry")
        data = EntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_respond(actor=request.user, order=order, **data.validated_data)
        return Response(WorkOrderSerializer(order).data)

    @extend_schema(request=CloseInputSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        order = self._act("hotline.close_workorder")
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_close(actor=request.user, order=order, **data.validated_data)
        return Response(WorkOrderSerializer(order).data)

    @extend_schema(request=RateInputSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        order = self._act("hotline.rate_workorder")
        data = RateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_rate(actor=request.user, order=order, **data.validated_data)
        return Response(WorkOrderSerializer(order).data)


class DispatchViewSet(ScopedReadOnlyViewSet):
    queryset = Dispatch.objects.all()
    serializer_class = DispatchSerializer
    filterset_fields = ["order", "unit"]


class HandlingEntryViewSet(ScopedReadOnlyViewSet):
    queryset = HandlingEntry.objects.all()
    serializer_class = HandlingEntrySerializer
    filterset_fields = ["order", "kind"]


class UnitViewSet(ScopedReadOnlyViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
