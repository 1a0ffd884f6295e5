from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "fangkong.hotline"
    label = "hotline"
    verbose_name = _("Hotline")

    def ready(self):
        from django.utils.translation import gettext_lazy as _l

        from fangkong.core import menu
        from fangkong.core.figures import register_section

        from . import figures, rates_hooks, workbench_insight

        rates_hooks.register()  # the rates' rollup follows every order change (services/rates.py)
        workbench_insight.register()
        register_section(figures.section())  # orders received and the three rates per street
        menu.register(
            "hotline",
            _l("The three rates"),
            "hotline:rates",
            ("hotline.view_workorder", "people.view_statistics"),
            order=70,
        )
        menu.register(
            "hotline", _l("Proactive tasks"), "hotline:proactive-list", "hotline.view_proactivetask", order=71
        )
        menu.register(
            "hotline",
            _l("Open311 integrations"),
            "hotline:integration-list",
            "hotline.view_integration",
            order=79,
        )
