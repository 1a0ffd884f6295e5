from fangkong.core.api import router

from .views import (
    AlertViewSet,
    HealthReportViewSet,
    OrderEventViewSet,
    OrderViewSet,
    RequiredTestViewSet,
    RoomViewSet,
    StayViewSet,
)

router.register("observation/orders", OrderViewSet, basename="observation-order")
router.register("observation/order-events", OrderEventViewSet, basename="observation-orderevent")
router.register("observation/tests", RequiredTestViewSet, basename="observation-test")
router.register("observation/reports", HealthReportViewSet, basename="observation-report")
router.register("observation/alerts", AlertViewSet, basename="observation-alert")
router.register("observation/rooms", RoomViewSet, basename="observation-room")
router.register("observation/stays", StayViewSet, basename="observation-stay")
