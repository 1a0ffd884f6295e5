from fangkong.core.api import router

from .views import AreaViewSet, PlaceViewSet

router.register("areas", AreaViewSet, basename="area")
router.register("places", PlaceViewSet, basename="place")
