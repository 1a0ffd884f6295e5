from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from fangkong.core.api import ScopedModelViewSet

from .. import services
from ..filters import PersonFilter, StatusChangeFilter, VisitFilter, VulnerableEntryFilter
from ..models import Person, StatusChange, Visit, VulnerableEntry
from .serializers import (
    PersonSerializer,
    RevealResultSerializer,
    RevealSerializer,
    StatusChangeSerializer,
    VisitSerializer,
    VulnerableEntrySerializer,
)


class PersonViewSet(ScopedModelViewSet):
    """Residents, masked. POST /api/people/<id>/reveal/ {field, reason} returns a clear value and logs it."""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return Person.objects.select_related("area")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.person_create(
            actor=self.request.user, household=data.pop("area"), **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        person = services.person_edit(
            actor=self.request.user, person=serializer.instance, household=data.pop("area", None), **data
        )
        serializer.instance = Person.objects.select_related("area").get(pk=person.pk)

    @extend_schema(request=RevealSerializer, responses=RevealResultSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def reveal(self, request, pk=None):
        person = self.get_object()
        ser = RevealSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        value = services.person_reveal(actor=request.user, person=person, **ser.validated_data)
        return Response({"field": ser.validated_data["field"], "value": value})


class StatusChangeViewSet(ScopedModelViewSet):
    """Dated status history; entries are appended, never edited."""

    queryset = StatusChange.objects.all()
    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.person_status_set(
            actor=self.request.user,
            person=d["person"],
            status=d["status"],
            reason=d["reason"],
            since=d.get("since") or timezone.now(),
            source=d.get("source", ""),
        )


class VulnerableEntryViewSet(ScopedModelViewSet):
    queryset = VulnerableEntry.objects.all()
    serializer_class = VulnerableEntrySerializer
    filterset_class = VulnerableEntryFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return VulnerableEntry.objects.select_related("person")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.vulnerable_entry_create(
            actor=self.request.user, person=data.pop("person"), **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("person", None)
        serializer.instance = services.vulnerable_entry_update(
            actor=self.request.user, entry=serializer.instance, **data
        )


class VisitViewSet(ScopedModelViewSet):
    queryset = Visit.objects.all()
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.visit_add(actor=self.request.user, entry=data.pop("entry"), **data)
