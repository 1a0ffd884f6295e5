from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "fangkong.tracing"
    label = "tracing"
    verbose_name = _("Investigation")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core import menu

        from . import figures  # noqa: F401  (registers the briefing section)

        menu.register("screening", _("Investigation"), "tracing:case-list", "tracing.view_case", order=50)
        menu.register(
            "screening", _("Contacts to follow"), "tracing:contact-list", "tracing.view_contact", order=51
        )
        menu.register(
            "screening", _("Risk-area screening"), "tracing:task-list", "tracing.view_screeningtask", order=52
        )
