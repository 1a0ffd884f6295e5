"""How workplaces, dormitories and rooms are searched and labelled in scoped choices (core.choices)."""

from django.db.models import Q

from fangkong.core.choices import register_lookup

from .models import Dormitory, Room, Workplace

register_lookup(
    "workplaces.workplace",
    Workplace,
    label=lambda w: f"{w.name}（{w.get_type_display()}）",
    default=True,
)
register_lookup(
    "workplaces.building",
    Workplace,
    queryset=lambda user: Workplace.objects.visible_to(user).filter(type="office_building"),
    label=lambda w: w.name,
    default=False,
)
register_lookup(
    "workplaces.dormitory",
    Dormitory,
    label=lambda d: f"{d.workplace.name} · {d.name}",
    search=lambda qs, q: qs.filter(Q(name__icontains=q) | Q(workplace__name__icontains=q)),
    select_related=("workplace",),
    default=True,
)
register_lookup(
    "workplaces.room",
    Room,
    label=lambda r: f"{r.dormitory.name} {r.number}",
    search=lambda qs, q: qs.filter(Q(number__icontains=q) | Q(dormitory__name__icontains=q)),
    select_related=("dormitory",),
    default=True,
)
