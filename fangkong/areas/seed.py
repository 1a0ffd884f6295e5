"""The demo district: 北京市 › 丰台区 with real street and township names, down to households.

Deterministic for a given seed. Written set-wise (one bulk insert per level) so the district
scale (~800,000 households) loads in minutes; other apps' seed steps hang people and records on it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction

from .models import Area, Level, Place, encode_step

# Real streets/townships of 丰台区 with believable community names (some as named in the seeds).
STREETS = [
    (
        "卢沟桥街道",
        ["镇国寺社区", "宛平城社区", "小瓦窑西里社区", "莲花池社区", "望园社区", "太平桥东里社区"],
    ),
    ("马家堡街道", ["角门东里社区", "嘉园一里社区", "晨宇社区", "西里第一社区", "富卓苑社区"]),
    ("方庄地区", ["芳古园一区社区", "芳城园一区社区", "芳星园二区社区", "紫芳园社区", "芳群园一区社区"]),
    ("花乡", ["新发地村", "白盆窑村", "六圈村", "草桥村", "纪家庙村"]),
    ("新村街道", ["育仁里社区", "电报局社区", "富丰园社区", "造甲村社区", "银地社区"]),
    ("右安门街道", ["翠林一里社区", "东庄社区", "玉林里社区", "开阳里第一社区"]),
    ("太平桥街道", ["东管头社区", "西局东街社区", "太平桥西里社区", "万泉寺社区"]),
    ("西罗园街道", ["西罗园第一社区", "洋桥北里社区", "角门北路社区", "建设里社区"]),
    ("大红门街道", ["大红门西里社区", "光彩路社区", "石榴园南里社区", "建欣苑社区"]),
    ("南苑街道", ["南苑北里社区", "机场社区", "槐房社区", "果园社区"]),
    ("东高地街道", ["三角地第一社区", "万源西里社区", "六营门社区", "东高地社区"]),
    ("东铁匠营街道", ["蒲黄榆第一社区", "横七条路第二社区", "刘家窑第三社区", "宋庄路第一社区"]),
    ("长辛店街道", ["长辛店社区", "朱家坟社区", "南关社区", "光明里社区"]),
    ("云岗街道", ["南区社区", "北里社区", "镇岗南里社区", "田城社区"]),
    ("丰台街道", ["正阳北里社区", "北大街社区", "东安街头条社区", "新华街社区"]),
    ("宛平地区", ["宛平城地区社区", "晓月苑社区", "老庄子村", "大井村"]),
]
VILLAGE_SUFFIX = "村"
BUNGALOW_COMMUNITIES = {"宛平城社区", "镇国寺社区", "新发地村", "白盆窑村"}
CENTER = (39.8585, 116.2870)  # 丰台区


@dataclass
class Scale:
    streets: int
    communities_per_street: int
    grids: int
    buildings: int
    entrances: int
    households: int
    residents_per_household: float = 2.6
    residents: int = 0


SCALES = {
    "tiny": Scale(streets=2, communities_per_street=2, grids=1, buildings=2, entrances=2, households=4),
    "small": Scale(streets=3, communities_per_street=2, grids=2, buildings=2, entrances=2, households=6),
    # ~1,150 households × 2.6 ≈ 3,000 residents
    "default": Scale(streets=6, communities_per_street=3, grids=2, buildings=4, entrances=2, households=4),
    # ~400 communities × 2,000 households × 2.5 = ~2,000,000 residents
    "district": Scale(
        streets=16,
        communities_per_street=25,
        grids=4,
        buildings=10,
        entrances=5,
        households=10,
        residents_per_household=2.5,
    ),
}


class HouseholdRef(NamedTuple):
    """What later seed steps need of a household: 800,000 model objects would cost ~1 GB."""

    pk: int
    path: str


@dataclass
class SeedContext:
    rng: random.Random
    scale: Scale
    scale_name: str
    seed: int
    city: Area | None = None
    district: Area | None = None
    streets: list[Area] = field(default_factory=list)
    communities: list[Area] = field(default_factory=list)
    households: list[HouseholdRef] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    out: object = None

    def say(self, msg: str) -> None:
        if self.out is not None:
            self.out.write(msg)


def _coord(rng: random.Random, spread: float) -> tuple[Decimal, Decimal]:
    lat = CENTER[0] + rng.uniform(-spread, spread)
    lng = CENTER[1] + rng.uniform(-spread * 1.4, spread * 1.4)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def _community_names(street_name: str, known: list[str], n: int) -> list[str]:
    names = list(known[:n])
    i = 1
    village = street_name.endswith("乡")
    while len(names) < n:
        names.append(f"{street_name[:2]}第{i}{'村' if village else '社区'}")
        i += 1
    return names


def _bulk(level_rows: list[Area], batch: int = 5000) -> list[Area]:
    return Area.objects.bulk_create(level_rows, batch_size=batch)


@transaction.atomic
def build_tree(ctx: SeedContext) -> None:
    rng, sc = ctx.rng, ctx.scale
    city = Area(path=encode_step(1), depth=1, level=Level.CITY, name="北京市", code="110000", numchild=1)
    city.save()
    lat, lng = Decimal(f"{CENTER[0]:.6f}"), Decimal(f"{CENTER[1]:.6f}")
    district = Area(
        path=city.path + encode_step(1),
        depth=2,
        parent=city,
        level=Level.DISTRICT,
        name="丰台区",
        code="110106",
        latitude=lat,
        longitude=lng,
    )
    district.save()
    ctx.city, ctx.district = city, district

    streets = []
    for i, (name, _known) in enumerate(STREETS[: sc.streets]):
        la, lo = _coord(rng, 0.06)
        kind = Area.Kind.TOWNSHIP if name.endswith(("乡", "地区")) else Area.Kind.STANDARD
        streets.append(
            Area(
                path=district.path + encode_step(i + 1),
                depth=3,
                parent=district,
                level=Level.STREET,
                kind=kind,
                name=name,
                code=f"110106{i + 1:03d}",
                latitude=la,
                longitude=lo,
                numchild=sc.communities_per_street,
            )
        )
    ctx.streets = _bulk(streets)

    communities = []
    for s, (sname, known) in zip(ctx.streets, STREETS, strict=False):
        for j, cname in enumerate(_community_names(sname, known, sc.communities_per_street)):
            la, lo = _coord(rng, 0.05)
            kind = Area.Kind.VILLAGE if cname.endswith(VILLAGE_SUFFIX) else Area.Kind.STANDARD
            communities.append(
                Area(
                    path=s.path + encode_step(j + 1),
                    depth=4,
                    parent=s,
                    level=Level.COMMUNITY,
                    kind=kind,
                    name=cname,
                    code=f"{s.code}{j + 1:03d}",
                    latitude=la,
                    longitude=lo,
                    numchild=sc.grids,
                )
            )
    ctx.communities = _bulk(communities)
    ctx.say(f"  {len(ctx.streets)} streets, {len(ctx.communities)} communities")

    grids = []
    for c in ctx.communities:
        for g in range(sc.grids):
            grids.append(
                Area(
                    path=c.path + encode_step(g + 1),
                    depth=5,
                    parent=c,
                    level=Level.GRID,
                    name=f"第{g + 1}网格",
                    numchild=sc.buildings,
                    latitude=c.latitude,
                    longitude=c.longitude,
                )
            )
    grids = _bulk(grids)
    community_of = {c.path: c for c in ctx.communities}

    buildings = []
    for g in grids:
        community = community_of[g.path[:16]]
        bungalow = community.name in BUNGALOW_COMMUNITIES or community.kind == Area.Kind.VILLAGE
        for b in range(sc.buildings):
            num = int(g.path[-4:], 36) * 100 + b + 1
            is_bungalow = bungalow and b % 2 == 1
            name = f"平房区{num}片" if is_bungalow else f"{num}号楼"
            la = community.latitude + Decimal(f"{rng.uniform(-0.004, 0.004):.6f}")
            lo = community.longitude + Decimal(f"{rng.uniform(-0.004, 0.004):.6f}")
            buildings.append(
                Area(
                    path=g.path + encode_step(b + 1),
                    depth=6,
                    parent=g,
                    level=Level.BUILDING,
                    kind=Area.Kind.BUNGALOW if is_bungalow else Area.Kind.STANDARD,
                    name=name,
                    latitude=la,
                    longitude=lo,
                    numchild=sc.entrances,
                )
            )
    buildings = _bulk(buildings)

    entrances = []
    for b in buildings:
        for e in range(sc.entrances):
            entrances.append(
                Area(
                    path=b.path + encode_step(e + 1),
                    depth=7,
                    parent=b,
                    level=Level.ENTRANCE,
                    name=f"{e + 1}单元" if b.kind != Area.Kind.BUNGALOW else f"{e + 1}排",
                    numchild=sc.households,
                )
            )
    entrances = _bulk(entrances)
    ctx.say(f"  {len(grids)} grids, {len(buildings)} buildings, {len(entrances)} entrances")

    households = []
    for e in entrances:
        bungalow = e.name.endswith("排")
        floors = max(1, sc.households // 2)
        for h in range(sc.households):
            name = f"{h + 1}号" if bungalow else f"{h // 2 + 1 if floors else 1}{h % 2 + 1:02d}室"
            households.append(
                Area(path=e.path + encode_step(h + 1), depth=8, parent=e, level=Level.HOUSEHOLD, name=name)
            )
        if len(households) >= 50000:
            ctx.households.extend(HouseholdRef(h.pk, h.path) for h in _bulk(households))
            households = []
    ctx.households.extend(HouseholdRef(h.pk, h.path) for h in _bulk(households))
    ctx.say(f"  {len(ctx.households)} households")
    Area.objects.filter(pk=city.pk).update(numchild=1)
    Area.objects.filter(pk=district.pk).update(numchild=len(ctx.streets))


PLACE_NAMES = {
    "卢沟桥街道": [("market", "岳各庄批发市场"), ("health_centre", "卢沟桥社区卫生服务中心")],
    "马家堡街道": [("station", "北京南站"), ("health_centre", "马家堡社区卫生服务中心")],
    "方庄地区": [("health_centre", "方庄社区卫生服务中心"), ("supermarket", "方庄物美超市")],
    "花乡": [("market", "新发地农产品批发市场"), ("construction_site", "花乡丽泽商务区工地")],
    "新村街道": [("office_building", "丰台科技园总部基地")],
}


@transaction.atomic
def build_places(ctx: SeedContext) -> None:
    rng = ctx.rng
    places = []
    for street in ctx.streets:
        for kind, name in PLACE_NAMES.get(street.name, []):
            la, lo = _coord(rng, 0.05)
            places.append(
                Place(area=street, area_path=street.path, kind=kind, name=name, latitude=la, longitude=lo)
            )
    for c in ctx.communities:
        places.append(
            Place(
                area=c,
                area_path=c.path,
                kind=Place.Kind.GATE,
                name=f"{c.name}东门",
                latitude=c.latitude,
                longitude=c.longitude,
                contact_name="值守岗",
            )
        )
        if rng.random() < 0.6:
            places.append(
                Place(
                    area=c,
                    area_path=c.path,
                    kind=Place.Kind.GATE,
                    name=f"{c.name}北门",
                    latitude=c.latitude,
                    longitude=c.longitude,
                )
            )
        if rng.random() < 0.4:
            places.append(
                Place(
                    area=c,
                    area_path=c.path,
                    kind=Place.Kind.GARAGE,
                    name=f"{c.name}地下车库入口",
                    latitude=c.latitude,
                    longitude=c.longitude,
                )
            )
        places.append(
            Place(
                area=c,
                area_path=c.path,
                kind=Place.Kind.SAMPLING_SITE,
                name=f"{c.name}核酸采样点",
                latitude=c.latitude,
                longitude=c.longitude,
                capacity=rng.choice([300, 500, 800]),
            )
        )
        if rng.random() < 0.3:
            places.append(
                Place(
                    area=c,
                    area_path=c.path,
                    kind=Place.Kind.SMALL_VENUE,
                    name=f"{c.name[:3]}{rng.choice(['便利店', '理发店', '小饭馆', '洗浴中心', '网吧'])}",
                    latitude=c.latitude,
                    longitude=c.longitude,
                )
            )
    for i in range(min(4, len(ctx.streets))):  # "4 sites, 263 people" (003)
        s = ctx.streets[i]
        places.append(
            Place(
                area=s,
                area_path=s.path,
                kind=Place.Kind.OBSERVATION_SITE,
                name=f"丰台区第{i + 1}集中观察点",
                capacity=rng.choice([60, 80, 100, 120]),
                latitude=s.latitude,
                longitude=s.longitude,
            )
        )
    ctx.places = Place.objects.bulk_create(places, batch_size=2000)
    ctx.say(f"  {len(ctx.places)} places")
