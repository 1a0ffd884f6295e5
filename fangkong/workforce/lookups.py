"""How workers are chosen in scoped choices (fangkong.core.choices): by name or home unit, labelled with
their unit and masked phone (never an ID number)."""

from django.db.models import Q

from fangkong.core.choices import register_lookup

from .models import Worker


def _label(w: Worker) -> str:
    parts = [w.name, w.home_unit, w.phone_masked]
    return " · ".join(p for p in parts if p)


register_lookup(
    "workforce.worker",
    Worker,
    search=lambda qs, q: qs.filter(Q(name__icontains=q) | Q(home_unit__icontains=q)).filter(status="active"),
    label=_label,
)
