from fangkong.core.api import KeysetPagination, ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services
from ..filters import AreaFilter, PlaceFilter
from ..models import Area, Place
from .serializers import AreaSerializer, PlaceSerializer


class PathPagination(KeysetPagination):
    ordering = "path"


class AreaViewSet(ScopedReadOnlyViewSet):
    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    pagination_class = PathPagination


class PlaceViewSet(ScopedModelViewSet):
    # No DELETE: no service removes a place (gates, posts and scans hang on it by protected keys).
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    queryset = Place.objects.all()
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.place_create(actor=self.request.user, area=data.pop("area"), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("area", None)
        serializer.instance = services.place_update(
            actor=self.request.user, place=serializer.instance, **data
        )
