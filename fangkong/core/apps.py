from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each app's lookups.py registers how its records are searched and labelled in scoped choices.
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the deployment checks)

        autodiscover_modules("lookups")
