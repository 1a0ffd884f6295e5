"""The workforce viewsets on the one router."""

from fangkong.core.api import router

from . import views

router.register("workforce/workers", views.WorkerViewSet, basename="workforce-worker")
router.register("workforce/requests", views.DeploymentRequestViewSet, basename="workforce-request")
router.register("workforce/assignments", views.AssignmentViewSet, basename="workforce-assignment")
router.register("workforce/links", views.RegistrationLinkViewSet, basename="workforce-link")
