from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HotlineConfig(AppConfig):
    name = "fangkong.hotline"
    label = "hotline"
    verbose_name = _("Hotline")

    def ready(self):
        from fangkong.core import menu
        from fangkong.core.badges import register_tones
        from fangkong.core.figures import register_section

        from . import figures, rates_hooks, workbench, workbench_insight

        workbench.register()  # its to-do lines, the operator's landing, the search by order number
        register_tones(
            {
                "triage": "warn",
                "to_dispatch": "warn",
                "dispatched": "info",
                "waiting_caller": "muted",
                "paused": "muted",
                "replied": "info",
                "reopened": "danger",
                "due_soon": "warn",
                "satisfied": "ok",
                "basically_satisfied": "ok",
                "dissatisfied": "danger",
                "explained": "ok",
                "not_resolvable": "muted",
            }
        )
        from fangkong.policies.display import VALUE_LABELS

        from .models import Status

        VALUE_LABELS["hotline.pause.statuses"] = dict(Status.choices)  # statuses read as their names
        menu.register_group("hotline", pgettext_lazy("menu", "Hotline"), 65)
        menu.register("hotline", _("Work orders"), "hotline:order-list", "hotline.view_workorder", order=65)
        menu.register("hotline", _("Quick entry"), "hotline:new", "hotline.add_workorder", order=66)
        menu.register("hotline", _("Triage"), "hotline:triage", "hotline.change_workorder", order=67)
        menu.register(
            "hotline",
            _("Import the city's dispatch"),
            "hotline:import",
            "hotline.dispatch_workorder",
            order=68,
        )
        menu.register(
            "hotline", _("Handling units"), "hotline:unit-list", "hotline.dispatch_workorder", order=69
        )
        # the three rates, 未诉先办 and the Open311 integrations
        rates_hooks.register()  # the rates' rollup follows every order change (services/rates.py)
        workbench_insight.register()
        register_section(figures.section())  # orders received and the three rates per street
        menu.register(
            "hotline",
            _("The three rates"),
            "hotline:rates",
            ("hotline.view_workorder", "people.view_statistics"),
            order=70,
        )
        menu.register(
            "hotline", _("Proactive tasks"), "hotline:proactive-list", "hotline.view_proactivetask", order=71
        )
        menu.register(
            "hotline",
            _("Open311 integrations"),
            "hotline:integration-list",
            "hotline.view_integration",
            order=79,
        )
