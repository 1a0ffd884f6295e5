"""How workers and the areas a workforce write names are chosen in scoped choices (fangkong.core.choices)."""

from fangkong.areas.models import Area, Level
from fangkong.core.choices import register_lookup

from .models import Worker
from .selectors import worker_search


def _area_label(a: Area) -> str:
    return f"{a.name}（{a.get_level_display()}）"


def _teams(user):
    # Where the viewer may keep workers: a street (before assignment) or a community (its team).
    return Area.objects.visible_to(user, "workforce.add_worker").filter(
        level__in=[Level.STREET, Level.COMMUNITY]
    )


def _needs(user):
    return Area.objects.visible_to(user, "workforce.add_deploymentrequest").filter(
        level__in=[Level.STREET, Level.COMMUNITY]
    )


def _assignable(user):
    return Area.objects.visible_to(user, "workforce.add_assignment").filter(level=Level.COMMUNITY)


def _link_communities(user):
    return Area.objects.visible_to(user, "workforce.add_registrationlink").filter(level=Level.COMMUNITY)


def _within(user):
    return Area.objects.visible_to(user, "workforce.view_deploymentrequest").filter(
        level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY]
    )


register_lookup(
    "workforce.worker",
    Worker,
    search=worker_search,
    label=lambda w: f"{w.name} · {w.get_kind_display()} · {w.home_unit or w.phone_masked}",
    default=True,
)
register_lookup("workforce.team", Area, queryset=_teams, label=_area_label, default=False)
register_lookup("workforce.need_area", Area, queryset=_needs, label=_area_label, default=False)
register_lookup("workforce.community", Area, queryset=_assignable, label=_area_label, default=False)
register_lookup(
    "workforce.link_community", Area, queryset=_link_communities, label=_area_label, default=False
)
register_lookup("workforce.within", Area, queryset=_within, label=_area_label, default=False)
