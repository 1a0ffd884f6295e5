"""The three rates in the API: the ranking of streets, communities or handlers over a period, read from
the maintained rollup (hotline/rates.py), scoped like the page. Read-only."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from fangkong.areas.models import Area
from fangkong.core.api import UserLanguageMixin
from fangkong.core.dates import DateSerializerField
from fangkong.core.scoping import user_can_see_path

from .. import rates
from ..models_insight import COUNTERS

MAX_DAYS = 366


class RatesQuery(serializers.Serializer):
    level = serializers.ChoiceField(choices=rates.LEVELS, default="street")
    first = DateSerializerField(required=False)
    last = DateSerializerField(required=False)
    area = serializers.IntegerField(required=False, min_value=1, max_value=2**62)

    def validate(self, data):
        today = timezone.localdate()
        data.setdefault("last", today)
        data.setdefault("first", data["last"].replace(day=1))
        if data["last"] < data["first"]:
            raise serializers.ValidationError({"last": [_("The end is before the start.")]})
        if (data["last"] - data["first"]).days > MAX_DAYS:
            raise serializers.ValidationError({"first": [_("At most a year at a time.")]})
        return data


class RateRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    response = serializers.FloatField(allow_null=True)
    resolution = serializers.FloatField(allow_null=True)
    satisfaction = serializers.FloatField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())


class RatesViewSet(UserLanguageMixin, viewsets.ViewSet):
    """响应率、解决率、满意率 per street, community or handler (0..1, null without a denominator) with the
    counts behind them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=list(rates.LEVELS)),
            OpenApiParameter("first", OpenApiTypes.DATE),
            OpenApiParameter("last", OpenApiTypes.DATE),
            OpenApiParameter("area", OpenApiTypes.INT),
        ],
        responses=RateRowSerializer(many=True),
    )
    def list(self, request):
        user = request.user
        if user.has_perm(rates.PERM):
            perm = rates.PERM
        elif user.has_perm(rates.STATS_PERM):
            perm = rates.STATS_PERM
        else:
            raise PermissionDenied
        q = RatesQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        d = q.validated_data
        within = ""
        if d.get("area"):
            area = Area.objects.filter(pk=d["area"]).first()
            if area is None or not user_can_see_path(user, perm, area.path):
                raise NotFound
            within = area.path
        rows = rates.ranking(
            viewer=user, level=d["level"], first=d["first"], last=d["last"], within=within, perm=perm
        )
        out = [
            {
                "key": str(r["key"]),
                "label": r["label"],
                **r["rates"],
                "counts": {c: r[c] or 0 for c in COUNTERS},
            }
            for r in rows
        ]
        return Response(RateRowSerializer(out, many=True).data)
