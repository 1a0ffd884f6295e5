from fangkong.core.api import router

from .views import ScopeViewSet, UserViewSet

router.register("users", UserViewSet, basename="user")
router.register("scopes", ScopeViewSet, basename="scope")
