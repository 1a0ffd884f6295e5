"""Mass testing's choices (fangkong.core.choices): sampling-site places, a campaign's sites."""

from fangkong.areas.models import Place
from fangkong.core.choices import register_lookup

from .models import Site


def _sampling_places(user):
    return Place.objects.visible_to(user, "areas.view_place").filter(
        kind=Place.Kind.SAMPLING_SITE, active=True
    )


register_lookup(
    "screening.sampling_place",
    Place,
    queryset=_sampling_places,
    label=lambda p: f"{p.name}（{p.address}）" if p.address else p.name,
)
register_lookup(
    "screening.site",
    Site,
    search=lambda qs, q: qs.filter(place__name__icontains=q),
    label=lambda s: f"{s.place.name} · {s.campaign.name}",
    select_related=("place", "campaign"),
)
