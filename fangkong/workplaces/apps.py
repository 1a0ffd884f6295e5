from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplacesConfig(AppConfig):
    name = "fangkong.workplaces"
    label = "workplaces"
    verbose_name = _("Workplaces")

    def ready(self):
        from . import apps_reports

        apps_reports.ready()  # wp2: zero reports, inspections, ledger (workbench, briefing, menu)
