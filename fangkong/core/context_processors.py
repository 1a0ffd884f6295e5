from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission or a tuple of them, any one will do) — the menu shows only what the
# user's roles allow.
NAV = [
    (_("Home"), "home", None),
    (_("Areas"), "areas:area-list", "areas.view_area"),
    (_("Places"), "areas:place-list", "areas.view_place"),
    (_("Policies"), "policies:policy-list", "policies.view_policy"),
    (_("Users"), "accounts:user-list", "accounts.view_user"),
    (_("Change log"), "core:change-list", "core.view_changelog"),
    (_("Access log"), "core:access-list", "core.view_sensitiveaccess"),
]

# Apps add menu entries here from their AppConfig.ready (url names resolved lazily).
EXTRA_NAV: list[tuple] = []


def shell(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for label, name, perm in [*NAV[:1], *EXTRA_NAV, *NAV[1:]]:
            if perm is None or any(user.has_perm(p) for p in ((perm,) if isinstance(perm, str) else perm)):
                items.append({"label": label, "url": reverse(name), "name": name})
    return {"nav_items": items}
