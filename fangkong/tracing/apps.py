from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "fangkong.tracing"
    label = "tracing"
    verbose_name = _("Investigation")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core.context_processors import EXTRA_NAV

        from . import figures  # noqa: F401  (registers the briefing section)

        entries = [
            (_("Investigation"), "tracing:case-list", "tracing.view_case"),
            (_("Contacts to follow"), "tracing:contact-list", "tracing.view_contact"),
            (_("Risk-area screening"), "tracing:task-list", "tracing.view_screeningtask"),
        ]
        for entry in entries:
            if entry not in EXTRA_NAV:
                EXTRA_NAV.append(entry)
