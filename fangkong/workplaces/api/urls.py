from fangkong.core.api import router

from .views import (
    DormitoryViewSet,
    PlanViewSet,
    RoomViewSet,
    StaffMemberViewSet,
    ViolationViewSet,
    WorkplaceViewSet,
)

router.register("workplaces/workplaces", WorkplaceViewSet, basename="workplaces-workplace")
router.register("workplaces/plans", PlanViewSet, basename="workplaces-plan")
router.register("workplaces/staff", StaffMemberViewSet, basename="workplaces-staffmember")
router.register("workplaces/dormitories", DormitoryViewSet, basename="workplaces-dormitory")
router.register("workplaces/rooms", RoomViewSet, basename="workplaces-room")
router.register("workplaces/violations", ViolationViewSet, basename="workplaces-violation")

from . import reports  # noqa: E402,F401  wp2: zero reports, alerts, inspections, ledger
