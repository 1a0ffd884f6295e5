from fangkong.core.api import router

from . import views

router.register("screening/campaigns", views.CampaignViewSet, basename="screening-campaign")
router.register("screening/targets", views.TargetViewSet, basename="screening-target")
router.register("screening/coverage", views.CoverageViewSet, basename="screening-coverage")
router.register("screening/exemptions", views.ExemptionViewSet, basename="screening-exemption")
router.register("screening/sites", views.SiteViewSet, basename="screening-site")
router.register("screening/lane-staff", views.LaneStaffViewSet, basename="screening-lanestaff")
router.register("screening/plans", views.PlanViewSet, basename="screening-plan")
router.register("screening/slots", views.SlotViewSet, basename="screening-slot")
router.register("screening/tubes", views.TubeViewSet, basename="screening-tube")
router.register("screening/samples", views.SampleViewSet, basename="screening-sample")
router.register("screening/boxes", views.BoxViewSet, basename="screening-box")
router.register("screening/box-events", views.BoxEventViewSet, basename="screening-boxevent")
router.register("screening/results", views.LabResultViewSet, basename="screening-result")
router.register("screening/lab-imports", views.LabImportViewSet, basename="screening-labimport")
router.register("screening/retests", views.RetestViewSet, basename="screening-retest")
router.register("screening/transfers", views.TransferViewSet, basename="screening-transfer")
router.register("screening/antigen", views.AntigenViewSet, basename="screening-antigen")
router.register("screening/home-visits", views.HomeVisitViewSet, basename="screening-homevisit")
