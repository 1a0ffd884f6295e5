from fangkong.core.api import router

from .views import PersonViewSet, StatusChangeViewSet, VisitViewSet, VulnerableEntryViewSet

router.register("people", PersonViewSet, basename="person")
router.register("status-changes", StatusChangeViewSet, basename="statuschange")
router.register("vulnerable-entries", VulnerableEntryViewSet, basename="vulnerableentry")
router.register("visits", VisitViewSet, basename="visit")
