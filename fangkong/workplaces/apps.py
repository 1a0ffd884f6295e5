from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplacesConfig(AppConfig):
    name = "fangkong.workplaces"
    label = "workplaces"
    verbose_name = _("Workplaces")
