"""Reads of the registry, always through `visible_to`. Counts group by path prefix (no joins)."""

from __future__ import annotations

import re
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Substr

from fangkong.areas.models import LEVEL_ORDER as LEVELS
from fangkong.areas.models import Area, Level
from fangkong.core import crypto
from fangkong.core.identity import IdentityError, normalise_id, normalise_phone, parse_resident_id
from fangkong.core.scoping import ALL, path_q, scope_paths

from .models import ImportBatch, Person, PersonStatus, StatusChange, Visit, VulnerableEntry

INITIALS_RE = re.compile(r"^[A-Za-z]{1,20}$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
DOC_RE = re.compile(r"^[A-Z0-9]{5,18}$")


def person_search(qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    """Name (Chinese characters, substring), pinyin initials ('zs' for 张三), exact ID or exact phone."""
    q = (q or "").strip()
    if not q:
        return qs
    phone = normalise_phone(q)
    if MOBILE_RE.match(phone):
        return qs.filter(phone_hash=crypto.blind_index(phone, kind="phone"))
    if INITIALS_RE.match(q) and len(q) < 5:
        return qs.filter(name_initials__startswith=q.lower())
    number = normalise_id(q)
    if any(ch.isdigit() for ch in number) and DOC_RE.match(number):
        try:
            number = parse_resident_id(number).number
        except IdentityError:
            pass  # a passport or a typo: the exact index simply finds nothing
        return qs.filter(id_hash=crypto.blind_index(number, kind="id"))
    if INITIALS_RE.match(q):  # longer letters: a passport name or long initials
        return qs.filter(name_initials__startswith=q.lower()) | qs.filter(name__icontains=q)
    return qs.filter(name__contains=q)


def person_list_category(qs: QuerySet[Person], category: str) -> QuerySet[Person]:
    """People with an active ledger entry of the category (EXISTS: no duplicate rows)."""
    return qs.filter(
        Exists(VulnerableEntry.objects.filter(person=OuterRef("pk"), category=category, active=True))
    )


def within(qs: QuerySet, area: Area | None) -> QuerySet:
    return qs.filter(area_path__startswith=area.path) if area is not None else qs


def person_list(*, viewer, filters: dict | None = None) -> QuerySet[Person]:
    """People the viewer may see, filtered by area (id or Area), status, category, type, return, q."""
    f = filters or {}
    qs = Person.objects.visible_to(viewer).select_related("area")
    area = f.get("area")
    if area is not None and not isinstance(area, Area):
        area = Area.objects.filter(pk=area).first()
        if area is None:
            return qs.none()
    qs = within(qs, area)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("person_type"):
        qs = qs.filter(person_type=f["person_type"])
    if f.get("return_status"):
        qs = qs.filter(return_status=f["return_status"])
    if f.get("category"):
        qs = qs.filter(
            Exists(VulnerableEntry.objects.filter(person=OuterRef("pk"), category=f["category"], active=True))
        )
    if f.get("q"):
        qs = person_search(qs, f["q"])
    return qs


def person_detail(*, viewer, pk: int) -> Person:
    return (
        Person.objects.visible_to(viewer)
        .select_related("area", "landlord")
        .prefetch_related(Prefetch("status_history", StatusChange.objects.select_related("set_by")))
        .get(pk=pk)
    )


def status_history(*, viewer, person: Person) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.visible_to(viewer)
        .filter(person=person)
        .select_related("set_by")
        .order_by("-since", "-id")
    )


def person_entries(*, viewer, person: Person) -> list[VulnerableEntry]:
    return list(
        VulnerableEntry.objects.visible_to(viewer)
        .filter(person=person)
        .select_related("responsible")
        .prefetch_related(Prefetch("visits", Visit.objects.select_related("by").order_by("-date", "-id")))
    )


STATISTICS_PERM = "people.view_statistics"  # figures only: the leadership role holds it, not view_person


def status_counts(*, viewer, area: Area | None = None) -> list[dict]:
    """One row per visible community: {community, counts: {status: n}, total}; one grouped query."""
    communities = Area.objects.visible_to(viewer).filter(level=Level.COMMUNITY)
    people = Person.objects.visible_to(viewer, STATISTICS_PERM)
    if area is not None:
        if LEVELS.index(area.level) > LEVELS.index(Level.COMMUNITY):  # below: its own community
            communities = communities.filter(path__in=area.ancestor_paths())
        else:
            communities = communities.filter(path__startswith=area.path)
    communities = list(communities.order_by("path")[:2000])
    if not communities:
        return []
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for n in sorted({len(c.path) for c in communities}):
        prefixes = [c.path for c in communities if len(c.path) == n]
        qs = people.filter(area_path__startswith=prefixes[0]) if len(prefixes) == 1 else people
        rows = (
            qs.annotate(community=Substr("area_path", 1, n))
            .values("community", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in rows:
            counts[r["community"]][r["status"]] = r["n"]
    out = []
    for c in communities:
        cs = counts.get(c.path, {})
        out.append(
            {
                "community": c,
                "counts": cs,
                "total": sum(cs.values()),
                "cells": [(s, cs.get(s, 0)) for s in PersonStatus.values],
            }
        )
    return out


def ledger(
    *, viewer, community: Area | None = None, category: str = "", active: bool | None = True
) -> QuerySet[VulnerableEntry]:
    """弱势群体台账 of a community (or of everything visible), with person, household and last visits."""
    qs = VulnerableEntry.objects.visible_to(viewer).select_related("person", "area", "responsible")
    qs = within(qs, community)
    if category:
        qs = qs.filter(category=category)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.prefetch_related(
        Prefetch("visits", Visit.objects.select_related("by").order_by("-date", "-id"))
    )


def household_people(*, viewer, household: Area) -> QuerySet[Person]:
    return (
        Person.objects.visible_to(viewer)
        .filter(area=household)
        .select_related("landlord")
        .order_by("relation", "name")
    )


def entrance_view(*, viewer, area: Area, limit: int = 300) -> list[tuple[Area, list[Person]]]:
    """Households under an entrance (or building) with their people: two queries."""
    households = list(
        Area.objects.visible_to(viewer)
        .filter(path__startswith=area.path, level=Level.HOUSEHOLD)
        .order_by("path")[:limit]
    )
    people: dict[int, list[Person]] = defaultdict(list)
    for p in (
        Person.objects.visible_to(viewer)
        .filter(area_path__startswith=area.path, area_id__in=[h.pk for h in households])
        .order_by("name")
    ):
        people[p.area_id].append(p)
    return [(h, people.get(h.pk, [])) for h in households]


def import_batches(*, viewer) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.visible_to(viewer).select_related("area", "created_by").defer("content")


def import_areas(*, viewer) -> list[Area]:
    """Where the viewer may import: their scope areas and the streets/communities below them."""
    paths = scope_paths(viewer, "people.add_person")
    qs = Area.objects.filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
    if paths is not ALL:
        if not paths:
            return []
        qs = Area.objects.filter(path_q("path", paths)).filter(
            level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID, Level.BUILDING]
        )
    return list(qs.order_by("path")[:1000])


def community_of(area: Area) -> Area:
    """The community (社区/村) an area lies in; the area itself when it is above that level."""
    if LEVELS.index(area.level) <= LEVELS.index(Level.COMMUNITY):
        return area
    return Area.objects.filter(path__in=area.ancestor_paths(), level=Level.COMMUNITY).first() or area
