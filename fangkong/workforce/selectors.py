"""Reads of the workforce, always scoped: the registry (a street sees its workers, a community its team,
a worker themself), registrations to review, needs against supply, and the registry's criteria per
community for the district's assignment."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr

from fangkong.areas.models import STEP, Area, Level
from fangkong.core.scoping import ALL, path_q, scope_paths

from .models import Assignment, DeploymentRequest, RegistrationLink, Worker

# The registry's figures a community is ranked by for the district's assignment.
CRITERIA = {
    "population": "population",
    "not_returned": "households not yet returned",
    "under_observation": "people under observation",
    "open_requests": "open requests",
}


def criterion_choices():
    from django.utils.translation import gettext_lazy as _

    return [
        ("population", _("population")),
        ("not_returned", _("households not yet returned")),
        ("under_observation", _("people under observation")),
        ("open_requests", _("open requests")),
    ]


def on_assignment():
    """Workers with an open assignment (a condition for filter/exclude)."""
    return Exists(Assignment.objects.filter(worker=OuterRef("pk"), end__isnull=True))


# -- the registry ---------------------------------------------------------------------------------------


def worker_list(*, viewer, perm: str = "workforce.view_worker") -> QuerySet[Worker]:
    """The workers a viewer sees: those of their jurisdiction, and always their own record."""
    qs = Worker.objects.visible_to(viewer, perm)
    if viewer is not None and viewer.is_authenticated and scope_paths(viewer, perm) is not ALL:
        qs = Worker.objects.filter(Q(pk__in=qs.values("pk")) | Q(user=viewer))
    return qs


def worker_of(user) -> Worker | None:
    if user is None or not user.is_authenticated:
        return None
    return Worker.objects.filter(user=user).select_related("area").first()


def worker_search(qs: QuerySet[Worker], q: str) -> QuerySet[Worker]:
    """By name, unit, or exact phone or document number (their HMAC index)."""
    from fangkong.core import crypto
    from fangkong.core.identity import normalise_id, normalise_phone

    q = (q or "").strip()
    if not q:
        return qs
    cond = Q(name__icontains=q) | Q(home_unit__icontains=q)
    phone = normalise_phone(q)
    if phone.isdigit() and len(phone) == 11:
        cond |= Q(phone_hash=crypto.blind_index(phone, kind="phone"))
    number = normalise_id(q)
    if len(number) >= 5:
        cond |= Q(id_hash=crypto.blind_index(number, kind="id"))
    return qs.filter(cond)


def pending_registrations(*, viewer) -> QuerySet[Worker]:
    return (
        Worker.objects.visible_to(viewer, "workforce.change_worker")
        .filter(status=Worker.Status.PENDING)
        .select_related("area", "registration_link")
        .order_by("created_at", "id")
    )


def link_list(*, viewer) -> QuerySet[RegistrationLink]:
    return (
        RegistrationLink.objects.visible_to(viewer)
        .select_related("area")
        .annotate(registered=Count("registrations"))
    )


def open_requests(*, viewer) -> QuerySet[DeploymentRequest]:
    return DeploymentRequest.objects.visible_to(viewer).filter(status=DeploymentRequest.Status.OPEN)


def worker_assignments(*, viewer, worker: Worker) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(worker=worker)
        .select_related("area", "assigned_by")
        .order_by("-start", "-id")
    )


# -- criteria per community -------------------------------------------------------------------------------


def communities_for_assignment(*, viewer, within: Area | None = None) -> list[Area]:
    qs = Area.objects.filter(level=Level.COMMUNITY)
    if viewer is not None:
        paths = scope_paths(viewer, "workforce.add_assignment")
        if paths is not ALL:
            qs = qs.filter(path_q("path", paths))
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return list(qs.order_by("path"))


def _by_prefix(qs, communities: list[Area], value) -> dict[int, int]:
    """Group `qs` (rows with area_path) by the community path prefix: {community id: value}."""
    out: dict[int, int] = {}
    by_len: dict[int, dict[str, int]] = defaultdict(dict)
    for a in communities:
        by_len[len(a.path)][a.path] = a.pk
    for length, paths in by_len.items():
        # One prefix filter per street (few) keeps the scan on the path index's range.
        streets = sorted({p[: length - STEP] for p in paths})
        rows = (
            qs.filter(path_q("area_path", streets))
            .annotate(prefix=Substr("area_path", 1, length))
            .values("prefix")
            .annotate(v=value)
            .values_list("prefix", "v")
        )
        for prefix, v in rows:
            if prefix in paths:
                out[paths[prefix]] = int(v or 0)
    return out


def community_scores(*, communities: list[Area], criteria=tuple(CRITERIA)) -> dict[str, dict[int, int]]:
    """{criterion: {community id: figure}} from the registry, one aggregate query per criterion."""
    from fangkong.people.models import Person, PersonStatus

    out: dict[str, dict[int, int]] = {}
    if not communities:
        return {c: {} for c in criteria}
    if "population" in criteria:
        out["population"] = _by_prefix(Person.objects.all(), communities, Count("id"))
    if "not_returned" in criteria:
        out["not_returned"] = _by_prefix(
            Person.objects.filter(return_status=Person.Return.NOT_RETURNED),
            communities,
            Count("area_id", distinct=True),
        )
    if "under_observation" in criteria:
        out["under_observation"] = _by_prefix(
            Person.objects.filter(
                status__in=[PersonStatus.HOME_OBSERVATION, PersonStatus.CENTRALIZED_OBSERVATION]
            ),
            communities,
            Count("id"),
        )
    if "open_requests" in criteria:
        need: dict[int, int] = defaultdict(int)
        for _req, area_id, remaining in open_request_needs(communities=communities):
            need[area_id] += remaining
        out["open_requests"] = dict(need)
    return out


def open_request_needs(*, communities: list[Area]) -> list[tuple[int, int, int]]:
    """(request id, community id, workers still needed) of the open requests stated by these
    communities, oldest first."""
    ids = [a.pk for a in communities]
    rows = []
    for i in range(0, len(ids), 1000):
        rows += list(
            DeploymentRequest.objects.filter(
                area_id__in=ids[i : i + 1000], status=DeploymentRequest.Status.OPEN
            )
            .annotate(n=Count("assignments", filter=Q(assignments__end__isnull=True)))
            .order_by("start", "id")
            .values_list("id", "area_id", "count", "n")
        )
    return [(rid, aid, count - n) for rid, aid, count, n in rows if count > n]


# -- needs against supply ---------------------------------------------------------------------------------


def needs_and_supply(*, viewer, within: Area | None = None) -> list[dict]:
    """Per street or community of the viewer's jurisdiction (the children of `within`, else of the
    viewer's own areas): workers requested (open requests), assigned (open assignments), in the team
    (active workers), pending registrations, and the gap."""
    paths = scope_paths(viewer, "workforce.view_deploymentrequest")
    if within is None:
        roots = Area.objects.filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
        if paths is not ALL:
            roots = roots.filter(path__in=paths)
        root = roots.order_by("path").first()
        if root is None:
            return []
        within = root
    if within.level == Level.COMMUNITY:
        areas = [within]
    else:
        areas = list(within.children.filter(level__in=[Level.STREET, Level.COMMUNITY]).order_by("path"))
    if paths is not ALL:
        areas = [a for a in areas if any(a.path.startswith(p) or p.startswith(a.path) for p in paths)]
    if not areas:
        return []
    length = len(areas[0].path)

    def grouped(qs, value) -> dict[str, int]:
        if paths is not ALL:
            qs = qs.filter(path_q("area_path", paths))
        rows = (
            qs.filter(area_path__startswith=within.path)
            .annotate(prefix=Substr("area_path", 1, length))
            .values("prefix")
            .annotate(v=value)
            .values_list("prefix", "v")
        )
        return {p: int(v or 0) for p, v in rows}

    requested = grouped(DeploymentRequest.objects.filter(status=DeploymentRequest.Status.OPEN), Sum("count"))
    assigned = grouped(Assignment.objects.filter(end__isnull=True), Count("id"))
    team = grouped(Worker.objects.filter(status=Worker.Status.ACTIVE), Count("id"))
    pending = grouped(Worker.objects.filter(status=Worker.Status.PENDING), Count("id"))
    out = []
    for a in areas:
        row = {
            "area": a,
            "requested": requested.get(a.path, 0),
            "assigned": assigned.get(a.path, 0),
            "team": team.get(a.path, 0),
            "pending": pending.get(a.path, 0),
        }
        row["gap"] = max(row["requested"] - row["assigned"], 0)
        out.append(row)
    return out


def supply_summary(*, viewer) -> dict:
    """Available workers (active, healthy, not on an open assignment) of the viewer's jurisdiction by kind."""
    qs = (
        Worker.objects.visible_to(viewer)
        .filter(status=Worker.Status.ACTIVE, health_status=Worker.Health.HEALTHY)
        .exclude(on_assignment())
    )
    counts = dict(qs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "by_kind": [(label, counts.get(k, 0)) for k, label in Worker.Kind.choices],
        "total": sum(counts.values()),
    }
