from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from fangkong.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services
from ..filters import AssignmentFilter, LinkFilter, RequestFilter, WorkerFilter
from ..models import Assignment, DeploymentRequest, RegistrationLink, Worker
from .serializers import (
    AssignmentSerializer,
    DeploymentRequestSerializer,
    RegistrationLinkSerializer,
    RevealResultSerializer,
    RevealSerializer,
    WorkerSerializer,
)


class WorkerViewSet(ScopedModelViewSet):
    """The registry's workers, masked. POST /api/workforce/workers/<id>/reveal/ {field, reason} returns a
    clear value and logs it. The team (area) changes by assignment only."""

    queryset = Worker.objects.all()
    serializer_class = WorkerSerializer
    filterset_class = WorkerFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return Worker.objects.select_related("area")

    def perform_create(self, serializer):
        serializer.instance = services.worker_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("area", None)
        worker = services.worker_update(actor=self.request.user, worker=serializer.instance, **data)
        serializer.instance = Worker.objects.select_related("area").get(pk=worker.pk)

    @extend_schema(request=RevealSerializer, responses=RevealResultSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def reveal(self, request, pk=None):
        worker = self.get_object()
        ser = RevealSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        value = services.worker_reveal(actor=request.user, worker=worker, **ser.validated_data)
        return Response({"field": ser.validated_data["field"], "value": value})


class DeploymentRequestViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Needs stated by streets and communities; created through the service (scope-checked, logged)."""

    queryset = DeploymentRequest.objects.all()
    serializer_class = DeploymentRequestSerializer
    filterset_class = RequestFilter

    def base_queryset(self):
        return DeploymentRequest.objects.select_related("area")

    def perform_create(self, serializer):
        serializer.instance = services.request_create(actor=self.request.user, **serializer.validated_data)


class AssignmentViewSet(ScopedReadOnlyViewSet):
    queryset = Assignment.objects.all()
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter

    def base_queryset(self):
        return Assignment.objects.select_related("worker", "area")


class RegistrationLinkViewSet(ScopedReadOnlyViewSet):
    queryset = RegistrationLink.objects.all()
    serializer_class = RegistrationLinkSerializer
    filterset_class = LinkFilter
