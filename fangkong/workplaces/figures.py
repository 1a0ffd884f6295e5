"""Workplace figures: per street and type (workplaces open, reporting today, missing reports, violations
by rule, open and overdue ledger items, risk grades) for the chart page and the API, and the section of
the leadership briefing (workplaces open, reporting, in violation)."""

from __future__ import annotations

import datetime

from django.db.models import Count, F
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core.figures import Figure, Section, count_by_community, day_window
from fangkong.core.scoping import ALL, path_q, scope_paths

from .models import LedgerItem, RiskGrade, Violation, Workplace, WorkplaceType, ZeroReport

VIEW_PERMS = ("workplaces.view_workplace", "people.view_statistics")


def _viewer_paths(viewer):
    """The area prefixes whose workplace figures `viewer` may see (None: everywhere)."""
    found: list[str] = []
    for perm in VIEW_PERMS:
        paths = scope_paths(viewer, perm)
        if paths is ALL:
            return ALL
        found += paths
    return sorted(set(found))


def _scoped(qs, paths, field="area_path"):
    if paths is ALL:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(path_q(field, paths))


def street_type_figures(*, viewer, day: datetime.date | None = None) -> dict:
    """Counts per (street, workplace type), set-based: one grouped query per figure."""
    day = day or timezone.localdate()
    paths = _viewer_paths(viewer)
    streets = {a.path: a for a in Area.objects.filter(level=Level.STREET)}
    if not streets:
        return {
            "day": day.isoformat(),
            "rows": [],
            "totals": {},
            "rules": [],
            "grades": list(RiskGrade.values),
        }
    n = len(next(iter(streets)))

    def grouped(qs, type_field, *extra):
        return (
            qs.annotate(s=Substr("area_path", 1, n), t=F(type_field))
            .values("s", "t", *extra)
            .annotate(c=Count("pk"))
            .order_by()
        )

    rows: dict[tuple[str, str], dict] = {}

    def row(s, t):
        return rows.setdefault(
            (s, t),
            {
                "open": 0,
                "reporting": 0,
                "missing": 0,
                "ledger_open": 0,
                "ledger_overdue": 0,
                "violations": {},
                "risk": {},
            },
        )

    workplaces = _scoped(Workplace.objects.all(), paths)
    for r in grouped(workplaces.filter(open=True), "type", "risk_grade"):
        x = row(r["s"], r["t"])
        x["open"] += r["c"]
        x["risk"][r["risk_grade"]] = x["risk"].get(r["risk_grade"], 0) + r["c"]
    reports = _scoped(ZeroReport.objects.filter(date=day, workplace__open=True), paths)
    for r in grouped(reports, "workplace__type"):
        row(r["s"], r["t"])["reporting"] += r["c"]
    violations = _scoped(Violation.objects.filter(resolved_at__isnull=True), paths)
    rules = set()
    for r in grouped(violations, "workplace__type", "rule"):
        v = row(r["s"], r["t"])["violations"]
        v[r["rule"]] = v.get(r["rule"], 0) + r["c"]
        rules.add(r["rule"])
    ledger = _scoped(LedgerItem.objects.exclude(status=LedgerItem.Status.CLOSED), paths)
    for r in grouped(ledger, "workplace__type"):
        row(r["s"], r["t"])["ledger_open"] += r["c"]
    for r in grouped(ledger.filter(deadline__lt=day), "workplace__type"):
        row(r["s"], r["t"])["ledger_overdue"] += r["c"]
    labels = dict(WorkplaceType.choices)
    grades = dict(RiskGrade.choices)
    from fangkong.policies.models import PolicyDefinition

    rule_names = {d.key: d.label() for d in PolicyDefinition.objects.filter(key__in=rules)}
    out = []
    totals = {"open": 0, "reporting": 0, "missing": 0, "ledger_open": 0, "ledger_overdue": 0, "violations": 0}
    for (s, t), x in sorted(rows.items()):
        x["missing"] = max(x["open"] - x["reporting"], 0)
        street = streets.get(s)
        out.append(
            {
                "street": street.name if street else s,
                "street_id": street.pk if street else None,
                "type": t,
                "type_label": str(labels.get(t, t)),
                **x,
                "risk_display": [[str(grades.get(g, g)), c] for g, c in sorted(x["risk"].items())],
                "violations_display": [[rule_names.get(k, k), c] for k, c in sorted(x["violations"].items())],
            }
        )
        for k in ("open", "reporting", "missing", "ledger_open", "ledger_overdue"):
            totals[k] += x[k]
        totals["violations"] += sum(x["violations"].values())
    return {
        "day": day.isoformat(),
        "rows": out,
        "totals": totals,
        "rules": sorted(rules),
        "grades": list(RiskGrade.values),
    }


# -- the briefing section -----------------------------------------------------------------------------


def compute(as_of, communities) -> dict[int, dict[str, float]]:
    communities = list(communities)
    out: dict[int, dict[str, float]] = {c.pk: {} for c in communities}
    day, _start, _end = day_window(as_of)
    open_ = Workplace.objects.filter(open=True)
    for cid, n in count_by_community(open_, communities).items():
        out[cid]["open"] = n
    reporting = ZeroReport.objects.filter(date=day, workplace__open=True, filed_at__lte=as_of)
    for cid, n in count_by_community(reporting, communities).items():
        out[cid]["reporting"] = n
    for c in communities:
        row = out[c.pk]
        row["missing"] = max(row.get("open", 0) - row.get("reporting", 0), 0)
    in_violation = Workplace.objects.filter(
        pk__in=Violation.objects.filter(found_at__lte=as_of)
        .exclude(resolved_at__lte=as_of)
        .values("workplace_id")
    )
    for cid, n in count_by_community(in_violation, communities).items():
        out[cid]["in_violation"] = n
    overdue = LedgerItem.objects.exclude(status=LedgerItem.Status.CLOSED).filter(deadline__lt=day)
    for cid, n in count_by_community(overdue, communities).items():
        out[cid]["ledger_overdue"] = n
    return out


def section() -> Section:
    return Section(
        key="workplaces",
        title=gettext_noop("Workplaces"),
        order=60,
        perm=VIEW_PERMS,
        figures=(
            Figure(
                "open",
                gettext_noop("Workplaces open"),
                unit=gettext_noop("workplaces"),
                higher_is_worse=False,
            ),
            Figure(
                "reporting",
                gettext_noop("Workplaces reporting"),
                unit=gettext_noop("workplaces"),
                link="workplaces:zeroreport-list",
                link_query={"date": "{date}"},
                higher_is_worse=False,
            ),
            Figure(
                "reporting_rate",
                gettext_noop("Zero reports in"),
                unit="%",
                ratio=("reporting", "open"),
                higher_is_worse=False,
            ),
            Figure(
                "missing",
                gettext_noop("Zero reports missing"),
                unit=gettext_noop("workplaces"),
                link="workplaces:missing-list",
                link_query={"date": "{date}"},
            ),
            Figure(
                "in_violation",
                gettext_noop("Workplaces in violation"),
                unit=gettext_noop("workplaces"),
            ),
            Figure(
                "ledger_overdue",
                gettext_noop("Rectifications overdue"),
                unit=gettext_noop("items"),
                link="workplaces:ledger-list",
                link_query={"overdue": "true"},
            ),
        ),
        compute=compute,
        sentence=gettext_noop(
            "{area}: {reporting} of {open} workplaces filed their zero report, {in_violation} in violation"
        ),
    )
