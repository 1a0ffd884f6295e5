"""Briefing's choices (fangkong.core.choices): the owner area of a task — the district, a street or a
community where the user may add tasks (not a building or a household)."""

from fangkong.areas.models import Area, Level
from fangkong.core.choices import register_lookup

OWNER_LEVELS = [Level.DISTRICT, Level.STREET, Level.COMMUNITY]

register_lookup(
    "briefing.owner_area",
    Area,
    queryset=lambda user: Area.objects.visible_to(user, "briefing.add_item").filter(level__in=OWNER_LEVELS),
    label=lambda a: f"{a.name}（{a.get_level_display()}）",
    default=False,
)
