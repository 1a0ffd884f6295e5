"""FilterSets of the hotline's proactive tasks and integrations (UI and API)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from .models import Integration, ProactiveTask


class ProactiveTaskFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = ProactiveTask
        fields = ["status", "category"]


class IntegrationFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Integration
        fields = ["active"]
