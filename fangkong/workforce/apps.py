from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "fangkong.workforce"
    label = "workforce"
    verbose_name = _("Workforce")

    def ready(self):
        from fangkong.core import menu
        from fangkong.core.figures import register_section

        from . import care_workbench, figures

        # Care and health (issue 20, wf3): the briefing's section, the workbench lines, the menu entries.
        register_section(figures.section())
        care_workbench.register()
        menu.register(
            "gates",
            _("Rest and care of workers"),
            "workforce:care-overview",
            "workforce.view_worker",
            order=26,
        )
        menu.register(
            "gates",
            _("Meals and equipment issued"),
            "workforce:care-issue-list",
            "workforce.view_careissue",
            order=27,
        )
        menu.register(
            "gates",
            _("Workforce figures"),
            "workforce:figures",
            ("workforce.view_worker", "people.view_statistics"),
            order=28,
        )
        menu.register("gates", _("My duty"), "workforce:my-duty", roles=("cadre", "gate_volunteer"), order=19)
