"""The people section of the leadership briefing: residents by status as of the cut-off, vulnerable."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.figures import Figure, Section, count_by_community

from .models import Person, PersonStatus, StatusChange, VulnerableEntry

# Statuses the briefing counts (normal is the rest of the residents).
COUNTED = [
    PersonStatus.RETURNEE_PENDING,
    PersonStatus.HOME_OBSERVATION,
    PersonStatus.CENTRALIZED_OBSERVATION,
    PersonStatus.HEALTH_MONITORING,
    PersonStatus.CLOSE_CONTACT,
    PersonStatus.SECONDARY_CONTACT,
    PersonStatus.PRELIMINARY_POSITIVE,
    PersonStatus.CONFIRMED,
    PersonStatus.RECOVERED,
]


def compute(as_of, communities) -> dict[int, dict[str, float]]:
    """Each resident's status is the last dated change at or before `as_of` (none: normal)."""
    communities = list(communities)
    out: dict[int, dict[str, float]] = {c.pk: {} for c in communities}
    for cid, n in count_by_community(Person.objects.all(), communities).items():
        out[cid]["residents"] = n
    # The status history is short beside the registry: the last change of each person, read in order.
    last: dict[int, tuple[str, str]] = {}
    rows = (
        StatusChange.objects.filter(since__lte=as_of)
        .order_by("person_id", "since", "pk")
        .values_list("person_id", "status", "area_path")
    )
    for person_id, status, path in rows.iterator(chunk_size=5000):
        last[person_id] = (status, path)
    by_path = {c.path: c.pk for c in communities}
    lengths = sorted({len(p) for p in by_path})
    for status, path in last.values():
        if status not in COUNTED:
            continue
        for n in lengths:
            cid = by_path.get(path[:n])
            if cid is not None:
                row = out[cid]
                row[status] = row.get(status, 0) + 1
                break
    vulnerable = VulnerableEntry.objects.filter(active=True, created_at__lte=as_of)
    for cid, n in count_by_community(vulnerable, communities).items():
        out[cid]["vulnerable"] = n
    return out


def section() -> Section:
    link = "people:person-list"
    return Section(
        key="people",
        title=gettext_noop("Residents"),
        order=10,
        perm=("people.view_statistics",),
        figures=(
            Figure(
                "residents",
                gettext_noop("Residents"),
                unit=gettext_noop("people"),
                link=link,
                higher_is_worse=False,
            ),
            *(
                Figure(str(s), s.label, unit=gettext_noop("people"), link=link, link_query={"status": str(s)})
                for s in COUNTED
            ),
            Figure(
                "vulnerable",
                gettext_noop("Vulnerable residents (ledger)"),
                unit=gettext_noop("people"),
                link="people:ledger",
                higher_is_worse=False,
            ),
        ),
        compute=compute,
        sentence=gettext_noop(
            "{area}: {residents} residents; {home_observation} under home observation ({home_observation__change} "
            "since the previous briefing), {centralized_observation} in centralized observation, "
            "{confirmed} confirmed cases."
        ),
    )
