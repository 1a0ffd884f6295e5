from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    label = "people"
    verbose_name = _("Residents")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core import menu
        from fangkong.core.figures import register_section

        from . import figures

        register_section(figures.section())  # its section of the leadership briefing
        from fangkong.core.metrics import register_collector

        from . import metrics

        register_collector("people", metrics.collect)  # its figures on /metrics, read at scrape time

        menu.register("residents", _("Residents"), "people:person-list", "people.view_person", order=10)
        menu.register(
            "residents", _("Vulnerable ledger"), "people:ledger", "people.view_vulnerableentry", order=11
        )
        menu.register(
            "residents", _("Residents by status"), "people:status-counts", "people.view_statistics", order=12
        )
