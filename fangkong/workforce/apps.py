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
