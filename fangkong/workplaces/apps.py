from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplacesConfig(AppConfig):
    name = "fangkong.workplaces"
    label = "workplaces"
    verbose_name = _("Workplaces")

    def ready(self):
        from fangkong.core import menu
        from fangkong.policies.services import governor_register

        from . import rules, services
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines and search (core/workbench.py)
        menu.register(
            "residents", _("Workplaces"), "workplaces:workplace-list", "workplaces.view_workplace", order=15
        )
        menu.register(
            "residents",
            _("Workplace rule violations"),
            "workplaces:violation-list",
            "workplaces.view_violation",
            order=16,
        )
        menu.register(
            "residents", _("My workplace"), "workplaces:mine", roles=("workplace_contact",), order=17
        )
        # A new version of a dormitory rule re-checks every workplace's rooms, whichever path saves it.
        governor_register(
            name="workplaces",
            label=_("workplace dormitory rules"),
            keys=rules.ROOM_KEYS,
            preview=services.policy_change_preview,
            reevaluate=services.policy_reevaluate,
        )
        from . import apps_reports

        apps_reports.ready()  # wp2: zero reports, inspections, ledger (workbench, briefing, menu)
