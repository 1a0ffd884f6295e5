"""How gate posts and volunteers are chosen in scoped choices (fangkong.core.choices)."""

from fangkong.accounts.models import User
from fangkong.core.choices import register_lookup

from .models import Post


def _volunteers(user):
    from fangkong.accounts.models import Scope

    # Users holding a scope inside the jurisdictions the planner may schedule.
    scopes = Scope.objects.visible_to(user, "gates.add_postshift").filter(active=True)
    return User.objects.filter(pk__in=scopes.values("user_id"), is_active=True)


def _volunteer_search(qs, q):
    from django.db.models import Q

    return qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))


register_lookup(
    "gates.post",
    Post,
    search=lambda qs, q: qs.filter(name__icontains=q) | qs.filter(place__name__icontains=q),
)
register_lookup(
    "gates.volunteer",
    User,
    queryset=_volunteers,
    search=_volunteer_search,
    label=lambda u: f"{u.display_name} ({u.username})" if u.display_name else u.username,
    default=False,
)
