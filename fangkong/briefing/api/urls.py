from fangkong.core.api import router

from .views import BriefingViewSet, FigureValueViewSet, ItemViewSet

router.register("briefing/briefings", BriefingViewSet, basename="briefing-briefing")
router.register("briefing/figures", FigureValueViewSet, basename="briefing-figure")
router.register("briefing/items", ItemViewSet, basename="briefing-item")
