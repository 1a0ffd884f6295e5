from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services
from ..filters import AlertFilter, OrderFilter, ReportFilter, RoomFilter, StayFilter
from ..models import Alert, HealthReport, ObservationOrder, OrderEvent, RequiredTest, Room, Stay
from .serializers import (
    AlertResolveSerializer,
    AlertSerializer,
    HealthReportSerializer,
    OrderEventSerializer,
    OrderSerializer,
    RequiredTestSerializer,
    RoomSerializer,
    StaySerializer,
)


class OrderViewSet(ScopedModelViewSet):
    """Observation orders; creating one computes its end and tests from policy (services.order_create)."""

    queryset = ObservationOrder.objects.all()
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return ObservationOrder.objects.prefetch_related("tests")

    def perform_create(self, serializer):
        serializer.instance = services.order_create(actor=self.request.user, **serializer.validated_data)


class OrderEventViewSet(ScopedReadOnlyViewSet):
    queryset = OrderEvent.objects.all()
    serializer_class = OrderEventSerializer
    filterset_fields = ["order", "kind"]


class RequiredTestViewSet(ScopedReadOnlyViewSet):
    queryset = RequiredTest.objects.all()
    serializer_class = RequiredTestSerializer
    filterset_fields = ["order", "result", "due_date"]


class HealthReportViewSet(ScopedModelViewSet):
    """Daily reports entered by workers (residents use their signed link)."""

    queryset = HealthReport.objects.all()
    serializer_class = HealthReportSerializer
    filterset_class = ReportFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.report_submit(actor=self.request.user, **serializer.validated_data)


class AlertViewSet(ScopedReadOnlyViewSet):
    queryset = Alert.objects.all()
    serializer_class = AlertSerializer
    filterset_class = AlertFilter

    @extend_schema(request=AlertResolveSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        alert = self.get_object()
        if not request.user.has_perm("observation.change_alert"):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        data = AlertResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_resolve(actor=request.user, alert=alert, **data.validated_data)
        return Response(AlertSerializer(alert).data)


class RoomViewSet(ScopedModelViewSet):
    queryset = Room.objects.all()
    serializer_class = RoomSerializer
    filterset_class = RoomFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.room_create(actor=self.request.user, **serializer.validated_data)


class StayViewSet(ScopedReadOnlyViewSet):
    queryset = Stay.objects.all()
    serializer_class = StaySerializer
    filterset_class = StayFilter
