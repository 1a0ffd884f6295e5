from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from fangkong.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services, views
from ..filters import BriefingFilter, FigureValueFilter, ItemFilter
from ..models import Briefing, FigureValue, Item
from .serializers import (
    BriefingSerializer,
    FigureValueSerializer,
    GenerateSerializer,
    ItemSerializer,
    ItemStateSerializer,
)


class BriefingViewSet(ScopedReadOnlyViewSet):
    """Daily briefings (frozen snapshots); `generate` makes a day's briefing or amends it."""

    queryset = Briefing.objects.all()
    serializer_class = BriefingSerializer
    filterset_class = BriefingFilter

    @extend_schema(request=GenerateSerializer, responses={201: BriefingSerializer})
    @action(detail=False, methods=["post"], serializer_class=GenerateSerializer)
    def generate(self, request):
        if not request.user.has_perm("briefing.add_briefing"):
            raise PermissionDenied
        data = GenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = views._generation_area(request.user)
        briefing = services.briefing_generate(actor=request.user, area=area, **data.validated_data)
        return Response(
            BriefingSerializer(briefing, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class FigureValueViewSet(ScopedReadOnlyViewSet):
    """Every figure of every briefing, per area (community, street, whole): the maintained aggregates."""

    queryset = FigureValue.objects.all()
    serializer_class = FigureValueSerializer
    filterset_class = FigureValueFilter


class ItemViewSet(ScopedModelViewSet):
    """Decisions and tasks of the meetings; `state` moves a task (open, in progress, done)."""

    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.item_add(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=ItemStateSerializer, responses={200: ItemSerializer})
    @action(detail=True, methods=["post"], serializer_class=ItemStateSerializer)
    def state(self, request, pk=None):
        if not request.user.has_perm("briefing.change_item"):
            raise PermissionDenied
        item = get_object_or_404(Item.objects.visible_to(request.user, "briefing.change_item"), pk=pk)
        data = ItemStateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_update(actor=request.user, item=item, state=data.validated_data["state"])
        return Response(ItemSerializer(item, context={"request": request}).data)
