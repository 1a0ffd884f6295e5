from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    label = "people"
    verbose_name = _("Residents")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core.context_processors import EXTRA_NAV
        from fangkong.core.figures import register_section

        from . import figures

        register_section(figures.section())  # its section of the leadership briefing

        for item in [
            (_("Residents"), "people:person-list", "people.view_person"),
            (_("Vulnerable ledger"), "people:ledger", "people.view_vulnerableentry"),
            (_("Residents by status"), "people:status-counts", "people.view_statistics"),
        ]:
            if item[1] not in {n for _l, n, _p in EXTRA_NAV}:
                EXTRA_NAV.append(item)
