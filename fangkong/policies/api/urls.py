from fangkong.core.api import router

from .views import PolicyDefinitionViewSet, PolicyViewSet

router.register("policy-definitions", PolicyDefinitionViewSet, basename="policydefinition")
router.register("policies", PolicyViewSet, basename="policy")
