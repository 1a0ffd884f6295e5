from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationConfig(AppConfig):
    name = "fangkong.observation"
    label = "observation"
    verbose_name = _("Observation")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core import menu
        from fangkong.core.figures import register_section

        from . import figures

        register_section(figures.section())  # its section of the leadership briefing
        from fangkong.core.metrics import register_collector

        from . import metrics

        register_collector("observation", metrics.collect)  # its figures on /metrics, read at scrape time
        from fangkong.policies.services import governor_register

        from . import policy, services

        menu.register(
            "observation",
            _("Observation"),
            "observation:today",
            ("observation.view_observationorder", "people.view_statistics"),
            order=30,
        )
        menu.register(
            "observation", _("Alerts"), "observation:alert-list", "observation.view_alert", order=31
        )
        # A care group's members: the people who call on households (关爱小组), not the leadership.
        menu.register(
            "observation",
            _("My care list"),
            "observation:care-daily",
            roles=("community_worker", "grid_member", "medical_staff", "cadre"),
            order=32,
        )
        # A new version of an order-length key moves the open orders it governs, whichever path saves it.
        governor_register(
            name="observation",
            label=_("open observation orders"),
            keys=policy.DAYS_KEYS,
            preview=services.policy_change_preview,
            reevaluate=services.policy_reevaluate,
        )
