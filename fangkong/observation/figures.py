"""The observation section of the leadership briefing: orders running by type, started and ended on
the day, daily reports missing, alerts open, centralized-site occupancy — each as of the cut-off."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_noop

from fangkong.areas.models import STEP, Area, Level
from fangkong.core.figures import Figure, Section, count_by_community, day_window

from .models import Alert, ObservationOrder, OrderType, Room, Stay


def running_q(day, end) -> Q:
    """Orders running at the end of `day`: started by then and not ended before `end` (the list's
    `running_on` filter is the same rule)."""
    return Q(start__lte=day) & (Q(ended_at__isnull=True) | Q(ended_at__gte=end))


def compute(as_of, communities) -> dict[int, dict[str, float]]:
    communities = list(communities)
    out: dict[int, dict[str, float]] = {c.pk: {} for c in communities}
    day, start, end = day_window(as_of)
    running = ObservationOrder.objects.filter(running_q(day, end))
    for cid, by in count_by_community(running, communities, by="order_type").items():
        for t, n in by.items():
            out[cid][f"running_{t}"] = n
        out[cid]["running"] = sum(by.values())
    for cid, n in count_by_community(ObservationOrder.objects.filter(start=day), communities).items():
        out[cid]["started"] = n
    ended = ObservationOrder.objects.filter(ended_at__gte=start, ended_at__lt=end)
    for cid, n in count_by_community(ended, communities).items():
        out[cid]["ended"] = n
    missing = Alert.objects.filter(kind=Alert.Kind.MISSING_REPORT, date=day)
    for cid, n in count_by_community(missing, communities).items():
        out[cid]["reports_missing"] = n
    alerts = Alert.objects.filter(date__lte=day).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gt=as_of)
    )
    for cid, n in count_by_community(alerts, communities).items():
        out[cid]["alerts_open"] = n
    # Sites are run by a street (or the district): beds and occupants count where the site is, the
    # site's community or, above the communities, its street (the briefing adds a street's own figures
    # to it and to the whole).
    streets = list(
        Area.objects.filter(level=Level.STREET, path__in={c.path[: len(c.path) - STEP] for c in communities})
    )
    holders = sorted(
        [(c.path, c.pk) for c in communities] + [(s.path, s.pk) for s in streets], key=lambda x: -len(x[0])
    )

    def holder(path: str) -> int | None:
        return next((pk for p, pk in holders if path.startswith(p)), None)

    stays = Stay.objects.filter(checked_in_at__lte=as_of).filter(
        Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=as_of)
    )
    for path, n in stays.values_list("site__area_path").annotate(n=Count("pk")).order_by():
        aid = holder(path)
        if aid is not None:
            row = out.setdefault(aid, {})
            row["site_occupied"] = row.get("site_occupied", 0) + n
    for path, n in (
        Room.objects.filter(active=True).values_list("site__area_path").annotate(n=Sum("capacity")).order_by()
    ):
        aid = holder(path)
        if aid is not None:
            row = out.setdefault(aid, {})
            row["site_beds"] = row.get("site_beds", 0) + (n or 0)
    return out


def section() -> Section:
    orders = "observation:order-list"
    running = {"running_on": "{date}"}
    return Section(
        key="observation",
        title=gettext_noop("Observation"),
        order=30,
        perm=("observation.view_observationorder", "people.view_statistics"),
        figures=(
            Figure(
                "running",
                gettext_noop("Under observation"),
                unit=gettext_noop("people"),
                link=orders,
                link_query=running,
            ),
            *(
                Figure(
                    f"running_{t}",
                    t.label,
                    unit=gettext_noop("people"),
                    link=orders,
                    link_query={**running, "order_type": str(t)},
                )
                for t in OrderType
            ),
            Figure(
                "started", gettext_noop("Orders started on the day"), unit=gettext_noop("people"), link=orders
            ),
            Figure(
                "ended",
                gettext_noop("Orders ended on the day"),
                unit=gettext_noop("people"),
                link=orders,
                link_query={"open": "false"},
                higher_is_worse=False,
            ),
            Figure(
                "reports_missing",
                gettext_noop("Daily reports missing"),
                unit=gettext_noop("people"),
                link="observation:alert-list",
                link_query={"kind": "missing_report", "date": "{date}"},
                threshold_policy="briefing.red_line.reports_missing",
            ),
            Figure(
                "alerts_open",
                gettext_noop("Alerts open"),
                unit=gettext_noop("alerts"),
                link="observation:alert-list",
                link_query={"status": "open"},
            ),
            Figure(
                "site_occupied",
                gettext_noop("Centralized-site beds occupied"),
                unit=gettext_noop("beds"),
                link="observation:stay-list",
            ),
            Figure(
                "site_beds", gettext_noop("Centralized-site beds"), unit=gettext_noop("beds"), shown=False
            ),
            Figure(
                "site_occupancy",
                gettext_noop("Centralized-site occupancy"),
                unit="%",
                ratio=("site_occupied", "site_beds"),
                threshold_policy="briefing.red_line.site_occupancy",
            ),
        ),
        compute=compute,
        sentence=gettext_noop(
            "{area}: {running} people under observation ({running__change} since the previous briefing): "
            "{running_home} at home, {running_centralized} in centralized sites; {started} orders started "
            "and {ended} ended on the day; {reports_missing} daily reports missing, {alerts_open} alerts open."
        ),
    )
