"""The investigation's section of the leadership briefing (fangkong.core.figures)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core.figures import Figure, Section, register_section


def tracing_figures(as_of, communities) -> dict[int, dict[str, float]]:
    """Per community: cases new today and in total, contacts confirmed, contacts under observation,
    transfers overdue — each row counted under the community whose path prefixes its own."""
    from fangkong.observation.models import OPEN_STATUSES

    from .models import Case, Contact, Whereabouts

    communities = list(communities)
    by_path = {c.path: c.pk for c in communities}
    out: dict[int, dict[str, float]] = {c.pk: defaultdict(float) for c in communities}
    day = timezone.localdate(as_of)

    def owner(path: str):
        for i in range(len(path), 0, -4):
            if path[:i] in by_path:
                return by_path[path[:i]]
        return None

    cases = (
        Case.objects.filter(created_at__lte=as_of)
        .values("area_path")
        .annotate(
            total=Count("id"),
            new=Count("id", filter=Q(created_at__date=day)),
            overdue=Count(
                "id",
                filter=Q(
                    transfer_deadline__lt=as_of, transferred_at__isnull=True, whereabouts=Whereabouts.HOME
                ),
            ),
        )
    )
    for row in cases:
        a = owner(row["area_path"])
        if a is not None:
            out[a]["cases_total"] += row["total"]
            out[a]["cases_new"] += row["new"]
            out[a]["transfers_overdue"] += row["overdue"]
    contacts = (
        Contact.objects.filter(state=Contact.State.CONFIRMED, decided_at__lte=as_of)
        .values("area_path")
        .annotate(
            confirmed=Count("id"),
            observing=Count("id", filter=Q(order__status__in=OPEN_STATUSES)),
        )
    )
    for row in contacts:
        a = owner(row["area_path"])
        if a is not None:
            out[a]["contacts_confirmed"] += row["confirmed"]
            out[a]["contacts_observing"] += row["observing"]
    keys = ("cases_new", "cases_total", "contacts_confirmed", "contacts_observing", "transfers_overdue")
    return {a: {k: float(v.get(k, 0)) for k in keys} for a, v in out.items()}


register_section(
    Section(
        key="tracing",
        title=gettext_noop("Investigation"),
        order=50,
        perm=("tracing.view_case", "people.view_statistics"),
        figures=(
            Figure(
                "cases_new", gettext_noop("New cases"), unit=gettext_noop("people"), link="tracing:case-list"
            ),
            Figure(
                "cases_total", gettext_noop("Cases"), unit=gettext_noop("people"), link="tracing:case-list"
            ),
            Figure(
                "contacts_confirmed",
                gettext_noop("Contacts confirmed"),
                unit=gettext_noop("people"),
                link="tracing:contact-list",
                link_query={"state": "confirmed"},
            ),
            Figure(
                "contacts_observing",
                gettext_noop("Contacts under observation"),
                unit=gettext_noop("people"),
                link="tracing:contact-list",
                link_query={"state": "confirmed"},
            ),
            Figure(
                "transfers_overdue",
                gettext_noop("Transfers overdue"),
                unit=gettext_noop("people"),
                link="tracing:case-list",
                link_query={"overdue": "true"},
            ),
        ),
        compute=tracing_figures,
        sentence=gettext_noop("{cases_new} new cases, {contacts_observing} contacts under observation"),
    )
)
