"""The workforce viewsets on the one router."""

from fangkong.core.api import router

from . import views

router.register("workforce/workers", views.WorkerViewSet, basename="workforce-worker")
router.register("workforce/requests", views.DeploymentRequestViewSet, basename="workforce-request")
router.register("workforce/assignments", views.AssignmentViewSet, basename="workforce-assignment")
router.register("workforce/links", views.RegistrationLinkViewSet, basename="workforce-link")

from .. import care_api  # noqa: E402

# Care and health (issue 20, wf3).
router.register("workforce/insurance", care_api.InsuranceViewSet, basename="workforce-insurance")
router.register("workforce/care-issues", care_api.CareIssueViewSet, basename="workforce-careissue")
router.register("workforce/rest-days", care_api.RestDayViewSet, basename="workforce-restday")
router.register("workforce/health-reports", care_api.HealthReportViewSet, basename="workforce-healthreport")
router.register("workforce/worker-care", care_api.WorkerCareViewSet, basename="workforce-workercare")
router.register("workforce/figures", care_api.FiguresViewSet, basename="workforce-figures")
