from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "fangkong.areas"
    label = "areas"
    verbose_name = _("Jurisdictions and places")

    def ready(self):
        from fangkong.core import menu

        menu.register("residents", _("Areas"), "areas:area-list", "areas.view_area", order=13)
        menu.register("residents", _("Places"), "areas:place-list", "areas.view_place", order=14)
