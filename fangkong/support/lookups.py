"""Support's choices (fangkong.core.choices): team members of the closures a user may see, checkpoints."""

from django.db.models import Q

from fangkong.accounts.models import User
from fangkong.areas.models import Place
from fangkong.core.choices import register_lookup

from .models import TeamMember


def _member_search(qs, q):
    return qs.filter(Q(name__icontains=q) | Q(phone__contains=q))


register_lookup(
    "support.teammember",
    TeamMember,
    search=_member_search,
    label=lambda m: f"{m.name} · {m.team.get_kind_display()}",
    queryset=lambda user: (
        TeamMember.objects.visible_to(user, "support.view_teammember")
        .filter(active=True)
        .select_related("team")
    ),
)
register_lookup(
    "support.checkpoint",
    Place,
    queryset=lambda user: Place.objects.visible_to(user, "areas.view_place").filter(
        kind=Place.Kind.CHECKPOINT
    ),
    small=True,
    default=False,
)


def _team_users(user):
    """Users who serve the viewer's areas: those scoped in them (at or below) and those scoped above them
    (the street's doctor, the district's staff), who may join a team there. Never a user who serves only
    another community."""
    from fangkong.accounts.models import Scope
    from fangkong.areas.models import STEP
    from fangkong.core.scoping import ALL, path_q, scope_paths

    paths = scope_paths(user, "support.add_teammember")
    if paths is ALL:
        return User.objects.filter(is_active=True)
    if not paths:
        return User.objects.none()
    above = {p[:i] for p in paths for i in range(STEP, len(p), STEP)}
    scopes = Scope.objects.filter(path_q("area_path", paths) | Q(area_path__in=above))
    return User.objects.filter(is_active=True, pk__in=scopes.values("user_id"))


register_lookup(
    "support.team_user",
    User,
    queryset=_team_users,
    search=lambda qs, q: qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q)),
    label=lambda u: f"{u.display_name} ({u.username})" if u.display_name else u.username,
    default=False,
)
