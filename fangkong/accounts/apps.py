from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from django.apps import apps

    # post_migrate fires once per app; permissions of every app exist only after the last one.
    if sender is list(apps.get_app_configs())[-1]:
        from .services import roles_sync

        roles_sync()


class AccountsConfig(AppConfig):
    name = "fangkong.accounts"
    label = "accounts"
    verbose_name = _("Users and scopes")

    def ready(self):
        # Permissions exist only after migrate; the role table follows them.
        post_migrate.connect(_sync_roles, dispatch_uid="fangkong_roles_sync")
        from fangkong.core import menu

        menu.register("system", _("Users"), "accounts:user-list", "accounts.view_user", order=81)
