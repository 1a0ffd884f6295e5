from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "fangkong.workforce"
    label = "workforce"
    verbose_name = _("Workforce")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines and search (core/workbench.py)
        from fangkong.core import menu

        # The workforce staffs the posts: its pages sit in the gates group (SPLIT.md).
        menu.register("gates", _("Workers"), "workforce:worker-list", "workforce.view_worker", order=40)
        menu.register(
            "gates", _("Deployment"), "workforce:deployment", "workforce.view_deploymentrequest", order=41
        )
        from fangkong.core.figures import register_section

        from . import care_workbench, figures

        # Care and health (issue 20, wf3): the briefing's section, the workbench lines, the menu entries.
        register_section(figures.section())
        from fangkong.policies.display import VALUE_LABELS

        from .care_selectors import NEGATIVE_DUTIES_KEY
        from .models import Duty

        VALUE_LABELS[NEGATIVE_DUTIES_KEY] = dict(Duty.choices)  # the duties read as their names
        care_workbench.register()
        menu.register(
            "gates",
            _("Rest and care of workers"),
            "workforce:care-overview",
            "workforce.view_worker",
            order=46,
        )
        menu.register(
            "gates",
            _("Meals and equipment issued"),
            "workforce:care-issue-list",
            "workforce.view_careissue",
            order=47,
        )
        menu.register(
            "gates",
            _("Workforce figures"),
            "workforce:figures",
            ("workforce.view_worker", "people.view_statistics"),
            order=48,
        )
        menu.register("gates", _("My duty"), "workforce:my-duty", roles=("cadre", "gate_volunteer"), order=19)
        self._ready_rosters()

    def _ready_rosters(self):
        """Rosters and attendance (issue 20): their menu entries in the gates group and workbench lines."""
        from fangkong.core import menu

        from . import workbench as _workbench

        _workbench.register_rosters()
        for order, (label, name, perm) in enumerate(
            [
                (_("Duty roster"), "workforce:roster", "gates.view_postshift"),
                (_("Posts and their cover"), "workforce:post-cover", "gates.view_post"),
                (_("Attendance"), "workforce:attendance-list", "workforce.view_attendance"),
            ]
        ):
            menu.register("gates", label, name, perm, order=43 + order)
