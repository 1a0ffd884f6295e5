import datetime

from django.utils import timezone

from fangkong.core.testing import register_factory
from fangkong.policies import services
from fangkong.policies.models import Policy


@register_factory(Policy)
def make_policy(area):
    return services.policy_add(
        actor=None,
        key="gate.temperature.threshold",
        value="37.5",
        effective_from=timezone.now() - datetime.timedelta(days=1),
        area=area,
        source="test",
    )
