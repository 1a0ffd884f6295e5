"""Mass testing (核酸检测, issue 11): campaigns, target population, sampling sites and lanes, staggered slots,
pooled tubes, transport boxes, laboratory results, retests, transfers, coverage.

The staggered schedule is solved by HiGHS (https://highs.dev) through its Python bindings `highspy`
(fangkong/screening/scheduling.py), and its waits predicted by a queue simulation (simulation.py);
services/schedule.py adapts campaigns, buildings and sites to them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    label = "screening"
    verbose_name = _("Mass testing")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core import menu

        from . import figures, lookups  # noqa: F401  (registrations)

        menu.register(
            "screening",
            _("Mass testing"),
            "screening:home",
            ("screening.view_campaign", "people.view_statistics"),
        )
        # The status a positive pool's members get is a person status code: the policy pages show its label.
        from fangkong.people.models import PersonStatus
        from fangkong.policies.display import VALUE_LABELS

        VALUE_LABELS["screening.pool_positive_status"] = dict(PersonStatus.choices)
