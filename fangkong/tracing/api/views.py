from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from fangkong.core import dates
from fangkong.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, UserLanguageMixin

from .. import selectors, services
from ..filters import CaseFilter, ContactFilter, TaskFilter
from ..models import Case, CaseLink, Cluster, Contact, ScreeningTask, TimelineEntry
from .serializers import (
    CaseLinkSerializer,
    CaseSerializer,
    ClusterSerializer,
    ConfirmResultSerializer,
    ConfirmSerializer,
    ContactSerializer,
    GraphSerializer,
    ScreeningTaskSerializer,
    TimelineEntrySerializer,
)


class CaseViewSet(ScopedModelViewSet):
    """Cases; POST opens one through services.case_open (idempotent on person + source + source_ref)."""

    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return Case.objects.select_related("person")

    def retrieve(self, request, *args, **kwargs):
        from fangkong.core.audit import record_access

        obj = self.get_object()
        record_access(actor=request.user, instance=obj, field="investigation", reason="API")
        return Response(self.get_serializer(obj).data)

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        serializer.instance = services.case_open(actor=self.request.user, **d)


class TimelineEntryViewSet(ScopedReadOnlyViewSet):
    queryset = TimelineEntry.objects.all()
    serializer_class = TimelineEntrySerializer
    filterset_fields = ["case", "source", "day"]

    def get_queryset(self):
        # The timeline is part of the investigation: only for cases the user may see.
        return super().get_queryset().filter(case__in=Case.objects.visible_to(self.request.user).values("pk"))


class ContactViewSet(ScopedReadOnlyViewSet):
    """Contacts (the community sees those it must follow); POST confirm/ confirms many at once."""

    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filterset_class = ContactFilter

    def get_queryset(self):
        from django.db.models import Exists, OuterRef

        # One subquery tells, per row, whether the caller may see the case (the serializer hides it if not).
        cases = Case.objects.visible_to(self.request.user).filter(pk=OuterRef("case_id"))
        return super().get_queryset().annotate(case_visible=Exists(cases))

    @extend_schema(request=ConfirmSerializer, responses=ConfirmResultSerializer)
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        if not request.user.has_perm("tracing.change_contact"):
            raise PermissionDenied
        s = ConfirmSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        ids = s.validated_data["contacts"]
        rows = list(Contact.objects.visible_to(request.user, "tracing.change_contact").filter(pk__in=ids))
        unknown = sorted(set(ids) - {c.pk for c in rows})
        if unknown:
            raise drf_serializers.ValidationError(
                {"contacts": [_("Unknown contact: %(id)s") % {"id": i} for i in unknown[:20]]}
            )
        out = services.contacts_confirm(actor=request.user, contacts=rows, degree=s.validated_data["degree"])
        return Response(
            {
                "confirmed": [c.pk for c in out["confirmed"]],
                "orders": [o.pk for o in out["orders"]],
                "skipped": {str(c.pk): str(why) for c, why in out["skipped"]},
            }
        )


class CaseLinkViewSet(ScopedModelViewSet):
    """Source case → case; a link that would close a loop is refused (400)."""

    queryset = CaseLink.objects.all()
    serializer_class = CaseLinkSerializer
    filterset_fields = ["source", "case", "kind"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.case_link(actor=self.request.user, **serializer.validated_data)


class ClusterViewSet(ScopedReadOnlyViewSet):
    queryset = Cluster.objects.all()
    serializer_class = ClusterSerializer


class ScreeningTaskViewSet(ScopedReadOnlyViewSet):
    queryset = ScreeningTask.objects.all()
    serializer_class = ScreeningTaskSerializer
    filterset_class = TaskFilter


def _date(value):
    if not value:
        return None
    try:
        return dates.parse_date(value)
    except ValueError:  # dates.DateError
        raise drf_serializers.ValidationError({"date": [_("Give a date as YYYY-MM-DD.")]}) from None


class GraphViewSet(UserLanguageMixin, viewsets.ViewSet):
    """The chain graph's nodes and edges (values() rows; for the graph page and other clients)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("cluster", OpenApiTypes.INT),
            OpenApiParameter("area", OpenApiTypes.INT),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
        responses=GraphSerializer,
    )
    def list(self, request):
        from fangkong.areas.models import Area

        if not request.user.has_perm("tracing.view_case"):
            raise PermissionDenied
        q = request.query_params
        cluster = q.get("cluster", "")
        area = None
        if q.get("area"):
            if not q["area"].isdigit():
                raise drf_serializers.ValidationError({"area": [_("Give the area's number.")]})
            area = Area.objects.filter(pk=int(q["area"])).first()
            if area is None:
                raise drf_serializers.ValidationError({"area": [_("Unknown area.")]})
        if cluster and not cluster.isdigit():
            raise drf_serializers.ValidationError({"cluster": [_("Give the cluster's number.")]})
        data = selectors.graph_data(
            viewer=request.user,
            cluster_id=int(cluster) if cluster else None,
            area=area,
            date_from=_date(q.get("date_from")),
            date_to=_date(q.get("date_to")),
        )
        return Response(data)
