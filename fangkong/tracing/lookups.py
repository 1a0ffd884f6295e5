"""How cases and clusters are searched in choices (a case by its person's name or its number)."""

from django.db.models import Q

from fangkong.core.choices import register_lookup
from fangkong.people.models import Person
from fangkong.people.selectors import person_search

from .models import Case, Cluster, RiskArea


def _case_search(qs, q):
    q = q.strip()
    if q.upper().startswith("BL") and q[2:].isdigit():
        return qs.filter(pk=int(q[2:]))
    return qs.filter(person__in=person_search(Person.objects.all(), q))


register_lookup(
    "tracing.case",
    Case,
    search=_case_search,
    label=lambda c: f"{c.number} · {c.person.name} · {c.get_classification_display()}",
    select_related=("person",),
    default=True,
)
register_lookup("tracing.cluster", Cluster)


def _risk_areas(user):
    # Public policy data (中高风险地区 lists are published): anyone who may read them picks from them.
    if user is None or not user.is_authenticated or not user.has_perm("tracing.view_riskarea"):
        return RiskArea.objects.none()
    return RiskArea.objects.select_related("area", "place")


register_lookup(
    "tracing.riskarea",
    RiskArea,
    queryset=_risk_areas,
    search=lambda qs, q: qs.filter(
        Q(region__icontains=q) | Q(area__name__icontains=q) | Q(place__name__icontains=q)
    ),
)
