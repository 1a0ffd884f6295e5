from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "fangkong.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from fangkong.core import menu

        menu.register("system", _("Policies"), "policies:policy-list", "policies.view_policy", order=80)
