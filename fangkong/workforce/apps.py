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
