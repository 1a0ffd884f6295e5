from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    label = "screening"
    verbose_name = _("Mass testing")

    def ready(self):
        from fangkong.core.context_processors import EXTRA_NAV

        from . import figures, lookups  # noqa: F401  (registrations)

        entries = [
            (
                _("Mass testing"),
                "screening:home",
                ("screening.view_campaign", "people.view_statistics"),
            ),
        ]
        for entry in entries:
            if entry not in EXTRA_NAV:
                EXTRA_NAV.append(entry)
