"""Jurisdiction scoping: the one mechanism that limits what a user sees.

A user holds scopes (area + role). A scoped record carries the materialized path of its area, so
"what may user U see with permission P" is a prefix filter on an indexed column — no joins, as
fast for a community worker as for the district (ARCHITECTURE.md, Rules of the house).
"""

from __future__ import annotations

from django.db.models import Q

ALL = None  # sentinel: no restriction


def scope_paths(user, perm: str) -> list[str] | None:
    """Area path prefixes in which `user` holds `perm`; None means everywhere (superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    cache = user.__dict__.setdefault("_scope_path_cache", {})
    if perm not in cache:
        paths = sorted({path for path, names in user.grants() if perm in names})
        # Drop paths already covered by a shorter one: fewer OR terms in every query.
        minimal: list[str] = []
        for p in paths:
            if not any(p.startswith(m) for m in minimal):
                minimal.append(p)
        cache[perm] = minimal
    return cache[perm]


def path_q(field: str, paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def user_can_see_path(user, perm: str, path: str) -> bool:
    paths = scope_paths(user, perm)
    return paths is ALL or any(path.startswith(p) for p in paths)


def scoped_models():
    """Every installed model that hangs on the tree (the leak test walks these)."""
    from django.apps import apps

    from .models import ScopedModel

    return [
        m for m in apps.get_models() if issubclass(m, ScopedModel) or getattr(m, "scope_path_field", None)
    ]


def get_visible_or_404(queryset, user, perm: str | None = None, **lookup):
    """The one access helper for an object fetched by id: the record if `user` may see it (with `perm`,
    default the model's view permission), else 404 — so another community's ids reveal nothing. A user
    who holds `perm` nowhere gets 403 whatever the id (NetBox's view matrix). `queryset` is a model or a
    queryset (e.g. with select_related)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    m = qs.model._meta
    perm = perm or f"{m.app_label}.view_{m.model_name}"
    if not user.has_perm(perm):
        raise PermissionDenied
    qs = qs.visible_to(user, perm)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        # A malformed id (ValueError) is as unknown as a missing one: 404, not 500.
        raise Http404 from None
