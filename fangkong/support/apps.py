from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "fangkong.support"
    label = "support"
    verbose_name = _("Closed-community support")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core import menu

        from . import figures, lookups  # noqa: F401

        menu.register(
            "closures",
            _("Closures"),
            "support:closure-list",
            ("support.view_closure", "people.view_statistics"),
            order=60,
        )
        menu.register(
            "closures", _("Service requests"), "support:request-list", "support.view_request", order=61
        )
        menu.register("closures", _("Phone line"), "support:quick-entry", "support.add_request", order=62)
        # The runners of the service teams (community workers, grid members, down-sunk cadres).
        menu.register(
            "closures",
            _("My deliveries"),
            "support:runner",
            roles=("community_worker", "grid_member", "cadre"),
            order=63,
        )
        figures.register()
        # Whom an escalation goes to is a code: the policy pages show its label.
        from fangkong.policies.display import VALUE_LABELS

        from .models import Escalation

        targets = dict(Escalation.Target.choices)
        VALUE_LABELS.update(
            {"support.escalation.overdue_targets": targets, "support.escalation.urgent_targets": targets}
        )
