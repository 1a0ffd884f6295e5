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

        from . import workbench

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
