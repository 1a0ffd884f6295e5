"""Reads of the investigation, scoped through visible_to; the co-presence query and the chain graph are
set-based (one SQL statement each, no per-row ORM objects)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Case, CaseLink, Classification, Contact, ContactKind, ScreeningTask


def case_list(*, viewer, perm: str | None = None) -> QuerySet[Case]:
    return Case.objects.visible_to(viewer, perm).select_related("person", "area", "cluster")


def contact_list(*, viewer, perm: str | None = None) -> QuerySet[Contact]:
    return Contact.objects.visible_to(viewer, perm).select_related("person", "area", "order")


def task_list(*, viewer) -> QuerySet[ScreeningTask]:
    return ScreeningTask.objects.visible_to(viewer).select_related("person", "area", "risk_area")


# ------------------------------------------------------------------ co-presence


def _scan_tables() -> tuple[str, str]:
    from fangkong.gates.models import ScanEvent, ScanVisitor

    return ScanEvent._meta.db_table, ScanVisitor._meta.db_table


def copresence_pairs(
    *,
    person_ids: list[int],
    start: datetime.datetime,
    end: datetime.datetime,
    window: int,
    min_overlap: int,
    per_pair: int | None = None,
) -> list[tuple]:
    """Rows (case person, other person, place id, case scan time, other scan time) of every pair of scans
    at the same place whose stays overlap by at least `min_overlap` minutes: a scan stands for a stay of
    `window` minutes, so two stays overlap by window − |Δt|, i.e. |Δt| ≤ window − min_overlap.

    A person is present through a scan that names them (at a gate of their own community) or through
    a visitor link (gates.ScanVisitor: a gate elsewhere, where the scan itself names nobody), so both
    sides of the self-join are the union of the two; each branch is an index range scan on
    (place, scanned_at) or (person, scanned_at).

    `per_pair`: only that many rows of each (case person, other person), the longest overlaps, ranked in
    the database: a busy place pairs a case with thousands of scans, and reading every pair into Python
    cost minutes at 100 cases (issue 23) where the evidence keeps three."""
    if not person_ids or min_overlap > window:
        return []
    delta = window - min_overlap
    scans, visitors = _scan_tables()
    # Both sides read the union; PostgreSQL pulls a UNION ALL subquery up into an append of index scans.
    others = (
        f"(SELECT person_id, place_id, scanned_at FROM {scans} WHERE person_id IS NOT NULL "
        f"UNION ALL SELECT person_id, place_id, scanned_at FROM {visitors})"
    )
    if connection.vendor == "postgresql":
        cases = (
            f"(SELECT person_id, place_id, scanned_at FROM {scans} "
            "WHERE person_id = ANY(%s) AND scanned_at >= %s AND scanned_at < %s "
            f"UNION ALL SELECT person_id, place_id, scanned_at FROM {visitors} "
            "WHERE person_id = ANY(%s) AND scanned_at >= %s AND scanned_at < %s)"
        )
        sql = f"""
            SELECT c.person_id, o.person_id, c.place_id, c.scanned_at, o.scanned_at
            FROM {cases} c
            JOIN {others} o
              ON o.place_id = c.place_id
             AND o.scanned_at BETWEEN c.scanned_at - make_interval(mins => %s)
                                  AND c.scanned_at + make_interval(mins => %s)
             AND o.person_id <> c.person_id
        """
        ids = list(person_ids)
        params = [ids, start, end, ids, start, end, delta, delta]
    else:  # SQLite (the embedded demo): the same join, times compared as Julian days
        marks = ",".join(["%s"] * len(person_ids))
        cases = (
            f"(SELECT person_id, place_id, scanned_at FROM {scans} "
            f"WHERE person_id IN ({marks}) AND scanned_at >= %s AND scanned_at < %s "
            f"UNION ALL SELECT person_id, place_id, scanned_at FROM {visitors} "
            f"WHERE person_id IN ({marks}) AND scanned_at >= %s AND scanned_at < %s)"
        )
        sql = f"""
            SELECT c.person_id, o.person_id, c.place_id, c.scanned_at, o.scanned_at
            FROM {cases} c
            JOIN {others} o
              ON o.place_id = c.place_id
             AND abs(julianday(o.scanned_at) - julianday(c.scanned_at)) * 1440.0 <= %s + 1e-6
             AND o.person_id <> c.person_id
        """
        params = [*person_ids, start, end, *person_ids, start, end, delta]
    if per_pair:
        gap = (
            "abs(extract(epoch FROM o.scanned_at - c.scanned_at))"
            if connection.vendor == "postgresql"
            else "abs(julianday(o.scanned_at) - julianday(c.scanned_at))"
        )
        select = "SELECT c.person_id, o.person_id, c.place_id, c.scanned_at, o.scanned_at"
        sql = sql.replace(
            select,
            "SELECT c.person_id AS cp, o.person_id AS op, c.place_id AS pl, c.scanned_at AS c_at, "
            f"o.scanned_at AS o_at, row_number() OVER (PARTITION BY c.person_id, o.person_id "
            f"ORDER BY {gap}, c.scanned_at, o.scanned_at) AS rn",
            1,
        )
        sql = f"SELECT cp, op, pl, c_at, o_at FROM ({sql}) ranked WHERE rn <= %s"
        params = [*params, per_pair]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _aware(t):
    if isinstance(t, str):
        t = datetime.datetime.fromisoformat(t)
    if timezone.is_naive(t):
        t = t.replace(tzinfo=datetime.UTC)
    return t


def copresence(
    *,
    person_ids: list[int],
    start: datetime.datetime,
    end: datetime.datetime,
    window: int,
    min_overlap: int,
    occasions: int = 3,
) -> dict[int, dict[int, list[dict]]]:
    """{case person: {other person: [evidence, longest overlap first]}} (at most `occasions` each)."""
    from fangkong.areas.models import Place

    found: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    places: set[int] = set()
    for case_p, other_p, place_id, case_at, other_at in copresence_pairs(
        person_ids=person_ids,
        start=start,
        end=end,
        window=window,
        min_overlap=min_overlap,
        per_pair=occasions,
    ):
        case_at, other_at = _aware(case_at), _aware(other_at)
        overlap = window - abs((other_at - case_at).total_seconds()) / 60
        found[case_p][other_p].append((overlap, place_id, case_at, other_at))
        places.add(place_id)
    names = dict(Place.objects.filter(pk__in=places).values_list("pk", "name"))
    out: dict[int, dict[int, list[dict]]] = {}
    for case_p, others in found.items():
        out[case_p] = {}
        for other_p, rows in others.items():
            rows.sort(key=lambda r: -r[0])
            out[case_p][other_p] = [
                {
                    "kind": ContactKind.COPRESENCE,
                    "place_id": pid,
                    "place": names.get(pid, ""),
                    "case_at": timezone.localtime(ca).isoformat(timespec="minutes"),
                    "contact_at": timezone.localtime(oa).isoformat(timespec="minutes"),
                    "overlap": int(round(ov)),
                }
                for ov, pid, ca, oa in rows[:occasions]
            ]
    return out


def _hm(iso: str) -> str:
    try:
        t = datetime.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{t:%m-%d %H:%M}"


def evidence_text(e: dict) -> str:
    """One line of a contact's evidence in the reader's language."""
    kind = e.get("kind")
    if kind == ContactKind.COPRESENCE:
        return _(
            "%(place)s: the case scanned at %(case)s, this person at %(contact)s (%(overlap)s min overlap)"
        ) % {
            "place": e.get("place", ""),
            "case": _hm(e.get("case_at", "")),
            "contact": _hm(e.get("contact_at", "")),
            "overlap": e.get("overlap", ""),
        }
    if kind == ContactKind.HOUSEHOLD:
        return _("Same household: %(household)s") % {"household": e.get("household", "")}
    if kind == ContactKind.WORKPLACE:
        return _("Same workplace: %(reason)s") % {"reason": e.get("reason", "")}
    if kind == ContactKind.NAMED:
        return _("Named by the case: %(note)s") % {"note": e.get("note", "")}
    return str(e)


# ------------------------------------------------------------------ chain graph

CATEGORIES = [c.value for c in Classification] + ["contact"]


def graph_cases(
    *, viewer, cluster_id: int | None = None, area=None, date_from=None, date_to=None
) -> QuerySet:
    qs = Case.objects.visible_to(viewer)
    if cluster_id:
        qs = qs.filter(cluster_id=cluster_id)
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    if date_from:
        qs = qs.filter(sample_date__gte=date_from)
    if date_to:
        qs = qs.filter(sample_date__lte=date_to)
    return qs


def graph_data(
    *, viewer, cluster_id=None, area=None, date_from=None, date_to=None, limit: int = 200_000
) -> dict:
    """Nodes (cases by classification, confirmed contacts) and edges (case → contact by contact type,
    source case → case) for ECharts: plain values() rows, one query for each of the three tables."""
    cases_qs = graph_cases(
        viewer=viewer, cluster_id=cluster_id, area=area, date_from=date_from, date_to=date_to
    )
    cases = list(
        cases_qs.values_list(
            "pk", "person_id", "person__name", "classification", "onset_date", "sample_date"
        )[:limit]
    )
    case_ids = [c[0] for c in cases]
    person_node: dict[int, str] = {}
    nodes = []
    for pk, person_id, name, cls, onset, sample in cases:
        nid = f"c{pk}"
        person_node[person_id] = nid
        nodes.append(
            {
                "id": nid,
                "name": f"BL{pk:06d} {name}",
                "category": CATEGORIES.index(cls),
                "case": pk,
                "onset": (onset or sample).isoformat(),
            }
        )
    links = []
    if case_ids:
        in_graph = cases_qs.values("pk")
        contacts = Contact.objects.filter(state=Contact.State.CONFIRMED, case__in=in_graph)
        for case_id, person_id, name, kind in contacts.values_list(
            "case_id", "person_id", "person__name", "kind"
        ):
            target = person_node.get(person_id)
            if target is None:
                target = f"p{person_id}"
                person_node[person_id] = target
                nodes.append({"id": target, "name": name, "category": len(CATEGORIES) - 1})
            links.append({"source": f"c{case_id}", "target": target, "kind": kind})
        seen = set(case_ids)
        for src, dst, kind in CaseLink.objects.filter(case__in=in_graph).values_list(
            "source_id", "case_id", "kind"
        ):
            if src in seen:
                links.append({"source": f"c{src}", "target": f"c{dst}", "kind": kind, "chain": True})
    return {
        "categories": [str(Classification(c).label) if c != "contact" else _("contacts") for c in CATEGORIES],
        "kinds": {k.value: str(k.label) for k in ContactKind},
        "nodes": nodes,
        "links": links,
    }


def gantt_rows(*, viewer, cluster_id: int) -> list[dict]:
    rows = (
        Case.objects.visible_to(viewer)
        .filter(cluster_id=cluster_id)
        .order_by(Coalesce("onset_date", "sample_date"), "pk")
        .values("pk", "person__name", "classification", "onset_date", "sample_date", "transferred_at")
    )
    out = []
    for r in rows:
        start = r["onset_date"] or r["sample_date"]
        end = timezone.localdate(r["transferred_at"]) if r["transferred_at"] else r["sample_date"]
        out.append(
            {
                "case": r["pk"],
                "name": f"BL{r['pk']:06d} {r['person__name']}",
                "category": CATEGORIES.index(r["classification"]),
                "start": start.isoformat(),
                "end": max(end, start).isoformat(),
            }
        )
    return out
