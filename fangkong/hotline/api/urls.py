"""Hotline API routes on the one router (the leak test walks router.registry)."""

from fangkong.core.api import router

from .views import DispatchViewSet, HandlingEntryViewSet, UnitViewSet, WorkOrderViewSet

router.register("hotline/orders", WorkOrderViewSet, basename="hotline-order")
router.register("hotline/dispatches", DispatchViewSet, basename="hotline-dispatch")
router.register("hotline/entries", HandlingEntryViewSet, basename="hotline-entry")
router.register("hotline/units", UnitViewSet, basename="hotline-unit")

from .rates import RatesViewSet  # noqa: E402

router.register("hotline/rates", RatesViewSet, basename="hotline-rates")
