"""Lookups of records that are not scoped by area but may be chosen: kept small and still limited."""

from django.db.models import Q

from fangkong.core.choices import register_lookup


def _users(user):
    from fangkong.accounts import selectors
    from fangkong.accounts.models import User

    if user is None or not user.is_authenticated:
        return User.objects.none()
    return selectors.user_list(viewer=user)


def _roles(user):
    from fangkong.accounts.models import Role

    # A fixed handful of roles: a select, and nobody picks a role they could not hold in their scope anyway.
    return Role.objects.all() if user is not None and user.is_authenticated else Role.objects.none()


def _our_apps():
    from django.apps import apps

    return [c.label for c in apps.get_app_configs() if c.name.startswith("fangkong.")]


def _register():
    from django.contrib.contenttypes.models import ContentType

    from fangkong.accounts.models import Role, User

    register_lookup(
        "accounts.user",
        User,
        queryset=_users,
        search=lambda qs, q: qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q)),
        label=lambda u: f"{u.display_name} ({u.username})" if u.display_name else u.username,
    )
    register_lookup("accounts.role", Role, queryset=_roles, small=True)
    # Object types are the schema, not data: a short select for anyone logged in.
    register_lookup(
        "contenttypes.contenttype",
        ContentType,
        queryset=lambda user: (
            ContentType.objects.filter(app_label__in=_our_apps())
            if user is not None and user.is_authenticated
            else ContentType.objects.none()
        ),
        small=True,
    )


_register()
