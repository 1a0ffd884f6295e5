"""API of zero reports (filed through the service), missing alerts, inspections, ledger items and the
figures per street and type."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from fangkong.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, router

from .. import figures, services
from ..filters_reports import InspectionFilter, LedgerItemFilter, MissingReportFilter, ZeroReportFilter
from ..models import Inspection, LedgerItem, MissingReportAlert, ZeroReport
from .serializers_reports import (
    InspectionSerializer,
    LedgerItemSerializer,
    MissingReportSerializer,
    ZeroReportSerializer,
)


class ZeroReportViewSet(ScopedModelViewSet):
    """Daily zero reports; a POST files today's (a second one the same day amends it)."""

    queryset = ZeroReport.objects.all()
    serializer_class = ZeroReportSerializer
    filterset_class = ZeroReportFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.zero_report_file(actor=self.request.user, **serializer.validated_data)

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"])
    def figures(self, request):
        """Per street and workplace type: open, reporting today, missing, violations by rule, ledger, grades."""
        if not any(request.user.has_perm(p) for p in figures.VIEW_PERMS):
            raise PermissionDenied
        return Response(figures.street_type_figures(viewer=request.user))


class MissingReportViewSet(ScopedReadOnlyViewSet):
    queryset = MissingReportAlert.objects.all()
    serializer_class = MissingReportSerializer
    filterset_class = MissingReportFilter


class InspectionViewSet(ScopedReadOnlyViewSet):
    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter


class LedgerItemViewSet(ScopedReadOnlyViewSet):
    queryset = LedgerItem.objects.all()
    serializer_class = LedgerItemSerializer
    filterset_class = LedgerItemFilter


router.register("workplaces/zero-reports", ZeroReportViewSet, basename="workplaces-zeroreport")
router.register("workplaces/missing-reports", MissingReportViewSet, basename="workplaces-missingreport")
router.register("workplaces/inspections", InspectionViewSet, basename="workplaces-inspection")
router.register("workplaces/ledger", LedgerItemViewSet, basename="workplaces-ledgeritem")
