from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from fangkong.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import selectors, services
from ..filters import ClosureFilter, KnockFilter, RequestFilter
from ..models import (
    Closure,
    DeliveryAttempt,
    Distribution,
    DoorKnock,
    Escalation,
    Request,
    RequestStep,
    SupplyLot,
    TeamMember,
)
from . import serializers as s


def _drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class ClosureViewSet(ScopedReadOnlyViewSet):
    """Closed areas with the counts of people they affect (declare and end them on the pages)."""

    queryset = Closure.objects.all()
    serializer_class = s.ClosureSerializer
    filterset_class = ClosureFilter

    @extend_schema(responses={200: None})
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        """The closure's figures per day (selectors.closure_series)."""
        return Response(selectors.closure_series(self.get_object()))


class RequestViewSet(ScopedModelViewSet):
    """Service requests. POST files one (idempotent with a client_id) through services.request_create."""

    queryset = Request.objects.all()
    nul_per_item = {"sync"}  # the runner's offline backlog: a NUL rejects its item alone (the service)
    serializer_class = s.RequestSerializer
    filterset_class = RequestFilter
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return Request.objects.prefetch_related("steps")

    def perform_create(self, serializer):
        d = serializer.validated_data
        try:
            serializer.instance = services.request_create(
                actor=self.request.user,
                household=d["area"],
                kind=d["kind"],
                source=d.get("source", "phone"),
                note=d.get("note", ""),
                contact_phone=d.get("contact_phone", ""),
                client_id=d.get("client_id"),
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc

    @extend_schema(request=s.AssignSerializer, responses=s.RequestSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        req = self.get_object()
        if not request.user.has_perm("support.change_request"):
            raise PermissionDenied
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = selectors.members_of(req.closure).filter(pk=data.validated_data["member"]).first()
        if member is None:
            raise ValidationError({"member": [_("Choose a member of this closure's teams.")]})
        try:
            req = services.request_assign(actor=request.user, request=req, member=member)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.RequestSerializer(req, context={"request": request}).data)

    @extend_schema(responses=s.RequestSerializer(many=True))
    @action(detail=False, methods=["get"])
    def mine(self, request):
        """The runner's tasks: requests assigned to the caller's team memberships (open or delivered today)."""
        rows = selectors.runner_tasks(user=request.user)[:500]
        return Response(s.RequestSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(request=s.RunnerSyncSerializer, responses={200: None})
    @action(detail=False, methods=["post"])
    def sync(self, request):
        """The runner's offline queue: POST {"actions": [{client_id, request, action, reason?, at?}]} →
        {"results": [{client_id, status: ok | duplicate | rejected, message}]} in order; a retry is a no-op."""
        data = s.RunnerSyncSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            {"results": services.runner_sync(actor=request.user, items=data.validated_data["actions"])}
        )


class TeamMemberViewSet(ScopedReadOnlyViewSet):
    queryset = TeamMember.objects.all()
    serializer_class = s.TeamMemberSerializer
    filterset_fields = ["team", "active"]


class RequestStepViewSet(ScopedReadOnlyViewSet):
    queryset = RequestStep.objects.all()
    serializer_class = s.RequestStepSerializer
    filterset_fields = ["request", "step"]


class DeliveryAttemptViewSet(ScopedReadOnlyViewSet):
    queryset = DeliveryAttempt.objects.all()
    serializer_class = s.DeliveryAttemptSerializer
    filterset_fields = ["request", "outcome"]


class EscalationViewSet(ScopedReadOnlyViewSet):
    queryset = Escalation.objects.all()
    serializer_class = s.EscalationSerializer
    filterset_fields = ["request", "target", "why"]


class DoorKnockViewSet(ScopedReadOnlyViewSet):
    queryset = DoorKnock.objects.all()
    serializer_class = s.DoorKnockSerializer
    filterset_class = KnockFilter


class SupplyLotViewSet(ScopedReadOnlyViewSet):
    queryset = SupplyLot.objects.all()
    serializer_class = s.SupplyLotSerializer
    filterset_fields = ["closure", "checkpoint"]


class DistributionViewSet(ScopedReadOnlyViewSet):
    queryset = Distribution.objects.all()
    serializer_class = s.DistributionSerializer
    filterset_fields = ["closure", "checkpoint"]
