from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from fangkong.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services
from ..filters import PlanFilter, RoomFilter, StaffFilter, ViolationFilter, WorkplaceFilter
from ..models import Dormitory, Plan, Room, StaffMember, Violation, Workplace
from .serializers import (
    DormitorySerializer,
    PlanDecisionSerializer,
    PlanSerializer,
    RoomSerializer,
    RoomUpdateSerializer,
    StaffMemberSerializer,
    ViolationSerializer,
    WorkplaceSerializer,
    WorkplaceUpdateSerializer,
)


class WorkplaceViewSet(ScopedModelViewSet):
    """The workplace registry; writes through services.workplace_create / workplace_update."""

    queryset = Workplace.objects.all()
    serializer_class = WorkplaceSerializer
    filterset_class = WorkplaceFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return Workplace.objects.select_related("area").order_by("pk")

    def get_serializer_class(self):
        return WorkplaceUpdateSerializer if self.action == "partial_update" else WorkplaceSerializer

    def perform_create(self, serializer):
        serializer.instance = services.workplace_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("address", None)
        serializer.instance = services.workplace_update(
            actor=self.request.user, workplace=serializer.instance, **data
        )


class PlanViewSet(ScopedReadOnlyViewSet):
    """Plan versions (the file itself: /workplaces/plans/<id>/file/); generate, submit, decide."""

    queryset = Plan.objects.all()
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def base_queryset(self):
        return Plan.objects.defer("file").order_by("pk")

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan = self.get_object()
        if not request.user.has_perm("workplaces.change_plan"):
            raise PermissionDenied
        return Response(PlanSerializer(services.plan_submit(actor=request.user, plan=plan)).data)

    @extend_schema(request=PlanDecisionSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        plan = self.get_object()
        if not request.user.has_perm("workplaces.approve_plan"):
            raise PermissionDenied
        data = PlanDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_decide(actor=request.user, plan=plan, **data.validated_data)
        return Response(PlanSerializer(plan).data)


class StaffMemberViewSet(ScopedModelViewSet):
    queryset = StaffMember.objects.all()
    serializer_class = StaffMemberSerializer
    filterset_class = StaffFilter
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return StaffMember.objects.order_by("pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("active", None)
        serializer.instance = services.staff_add(actor=self.request.user, **data)


class DormitoryViewSet(ScopedModelViewSet):
    queryset = Dormitory.objects.all()
    serializer_class = DormitorySerializer
    filterset_fields = ["workplace", "underground"]
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return Dormitory.objects.order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = services.dormitory_create(actor=self.request.user, **serializer.validated_data)


class RoomViewSet(ScopedModelViewSet):
    """Dormitory rooms; a write re-checks the room against the rules at once."""

    queryset = Room.objects.all()
    serializer_class = RoomSerializer
    filterset_class = RoomFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return Room.objects.order_by("pk")

    def get_serializer_class(self):
        return RoomUpdateSerializer if self.action == "partial_update" else RoomSerializer

    def perform_create(self, serializer):
        serializer.instance = services.room_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.room_update(
            actor=self.request.user, room=serializer.instance, **serializer.validated_data
        )


class ViolationViewSet(ScopedReadOnlyViewSet):
    queryset = Violation.objects.all()
    serializer_class = ViolationSerializer
    filterset_class = ViolationFilter

    def base_queryset(self):
        return Violation.objects.select_related("policy").order_by("-found_at", "-id")
