"""Support's choices (fangkong.core.choices): team members of the closures a user may see, checkpoints."""

from django.db.models import Q

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
