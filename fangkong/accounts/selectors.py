from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Scope, User


def user_list(*, viewer, search: str = "") -> QuerySet[User]:
    """Users who hold a scope inside the viewer's jurisdiction (superusers see all)."""
    if viewer.is_superuser:
        qs = User.objects.all()
    else:
        scopes = Scope.objects.visible_to(viewer, "accounts.view_user")
        qs = User.objects.filter(Q(pk__in=scopes.values("user_id")) | Q(pk=viewer.pk))
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    return qs.prefetch_related("scopes__area", "scopes__role").distinct()


def scope_list(*, viewer, user: User | None = None) -> QuerySet[Scope]:
    qs = Scope.objects.visible_to(viewer, "accounts.view_scope").select_related("area", "role", "user")
    return qs.filter(user=user) if user is not None else qs
