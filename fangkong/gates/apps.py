from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatesConfig(AppConfig):
    name = "fangkong.gates"
    label = "gates"
    verbose_name = _("Gates")

    def ready(self):
        from . import workbench as _workbench

        _workbench.register()  # its to-do lines, landing and search (core/workbench.py)
        from fangkong.core import menu
        from fangkong.core.figures import register_section

        from . import figures

        register_section(figures.section())  # its section of the leadership briefing

        for order, (label, name, perm) in enumerate(
            [
                (_("Gate check"), "gates:check", "gates.add_scanevent"),
                (_("Scans"), "gates:scan-list", "gates.view_scanevent"),
                (_("Returnees"), "gates:returnee-list", "gates.view_returneenotice"),
                (_("Passes"), "gates:pass-list", "gates.view_pass"),
                (_("Posts"), "gates:post-list", "gates.view_post"),
                (_("Shifts"), "gates:shift-list", "gates.view_postshift"),
                (_("Seals"), "gates:seal-list", "gates.view_seal"),
            ]
        ):
            menu.register("gates", label, name, perm, order=20 + order)
        # The gate's status lists are person status codes: the policy pages show their labels.
        from fangkong.people.models import PersonStatus
        from fangkong.policies.display import VALUE_LABELS

        statuses = dict(PersonStatus.choices)
        VALUE_LABELS.update({"gate.deny.statuses": statuses, "gate.refer.statuses": statuses})
