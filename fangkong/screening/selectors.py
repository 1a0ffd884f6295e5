"""Reads of mass testing, always scoped. Coverage and the target population read the maintained
per-building counts (CoverageCount), never a scan of the samples."""

from __future__ import annotations

import datetime

from django.db.models import Q, Sum
from django.db.models.functions import Substr

from fangkong.areas.models import STEP, Area
from fangkong.core.replica import replica_reads

from .models import Campaign, CoverageCount, LabResult, Sample, TargetPerson

COUNT_FIELDS = ("target", "sampled", "exempt", "pending_results", "negative", "to_retest", "positive")
LEVEL_LEN = {"street": 3 * STEP, "community": 4 * STEP}


def coverage_perm(user) -> str | None:
    """The permission a viewer reads coverage through: the records', or figures only (leadership)."""
    if user.has_perm("screening.view_coveragecount"):
        return "screening.view_coveragecount"
    if user.has_perm("people.view_statistics"):
        return "people.view_statistics"
    return None


def campaigns_visible(*, viewer):
    perm = coverage_perm(viewer)
    if viewer.has_perm("screening.view_campaign"):
        return Campaign.objects.visible_to(viewer)
    if perm:
        return Campaign.objects.visible_to(viewer, perm)
    return Campaign.objects.none()


@replica_reads  # a report (page and export): it may read the read replica (core/replica.py)
def coverage_rows(
    *, viewer, campaign: Campaign, level: str = "community", within: Area | None = None
) -> list[dict]:
    """Counts per street, community or building ("building"), with the rate tested ÷ (target − exempt)."""
    perm = coverage_perm(viewer)
    if perm is None:
        return []
    qs = CoverageCount.objects.filter(campaign=campaign).visible_to(viewer, perm)
    if within is not None:
        qs = qs.filter(area_path__startswith=within.path)
    if level == "building":
        rows = list(qs.values("area_id", "area_path", *COUNT_FIELDS).order_by("area_path"))
        names = dict(Area.objects.filter(pk__in=[r["area_id"] for r in rows]).values_list("pk", "name"))
        parents = _names_by_path({r["area_path"][: LEVEL_LEN["community"]] for r in rows})
        for r in rows:
            r["name"] = (
                f"{parents.get(r['area_path'][: LEVEL_LEN['community']], '')} {names.get(r['area_id'], '')}".strip()
            )
            r["path"] = r["area_path"]
    else:
        n = LEVEL_LEN.get(level, LEVEL_LEN["community"])
        rows = list(
            qs.annotate(path=Substr("area_path", 1, n))
            .values("path")
            .annotate(**{f: Sum(f) for f in COUNT_FIELDS})
            .order_by("path")
        )
        names = _names_by_path({r["path"] for r in rows})
        for r in rows:
            r["name"] = names.get(r["path"], r["path"])
    for r in rows:
        _rate(r)
    return rows


def _names_by_path(paths: set[str]) -> dict[str, str]:
    return dict(Area.objects.filter(path__in=paths).values_list("path", "name"))


def _rate(r: dict) -> None:
    due = (r.get("target") or 0) - (r.get("exempt") or 0)
    r["due"] = max(0, due)
    r["rate"] = round(100.0 * (r.get("sampled") or 0) / due, 1) if due > 0 else None


def coverage_totals(rows: list[dict]) -> dict:
    tot = {f: sum(r.get(f) or 0 for r in rows) for f in COUNT_FIELDS}
    _rate(tot)
    return tot


def tube_counts(*, campaign: Campaign) -> dict:
    from django.db.models import Count

    from .models import Tube

    by_state = dict(campaign.tubes.values("state").annotate(n=Count("id")).values_list("state", "n"))
    return {"total": sum(by_state.values()), **{s: by_state.get(s, 0) for s in Tube.State.values}}


def untested(*, viewer, campaign: Campaign):
    """Target people not sampled (for door-knocking), with any reason recorded."""
    return (
        TargetPerson.objects.filter(campaign=campaign)
        .exclude(state=TargetPerson.State.SAMPLED)
        .visible_to(viewer, "screening.view_targetperson")
        .select_related("person", "building")
    )


def negative_since(person_ids, since: datetime.datetime | datetime.date) -> set[int]:
    """The people among `person_ids` with a negative result on a sample taken since `since` (a tube's
    laboratory result, or a counted antigen self-test). Used by other apps (support teams' eligibility)."""
    if isinstance(since, datetime.date) and not isinstance(since, datetime.datetime):
        since = datetime.datetime.combine(since, datetime.time.min, tzinfo=datetime.UTC)
    ids = list(person_ids)
    if not ids:
        return set()
    from .models import AntigenReport

    out = set(
        Sample.objects.filter(
            person_id__in=ids, sampled_at__gte=since, tube__result__result=LabResult.Result.NEGATIVE
        ).values_list("person_id", flat=True)
    )
    out |= set(
        AntigenReport.objects.filter(
            Q(person_id__in=ids), reported_at__gte=since, result=AntigenReport.Result.NEGATIVE, counted=True
        ).values_list("person_id", flat=True)
    )
    return out
