"""The support section of the leadership briefing (fangkong.core.figures): per community, open requests
by type and state, medicine orders, the share of deliveries made the same day, overdue requests and
vulnerable households visited. `selectors.closure_figures` gives the same figures for one closure."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core.figures import Figure, Section, register_section

from .models import OPEN_STATES, DoorKnock, Request, RequestKind, RequestState

COMMUNITY_LEN = 16  # four levels of 4 characters: city, district, street, community

KIND_KEYS = {k: f"open_{k}" for k in RequestKind.values}


def support_figures(as_of, communities):
    """{community area id: {figure: number}} at `as_of` for the given community areas."""
    by_path = {c.path: c.pk for c in communities}
    out = defaultdict(lambda: defaultdict(float))
    if not by_path:
        return {}
    day = timezone.localdate(as_of)
    qs = (
        Request.objects.filter(created_at__lte=as_of)
        .annotate(community=Substr("area_path", 1, COMMUNITY_LEN))
        .filter(community__in=list(by_path))
    )
    rows = qs.values("community", "kind", "state").annotate(
        n=Count("pk"),
        overdue=Count("pk", filter=Q(state__in=OPEN_STATES, deadline__lt=as_of)),
        medicine_today=Count("pk", filter=Q(kind=RequestKind.MEDICINE, created_at__date=day)),
        delivered_today=Count("pk", filter=Q(delivered_at__date=day, delivered_at__lte=as_of)),
        same_day=Count("pk", filter=Q(delivered_at__date=day, delivered_at__lte=as_of, created_at__date=day)),
    )
    for r in rows:
        f = out[by_path[r["community"]]]
        if r["state"] in OPEN_STATES:
            f["open"] += r["n"]
            f[KIND_KEYS[r["kind"]]] += r["n"]
            f[f"state_{r['state']}"] += r["n"]
        f["overdue"] += r["overdue"]
        f["medicine_orders"] += r["medicine_today"]
        f["delivered_today"] += r["delivered_today"]
        f["delivered_same_day"] += r["same_day"]
    visited = (
        DoorKnock.objects.filter(vulnerable=True, visited_at__lte=as_of)
        .exclude(outcome=DoorKnock.Outcome.PENDING)
        .annotate(community=Substr("area_path", 1, COMMUNITY_LEN))
        .filter(community__in=list(by_path))
        .values("community")
        .annotate(n=Count("pk"))
    )
    for r in visited:
        out[by_path[r["community"]]]["vulnerable_visited"] += r["n"]
    keys = [f.key for f in SECTION.figures if not f.ratio]
    return {aid: {k: float(f.get(k, 0)) for k in keys} for aid, f in out.items()}


SECTION = Section(
    key="support",
    title=gettext_noop("Closed-community support"),
    order=60,
    perm=("support.view_request", "people.view_statistics"),
    figures=(
        Figure(
            "open",
            gettext_noop("Open requests"),
            unit=gettext_noop("requests"),
            link="support:request-list",
            link_query={"open": "1"},
        ),
        *(
            Figure(
                KIND_KEYS[k],
                label,
                unit=gettext_noop("requests"),
                link="support:request-list",
                link_query={"kind": k, "open": "1"},
            )
            for k, label in (
                (RequestKind.GROCERIES, gettext_noop("Open: groceries")),
                (RequestKind.MEDICINE, gettext_noop("Open: medicine")),
                (RequestKind.PARCELS, gettext_noop("Open: parcels")),
                (RequestKind.RUBBISH, gettext_noop("Open: rubbish pick-up")),
                (RequestKind.PSYCHOLOGICAL, gettext_noop("Open: psychological support")),
                (RequestKind.URGENT_MEDICAL, gettext_noop("Open: urgent medical")),
                (RequestKind.OTHER, gettext_noop("Open: other")),
            )
        ),
        Figure(
            f"state_{RequestState.NEW}",
            gettext_noop("Not yet assigned"),
            unit=gettext_noop("requests"),
            link="support:request-list",
            link_query={"state": "new"},
        ),
        Figure(
            f"state_{RequestState.ASSIGNED}",
            gettext_noop("Assigned, not started"),
            unit=gettext_noop("requests"),
            link="support:request-list",
            link_query={"state": "assigned"},
        ),
        Figure(
            f"state_{RequestState.IN_PROGRESS}",
            gettext_noop("Under way"),
            unit=gettext_noop("requests"),
            link="support:request-list",
            link_query={"state": "in_progress"},
        ),
        Figure(
            "medicine_orders",
            gettext_noop("Medicine orders today"),
            unit=gettext_noop("orders"),
            higher_is_worse=False,
        ),
        Figure(
            "delivered_today",
            gettext_noop("Delivered today"),
            unit=gettext_noop("requests"),
            higher_is_worse=False,
        ),
        Figure("delivered_same_day", gettext_noop("Delivered the day they were filed"), shown=False),
        Figure(
            "same_day_share",
            gettext_noop("Share delivered the same day"),
            unit="%",
            ratio=("delivered_same_day", "delivered_today"),
            higher_is_worse=False,
        ),
        Figure(
            "overdue",
            gettext_noop("Overdue requests"),
            unit=gettext_noop("requests"),
            link="support:request-list",
            link_query={"overdue": "1"},
        ),
        Figure(
            "vulnerable_visited",
            gettext_noop("Vulnerable households visited"),
            unit=gettext_noop("households"),
            higher_is_worse=False,
        ),
    ),
    compute=support_figures,
    sentence=gettext_noop("{open} open requests in closed communities, {overdue} overdue"),
)


def register() -> None:
    register_section(SECTION)
