"""The menu: groups by domain, each app registering its entries from its AppConfig.ready().

A group has a key, an order and a translated title; an entry names its group, its URL name, the
permission(s) any one of which shows it, and optionally the roles it is meant for (a page every user may
open, such as a runner's own deliveries, is listed only for the roles that do that work). The core names
no app: the groups are the domains of the work, and the apps fill them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Group:
    key: str
    title: object
    order: int


@dataclass(frozen=True)
class Entry:
    group: str
    label: object
    url_name: str
    perms: tuple[str, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100


GROUPS: dict[str, Group] = {}
ENTRIES: dict[str, Entry] = {}  # by URL name: registering twice (a second ready()) replaces, never repeats


def register_group(key: str, title, order: int) -> None:
    GROUPS[key] = Group(key=key, title=title, order=order)


def register(
    group: str,
    label,
    url_name: str,
    perms: str | tuple[str, ...] | list[str] | None = None,
    *,
    roles: tuple[str, ...] | list[str] = (),
    order: int = 100,
) -> None:
    """Add an entry. `perms`: any one of them shows it (None: every signed-in user); `roles`: only users
    holding one of these roles see it (the superuser included only if it holds one)."""
    perms = () if perms is None else ((perms,) if isinstance(perms, str) else tuple(perms))
    ENTRIES[url_name] = Entry(group, label, url_name, perms, frozenset(roles), order)


# The domains of the work, in the order a district's day runs through them.
register_group("residents", _("Residents and areas"), 10)
register_group(
    "gates", pgettext_lazy("menu", "Gates and duty"), 20
)  # gate posts and who staffs them (workforce)
register_group("observation", pgettext_lazy("menu", "Observation"), 30)
# Testing and investigation share one group: eight groups at most, and the hotline is a flow of its own.
register_group("screening", pgettext_lazy("menu", "Testing and investigation"), 40)
register_group("closures", pgettext_lazy("menu", "Closures"), 60)
register_group("briefing", pgettext_lazy("menu", "Briefing"), 70)
register_group("system", pgettext_lazy("menu", "System"), 80)

# The core's own pages.
register("system", _("Change log"), "core:change-list", "core.view_changelog", order=88)
register("system", _("Access log"), "core:access-list", "core.view_sensitiveaccess", order=89)


def _roles_of(user) -> set[str]:
    scopes = getattr(user, "active_scopes", None)
    return {s.role.code for s in scopes()} if scopes else set()


def menu_for(user, path: str = "") -> list[dict]:
    """The groups this user sees, each with its entries (label, url, name); empty groups left out.
    `current` marks the group and entry of `path` (the longest entry URL that prefixes it)."""
    if user is None or not user.is_authenticated:
        return []
    roles = None
    groups: dict[str, list[dict]] = {}
    for entry in sorted(ENTRIES.values(), key=lambda e: (e.order, str(e.url_name))):
        if entry.perms and not any(user.has_perm(p) for p in entry.perms):
            continue
        if entry.roles:
            roles = _roles_of(user) if roles is None else roles
            if not entry.roles & roles:
                continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(entry.group, []).append({"label": entry.label, "url": url, "name": entry.url_name})
    best = max(
        (i for items in groups.values() for i in items if path.startswith(i["url"]) and i["url"] != "/"),
        key=lambda i: len(i["url"]),
        default=None,
    )
    out = []
    for key, items in sorted(groups.items(), key=lambda kv: GROUPS[kv[0]].order if kv[0] in GROUPS else 999):
        for i in items:
            i["current"] = i is best
        group = GROUPS.get(key)
        out.append(
            {
                "key": key,
                "title": group.title if group else key,
                "entries": items,
                "current": any(i["current"] for i in items),
            }
        )
    return out
