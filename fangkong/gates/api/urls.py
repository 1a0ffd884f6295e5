from fangkong.core.api import router

from . import views

router.register("gates/scans", views.ScanViewSet, basename="gates-scan")
router.register("gates/visits", views.ScanVisitorViewSet, basename="gates-scanvisitor")
router.register("gates/passes", views.PassViewSet, basename="gates-pass")
router.register("gates/place-codes", views.PlaceCodeViewSet, basename="gates-placecode")
router.register("gates/posts", views.PostViewSet, basename="gates-post")
router.register("gates/shifts", views.PostShiftViewSet, basename="gates-shift")
router.register("gates/returnees", views.ReturneeViewSet, basename="gates-returnee")
router.register("gates/inspections", views.HomeInspectionViewSet, basename="gates-inspection")
router.register("gates/follow-ups", views.FollowUpViewSet, basename="gates-followup")
router.register("gates/seals", views.SealViewSet, basename="gates-seal")
router.register("gates/seal-checks", views.SealCheckViewSet, basename="gates-sealcheck")
