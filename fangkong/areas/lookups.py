"""How areas and places are searched and labelled in scoped choices (fangkong.core.choices)."""

from fangkong.core.choices import register_lookup

from .models import Area, Level, Place


def _area_label(a: Area) -> str:
    return f"{a.name}（{a.get_level_display()}）"


def _household_label(a: Area) -> str:
    # building · entrance · room: the room number alone ("101室") is ambiguous
    return f"{a.parent.parent.name} {a.parent.name} {a.name}"


def _households(user):
    return Area.objects.visible_to(user, "areas.view_area").filter(level=Level.HOUSEHOLD)


def _communities(user):
    return Area.objects.visible_to(user, "areas.view_area").filter(level=Level.COMMUNITY)


register_lookup("areas.area", Area, label=_area_label, default=True)
register_lookup(
    "areas.household",
    Area,
    queryset=_households,
    label=_household_label,
    search=lambda qs, q: qs.filter(name__icontains=q) | qs.filter(parent__parent__name__icontains=q),
    select_related=("parent__parent",),
)
register_lookup("areas.community", Area, queryset=_communities, label=_area_label)
register_lookup("areas.place", Place, label=lambda p: f"{p.name}（{p.get_kind_display()}）", default=True)
register_lookup(
    "areas.workplace",
    Place,
    queryset=lambda user: Place.objects.visible_to(user).exclude(
        kind__in=[Place.Kind.GATE, Place.Kind.CHECKPOINT, Place.Kind.GARAGE, Place.Kind.OBSERVATION_SITE]
    ),
)
register_lookup(
    "areas.observation_site",
    Place,
    queryset=lambda user: Place.objects.visible_to(user).filter(kind=Place.Kind.OBSERVATION_SITE),
)
