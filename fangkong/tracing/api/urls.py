from fangkong.core.api import router

from .views import (
    CaseLinkViewSet,
    CaseViewSet,
    ClusterViewSet,
    ContactViewSet,
    GraphViewSet,
    ScreeningTaskViewSet,
    TimelineEntryViewSet,
)

router.register("tracing/cases", CaseViewSet, basename="tracing-case")
router.register("tracing/timeline", TimelineEntryViewSet, basename="tracing-timeline")
router.register("tracing/contacts", ContactViewSet, basename="tracing-contact")
router.register("tracing/links", CaseLinkViewSet, basename="tracing-link")
router.register("tracing/clusters", ClusterViewSet, basename="tracing-cluster")
router.register("tracing/tasks", ScreeningTaskViewSet, basename="tracing-task")
router.register("tracing/graph", GraphViewSet, basename="tracing-graph")
