from fangkong.core.api import router

from . import views as v

router.register("support/closures", v.ClosureViewSet, basename="support-closure")
router.register("support/requests", v.RequestViewSet, basename="support-request")
router.register("support/members", v.TeamMemberViewSet, basename="support-member")
router.register("support/steps", v.RequestStepViewSet, basename="support-step")
router.register("support/attempts", v.DeliveryAttemptViewSet, basename="support-attempt")
router.register("support/escalations", v.EscalationViewSet, basename="support-escalation")
router.register("support/knocks", v.DoorKnockViewSet, basename="support-knock")
router.register("support/lots", v.SupplyLotViewSet, basename="support-lot")
router.register("support/distributions", v.DistributionViewSet, basename="support-distribution")
