from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingConfig(AppConfig):
    name = "fangkong.briefing"
    label = "briefing"
    verbose_name = _("Leadership briefing")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core import menu

        menu.register("briefing", _("Dashboard"), "briefing:dashboard", "briefing.view_figurevalue", order=70)
        menu.register(
            "briefing", _("Command screen"), "briefing:command", "briefing.view_figurevalue", order=69
        )
        menu.register("briefing", _("Briefings"), "briefing:archive", "briefing.view_briefing", order=71)
