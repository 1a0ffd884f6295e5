"""Observation's choices (fangkong.core.choices): the centralized sites a user may send people to.

Sites are run by the street or the district and serve every community below, so a community worker
picks from the sites on the areas above their own as well (selectors.sites_serving), not only from
what `visible_to` gives."""

from fangkong.areas.models import Place
from fangkong.core.choices import register_lookup

from . import selectors

register_lookup(
    "observation.site_for_stay",
    Place,
    queryset=lambda user: selectors.sites_serving(viewer=user, perm="observation.add_stay"),
    small=True,
    default=False,
)
register_lookup(
    "observation.site_for_transfer",
    Place,
    queryset=lambda user: selectors.sites_serving(viewer=user, perm="observation.change_observationorder"),
    small=True,
    default=False,
)
