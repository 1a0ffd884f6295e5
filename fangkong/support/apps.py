from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "fangkong.support"
    label = "support"
    verbose_name = _("Closed-community support")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core.context_processors import EXTRA_NAV

        from . import figures, lookups  # noqa: F401

        entries = [
            (_("Closures"), "support:closure-list", ("support.view_closure", "people.view_statistics")),
            (_("Service requests"), "support:request-list", "support.view_request"),
            (_("Phone line"), "support:quick-entry", "support.add_request"),
            (_("My deliveries"), "support:runner", None),
        ]
        for entry in entries:
            if entry not in EXTRA_NAV:
                EXTRA_NAV.append(entry)
        figures.register()
