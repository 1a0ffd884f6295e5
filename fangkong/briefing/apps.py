from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingConfig(AppConfig):
    name = "fangkong.briefing"
    label = "briefing"
    verbose_name = _("Leadership briefing")

    def ready(self):
        from fangkong.core.context_processors import EXTRA_NAV

        entries = [
            (_("Dashboard"), "briefing:dashboard", "briefing.view_figurevalue"),
            (_("Command screen"), "briefing:command", "briefing.view_figurevalue"),
            (_("Briefings"), "briefing:archive", "briefing.view_briefing"),
        ]
        for entry in entries:
            if entry not in EXTRA_NAV:
                EXTRA_NAV.append(entry)
