"""Address → area: match a caller's text address against the area tree (street → community → building)
and the places on it.

Three passes, cheapest first, over a candidate list built once per subtree and cached:

1. exact: every substring of the normalised address is looked up in a dict of names (full names and their
   cores without 社区/村/街道/地区), longest first — a few dozen dict lookups per address;
2. pinyin: the same over toneless pinyin syllables (pypinyin), so a homophone typed by an operator or a
   speech-to-text slip ("镇国四社区" for 镇国寺社区) still matches;
3. fuzzy: rapidfuzz's WRatio of the address against the community names, a suggestion for the triage list
   (auto-accepted only at CONFIDENT or above).

A match is confident when it names exactly one community (score ≥ CONFIDENT); then a building of that
community named in the address ("3号楼", "3栋") narrows it further. Anything else goes to the street's
triage list, where a person picks the area by hand (a scoped choice).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Count, Max
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from fangkong.areas.models import Area, Level, Place

CONFIDENT = 90
SUFFIXES = ("社区居委会", "居委会", "社区", "街道办事处", "街道", "地区", "村委会", "村", "乡", "镇")
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_BUILDING_VARIANTS = [(re.compile(r"(\d+)(栋|幢|号楼|楼)"), r"\1号楼")]
_NOISE = re.compile(r"[\s,，。.、;；:：()（）\-—_/]+")


def normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text or "")).translate(_DIGITS).lower()
    t = _NOISE.sub("", t)
    for rx, rep in _BUILDING_VARIANTS:
        t = rx.sub(rep, t)
    return t


def core(name: str) -> str:
    n = normalise(name)
    for s in SUFFIXES:
        if n.endswith(s) and len(n) - len(s) >= 2:
            return n[: -len(s)]
    return n


def pinyin_key(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text, errors="default"))


@dataclass
class Node:
    id: int
    path: str
    level: str
    name: str
    street_id: int | None
    community_id: int | None


@dataclass
class Candidates:
    nodes: dict[int, Node] = field(default_factory=dict)
    names: dict[str, set[int]] = field(default_factory=dict)  # normalised name or core → street/community ids
    lengths: list[int] = field(default_factory=list)  # name lengths, longest first
    pinyin: dict[tuple, set[int]] = field(default_factory=dict)
    pinyin_lengths: list[int] = field(default_factory=list)
    buildings: dict[int, dict[str, int]] = field(default_factory=dict)  # community id → {name: area id}
    places: dict[str, tuple[int, str]] = field(default_factory=dict)  # place name → (place id, area path)
    place_lengths: list[int] = field(default_factory=list)
    community_names: dict[int, str] = field(default_factory=dict)  # for the fuzzy pass
    initials: list[tuple[str, str, int]] = field(default_factory=list)  # (initials, full pinyin, id)


_CACHE: dict[str, tuple[tuple, Candidates]] = {}
_LOCK = threading.Lock()


def _stamp(path: str) -> tuple:
    agg = Area.objects.filter(
        path__startswith=path, level__in=[Level.STREET, Level.COMMUNITY, Level.BUILDING]
    )
    a = agg.aggregate(n=Count("id"), m=Max("id"))
    p = Place.objects.filter(area_path__startswith=path).aggregate(n=Count("id"), m=Max("id"))
    return (a["n"], a["m"], p["n"], p["m"])


def candidates(within: Area | None) -> Candidates:
    """The candidate names under `within` (None: the whole tree), rebuilt when areas or places change."""
    path = within.path if within is not None else ""
    stamp = _stamp(path)
    with _LOCK:
        hit = _CACHE.get(path)
        if hit and hit[0] == stamp:
            return hit[1]
    c = _build(path)
    with _LOCK:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[path] = (stamp, c)
    return c


def _ancestor(path: str, by_path: dict[str, Area], level: str) -> int | None:
    for i in range(4, len(path) + 1, 4):
        a = by_path.get(path[:i])
        if a is not None and a.level == level:
            return a.id
    return None


def _build(path: str) -> Candidates:
    c = Candidates()
    # Ancestors of `path` too: a street-scoped import still resolves its street's node.
    prefixes = [path[:i] for i in range(4, len(path), 4)]
    rows = list(
        Area.objects.filter(path__startswith=path, level__in=[Level.STREET, Level.COMMUNITY, Level.BUILDING])
        .only("id", "path", "level", "name")
        .order_by("path")
    ) + list(Area.objects.filter(path__in=prefixes, level=Level.STREET).only("id", "path", "level", "name"))
    by_path = {a.path: a for a in rows}
    for a in rows:
        node = Node(
            a.id,
            a.path,
            a.level,
            a.name,
            _ancestor(a.path, by_path, Level.STREET),
            _ancestor(a.path, by_path, Level.COMMUNITY),
        )
        c.nodes[a.id] = node
        if a.level == Level.BUILDING:
            if node.community_id:
                c.buildings.setdefault(node.community_id, {})[normalise(a.name)] = a.id
            continue
        for key in {normalise(a.name), core(a.name)}:
            if len(key) >= 2:
                c.names.setdefault(key, set()).add(a.id)
                c.pinyin.setdefault(pinyin_key(key), set()).add(a.id)
        py = lazy_pinyin(a.name)
        c.initials.append(("".join(s[:1] for s in py), "".join(py), a.id))
        if a.level == Level.COMMUNITY:
            c.community_names[a.id] = core(a.name)
    c.lengths = sorted({len(k) for k in c.names}, reverse=True)
    c.pinyin_lengths = sorted({len(k) for k in c.pinyin}, reverse=True)
    for pid, name, area_path in Place.objects.filter(area_path__startswith=path, active=True).values_list(
        "id", "name", "area_path"
    ):
        key = normalise(name)
        if len(key) >= 3:
            c.places[key] = (pid, area_path)
    c.place_lengths = sorted({len(k) for k in c.places}, reverse=True)
    return c


@dataclass
class Match:
    area_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    place_id: int | None = None
    score: int = 0
    how: str = ""
    suggestion_id: int | None = None  # a community the fuzzy pass thinks of, for the triage list

    @property
    def confident(self) -> bool:
        return self.area_id is not None and self.score >= CONFIDENT


def _scan(seq, index: dict, lengths: list[int]) -> list[tuple[int, int, set]]:
    """(length, start, ids) of every indexed key found in `seq`, longest first."""
    found = []
    n = len(seq)
    for length in lengths:
        if length > n:
            continue
        for i in range(n - length + 1):
            ids = index.get(seq[i : i + length])
            if ids:
                found.append((length, i, ids))
    return found


def _pick(c: Candidates, hits, street_id: int | None) -> tuple[int | None, int | None, bool]:
    """The community (and street) named by the hits; ambiguous when two communities tie."""
    communities: dict[int, int] = {}
    streets: dict[int, int] = {}
    for length, _start, ids in hits:
        for i in ids:
            node = c.nodes[i]
            if street_id and node.street_id != street_id:
                continue
            if node.level == Level.COMMUNITY:
                communities[i] = max(communities.get(i, 0), length)
            elif node.level == Level.STREET:
                streets[i] = max(streets.get(i, 0), length)
    if streets and communities:  # a named street rules out its namesakes' communities elsewhere
        inside = {k: v for k, v in communities.items() if c.nodes[k].street_id in streets}
        communities = inside or communities
    if communities:
        best = max(communities.values())
        top = [k for k, v in communities.items() if v == best]
        if len(top) == 1:
            return top[0], c.nodes[top[0]].street_id, False
        return None, None, True
    if len(streets) == 1:
        return None, next(iter(streets)), False
    return None, None, len(streets) > 1


def match_address(address: str, *, within: Area | None = None, street: Area | None = None) -> Match:
    """The area an address names, under `within` (and inside `street` when the city named one)."""
    c = candidates(within)
    return match_with(c, address, street_id=street.id if street else None)


def match_with(c: Candidates, address: str, *, street_id: int | None = None) -> Match:
    text = normalise(address)
    m = Match(street_id=street_id)
    if not text:
        return m
    place = None
    for length in c.place_lengths:
        hit = next(
            (text[i : i + length] for i in range(len(text) - length + 1) if text[i : i + length] in c.places),
            None,
        )
        if hit:
            place = c.places[hit]
            break
    community, found_street, ambiguous = _pick(c, _scan(text, c.names, c.lengths), street_id)
    how, score = "exact", 100
    if community is None and not ambiguous:
        py = pinyin_key(text)
        community, found_street2, ambiguous = _pick(c, _scan(py, c.pinyin, c.pinyin_lengths), street_id)
        found_street = found_street or found_street2
        how, score = "pinyin", 95
    if community is None and place is not None and not ambiguous:
        node_path = place[1]
        owner = next(
            (n for n in c.nodes.values() if n.level == Level.COMMUNITY and node_path.startswith(n.path)), None
        )
        if owner and (not street_id or owner.street_id == street_id):
            community, found_street, how, score = owner.id, owner.street_id, "place", 100
    m.street_id = street_id or found_street
    if community is None:
        pool = {
            k: v
            for k, v in c.community_names.items()
            if not m.street_id or c.nodes[k].street_id == m.street_id
        }
        if pool:
            best = process.extractOne(text, pool, scorer=fuzz.WRatio, score_cutoff=60)
            if best:
                m.suggestion_id, m.score, m.how = best[2], int(best[1]), "fuzzy"
                if best[1] >= CONFIDENT and not ambiguous:
                    community = best[2]
                    m.street_id = m.street_id or c.nodes[community].street_id
                    how, score = "fuzzy", int(best[1])
        if community is None:
            return m
    m.community_id, m.area_id, m.score, m.how = community, community, score, how
    if place is not None:
        m.place_id = place[0]
    buildings = c.buildings.get(community, {})
    if buildings:
        for length in sorted({len(k) for k in buildings}, reverse=True):
            hit = next(
                (
                    text[i : i + length]
                    for i in range(len(text) - length + 1)
                    if text[i : i + length] in buildings
                ),
                None,
            )
            if hit:
                m.area_id = buildings[hit]
                break
    return m


def search_ids(c: Candidates, q: str, limit: int = 40) -> list[int]:
    """Street/community ids whose name, pinyin or initials start with (or contain) what was typed:
    'zgs' or 'zhenguo' finds 镇国寺社区 (the quick-entry page's autocomplete)."""
    q = normalise(q)
    if not q:
        return []
    out = []
    for initials, full, i in c.initials:
        if q.isascii():
            if initials.startswith(q) or full.startswith(q):
                out.append(i)
        elif q in c.nodes[i].name:
            out.append(i)
        if len(out) >= limit:
            break
    return out
