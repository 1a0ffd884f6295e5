"""Demo residents on the seeded district (seed_demo calls `seed(ctx)` after the tree is built).

What it makes, deterministically for a given seed:
- households of 1–5 people (mostly 2–3) filled to the requested number of residents
  (`ctx.scale.residents`, else households × residents_per_household; a few flats stay vacant);
- owners, family members and tenants; tenants are concentrated in bungalow areas (平房区) and link to a
  landlord living in the same building;
- valid 18-digit resident IDs (GB 11643 check digit, unique), 丰台 110106 for most permanent residents,
  other Beijing districts and other provinces for migrants; a few passports for foreign nationals;
- ~3 % on the vulnerable ledger with a named responsible worker and a few visits; some not-yet-returned
  people; a few people in non-normal statuses with their dated status history.

Speed: the expensive part per person is Fernet encryption of the ID number and phone (~12 µs each)
plus the HMAC indexes and pinyin. Planning (household sizes, relations, unique ID numbers) runs in the
main process; the per-person rendering (names, phones, encryption) runs in a pool of worker processes
for large runs, chunk by chunk with a seed per chunk, so the output does not depend on the number of
workers. Rows go to PostgreSQL with COPY (one COPY per chunk; for a large load into an empty table the
secondary indexes and foreign keys are dropped first and rebuilt once at the end); on SQLite with
bulk_create. `FANGKONG_SEED_WORKERS` sets the number of worker processes (0 = in-process).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import itertools
import math
import os
import random
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from fangkong.areas.models import STEP, Area, Level
from fangkong.core import crypto
from fangkong.core.identity import IdType, check_digit, mask_id, mask_phone, region_codes

from .models import Person, PersonStatus, StatusChange, Visit, VulnerableEntry

# Birth dates are drawn relative to a fixed day so that the same seed gives the same ID numbers on any day.
REFERENCE_DAY = datetime.date(2020, 1, 1)
DISTRICT_CODE = "110106"
CHUNK_HOUSEHOLDS = 2000  # households per rendering chunk (~5,000 people)
PARALLEL_FROM = 40_000  # residents; below this the rendering runs in-process
BULK_LOAD_FROM = 100_000  # residents; a load this large into an empty table rebuilds the indexes once

HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
HOUSEHOLD_WEIGHTS = (0.16, 0.31, 0.30, 0.15, 0.08)

BEIJING_DISTRICTS = {
    "110101": "北京市东城区", "110102": "北京市西城区", "110105": "北京市朝阳区", "110106": "北京市丰台区",
    "110107": "北京市石景山区", "110108": "北京市海淀区", "110109": "北京市门头沟区", "110111": "北京市房山区",
    "110112": "北京市通州区", "110113": "北京市顺义区", "110114": "北京市昌平区", "110115": "北京市大兴区",
    "110116": "北京市怀柔区", "110117": "北京市平谷区",
}  # fmt: skip
PROVINCES = {
    "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省", "22": "吉林省",
    "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省",
    "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}  # fmt: skip
# Where Beijing's migrants come from (rough shares of the 2020 census): neighbours first.
MIGRANT_ORIGIN_WEIGHTS = {
    "13": 22, "41": 14, "37": 9, "34": 6, "23": 6, "14": 5, "15": 4, "21": 4, "42": 4, "51": 4, "22": 3,
    "12": 3, "32": 3, "43": 3, "36": 2, "61": 2, "62": 1, "50": 1, "44": 1, "33": 1, "35": 1, "45": 1,
    "52": 0.5, "53": 0.5, "31": 0.5, "64": 0.3, "65": 0.3, "63": 0.2, "46": 0.2, "54": 0.1,
}  # fmt: skip
COUNTRIES = ["韩国", "日本", "美国", "俄罗斯", "法国", "德国", "英国", "加拿大", "澳大利亚", "巴基斯坦"]
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "170", "171", "173", "175", "176", "177", "178", "180", "181", "182",
    "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
]  # fmt: skip

NEEDS = {
    VulnerableEntry.Category.ELDERLY_ALONE: "每日电话问候；代购米面菜等生活物资",
    VulnerableEntry.Category.DISABLED: "上门送药；出行需协助",
    VulnerableEntry.Category.CHRONIC: "长期服药，需定期代取药品",
    VulnerableEntry.Category.PREGNANT: "定期产检，需保障出行",
    VulnerableEntry.Category.PSYCHIATRIC: "按时服药监护；情绪疏导",
    VulnerableEntry.Category.CHEMOTHERAPY: "化疗周期内需点对点就医转运",
    VulnerableEntry.Category.DIALYSIS: "每周三次透析，需保障出行",
    VulnerableEntry.Category.EXAM_CANDIDATE: "考前核酸检测，送考保障",
    VulnerableEntry.Category.OTHER: "生活物资配送",
}
VISIT_FINDINGS = ["身体状况稳定，生活物资充足", "药品剩余一周用量，已登记代购", "情绪平稳，家属陪同",
                  "反映买菜不便，已对接保供志愿者", "电话未接通，改为上门", "一切正常"]  # fmt: skip
# (weight, statuses in order, reasons); the last status is the current one. Only closed stories: a
# current status of observation, contact or case must be backed by its open record (an order, a
# notice), which the gates and observation seeds create through their services.
STATUS_STORIES = [
    (40, ["home_observation", "normal"], ["居家观察", "观察期满，解除观察"]),
    (25, ["health_monitoring", "normal"], ["同时空伴随，健康监测", "监测期满"]),
    (20, ["close_contact", "centralized_observation", "normal"], ["流调判定为密切接触者", "转运至集中观察点", "解除集中观察"]),
    (10, ["secondary_contact", "home_observation", "normal"], ["流调判定为密接的密接", "居家观察", "观察期满，解除观察"]),
    (5, ["confirmed", "recovered"], ["确诊病例", "治愈出院"]),
]  # fmt: skip


@dataclass
class Plan:
    """What the main process decides for one chunk; workers turn `render` into names and ciphertexts."""

    number: int
    persons: list[dict] = field(default_factory=list)
    render: list[tuple[str, str, bool]] = field(default_factory=list)  # (document number, sex, has phone)
    statuses: list[tuple] = field(default_factory=list)
    vulnerable: list[tuple] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------
# Names and pinyin


@functools.cache
def _name_pools() -> tuple[list[str], list[float], list[str], list[str]]:
    from faker.providers.person.zh_CN import Provider

    surnames = list(Provider.last_names)
    cumulative = list(itertools.accumulate(float(w) for w in Provider.last_names.values()))
    return surnames, cumulative, list(Provider.first_names_male), list(Provider.first_names_female)


@functools.lru_cache(maxsize=50_000)
def _initials(part: str) -> str:
    """Pinyin initials exactly as the registry's search computes them (services.name_initials)."""
    try:
        from .services import name_initials
    except ImportError:  # pragma: no cover - the registry's services are always there in the app
        from pypinyin import Style, lazy_pinyin

        return "".join(lazy_pinyin(part, style=Style.FIRST_LETTER)).lower()
    return name_initials(part)


def _make_name(rng: random.Random, sex: str) -> tuple[str, str]:
    """Surname by Faker's zh_CN frequency; a given name of one or two characters of the person's sex."""
    surnames, cumulative, male, female = _name_pools()
    surname = rng.choices(surnames, cum_weights=cumulative)[0]
    pool = male if sex == "M" else female
    given = rng.choice(pool)
    if len(given) == 1 and rng.random() < 0.6:
        second = rng.choice(pool)
        given += second if len(second) == 1 else second[1]
    return surname + given, _initials(surname) + _initials(given)


# ---------------------------------------------------------------------------------------------------------
# Rendering (runs in worker processes for large runs)


def _chunk_rng(seed: int, number: int) -> random.Random:
    digest = hashlib.sha256(f"fangkong-people:{seed}:{number}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def render_chunk(seed: int, number: int, people: list[tuple[str, str, bool]]) -> list[tuple]:
    """Names, phones, ciphertexts and indexes of one chunk: the same seed and chunk give the same names
    and phones in any process (the Fernet tokens differ: they carry a random IV by design)."""
    rng = _chunk_rng(seed, number)
    out = []
    for document, sex, has_phone in people:
        name, initials = _make_name(rng, sex)
        phone = (rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}") if has_phone else ""
        out.append(
            (
                name,
                initials,
                crypto.encrypt(document),
                crypto.blind_index(document, kind="id"),
                mask_id(document),
                crypto.encrypt(phone),
                crypto.blind_index(phone, kind="phone"),
                mask_phone(phone) if phone else "",
            )
        )
    return out


def _memory_high_water_kb() -> int:
    """Peak RSS of this process image (VmHWM). Not ru_maxrss: after fork+exec Linux keeps the forked
    parent's high-water mark in it, so a worker of a 1 GB parent would report 1 GB."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:  # not Linux
        pass
    return 0


def _render_job(args):
    return render_chunk(*args), _memory_high_water_kb()


# ---------------------------------------------------------------------------------------------------------
# Planning (main process: cheap random choices, unique ID numbers, ids, landlords)


class _Documents:
    """Unique ID numbers: a bitmap for the district's own code (most people), a set for the rest."""

    EPOCH = datetime.date(1900, 1, 1)

    def __init__(self, rng: random.Random, taken_hashes: set[str] | None = None):
        self.rng = rng
        self.bitmap = bytearray(((REFERENCE_DAY - self.EPOCH).days + 1) * 1000 // 8 + 1)
        self.others: set[int] = set()
        self.passports: set[str] = set()
        self.taken = taken_hashes or set()  # blind indexes already in the database

    def _free(self, number: str) -> bool:
        return not self.taken or crypto.blind_index(number, kind="id") not in self.taken

    def _claim(self, region: str, day: datetime.date, seq: int) -> bool:
        """Mark (region, birth date, sequence) as used; False when it already was."""
        if region == DISTRICT_CODE:
            byte, bit = divmod((day - self.EPOCH).days * 1000 + seq, 8)
            if self.bitmap[byte] >> bit & 1:
                return False
            self.bitmap[byte] |= 1 << bit
            return True
        key = (int(region) * 1_000_000 + day.toordinal()) * 1000 + seq
        if key in self.others:
            return False
        self.others.add(key)
        return True

    def resident_id(self, region: str, birth: datetime.date, sex: str) -> tuple[str, datetime.date]:
        """A free number for this region, birth date and sex (or a neighbouring date: rare), and its date."""
        rng = self.rng
        parity = 1 if sex == "M" else 0
        for attempt in range(100):
            day = birth + datetime.timedelta(days=attempt // 20)
            if day >= REFERENCE_DAY:
                day = birth - datetime.timedelta(days=attempt // 20 + 1)
            seq = rng.randrange(500) * 2 + parity
            first17 = f"{region}{day.year:04d}{day.month:02d}{day.day:02d}{seq:03d}"
            number = first17 + check_digit(first17)
            if self._free(number) and self._claim(region, day, seq):
                return number, day
        raise RuntimeError("could not find a free ID number")  # pragma: no cover

    def passport(self) -> str:
        while True:
            number = self.rng.choice("EGKPS") + f"{self.rng.randrange(10**8):08d}"
            if number not in self.passports and self._free(number):
                self.passports.add(number)
                return number


@functools.cache
def _codes_by_prefix() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code in sorted(region_codes()):
        if code.endswith("00"):
            continue
        out.setdefault(code[:2], []).append(code)
    return out


def _household_sizes(rng: random.Random, households: int, residents: int) -> bytearray:
    """Sizes 1–5 (mostly 2–3), adjusted at random households to sum exactly to `residents`."""
    if households == 0:
        return bytearray()
    sizes = bytearray(rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS, k=households))
    cap = max(5, math.ceil(residents / households) + 2)
    if cap > 255:
        raise ValueError(f"{residents} residents do not fit in {households} households")
    diff = residents - sum(sizes)
    while diff > 0:
        i = rng.randrange(households)
        if sizes[i] < cap:
            sizes[i] += 1
            diff -= 1
    while diff < 0:  # the rest stay vacant or smaller
        i = rng.randrange(households)
        if sizes[i] > 0:
            sizes[i] -= 1
            diff += 1
    return sizes


def _age(rng: random.Random, role: str) -> int:
    if role == "owner":
        return min(90, max(22, int(rng.triangular(22, 90, 50))))
    if role == "alone":
        return min(95, max(20, int(rng.triangular(20, 95, 62))))
    if role == "tenant":
        return min(65, max(17, int(rng.triangular(17, 65, 29))))
    r = rng.random()
    if r < 0.38:
        return rng.randrange(0, 25)
    if r < 0.78:
        return rng.randrange(25, 65)
    return rng.randrange(65, 96)


def _birth(rng: random.Random, age: int) -> datetime.date:
    return REFERENCE_DAY - datetime.timedelta(days=int(age * 365.25) + rng.randrange(1, 365))


class Planner:
    """Decides every person, status story and ledger entry; knows the ids the rows will get."""

    def __init__(
        self,
        ctx,
        *,
        bungalow_buildings: set[str],
        first_ids: dict[str, int],
        taken_hashes: set[str] | None = None,
    ):
        self.seed = ctx.seed
        self.rng = random.Random(f"fangkong-people-plan:{ctx.seed}")
        self.docs = _Documents(self.rng, taken_hashes)
        self.bungalows = bungalow_buildings
        self.next_person = first_ids["person"]
        self.next_status = first_ids["status"]
        self.next_entry = first_ids["entry"]
        self.workers_by_community: dict[str, list[str]] = {}
        codes = _codes_by_prefix()
        self.other_beijing = [c for c in codes.get("11", []) if c != DISTRICT_CODE and c in BEIJING_DISTRICTS]
        self.origins = [p for p in MIGRANT_ORIGIN_WEIGHTS if p in codes]
        self.origin_cumulative = list(itertools.accumulate(MIGRANT_ORIGIN_WEIGHTS[p] for p in self.origins))
        self.codes = codes
        self.story_weights = [w for w, _s, _r in STATUS_STORIES]

    def _community_workers(self, community_path: str) -> list[str]:
        workers = self.workers_by_community.get(community_path)
        if workers is None:
            name_rng = random.Random(f"fangkong-workers:{self.seed}:{community_path}")
            workers = [_make_name(name_rng, name_rng.choice("MF"))[0] for _ in range(4)]
            self.workers_by_community[community_path] = workers
        return workers

    def _identity(
        self, person_type: str, sex: str, birth: datetime.date
    ) -> tuple[str, str, str, datetime.date]:
        """(document type, number, registered residence, birth date)."""
        rng = self.rng
        if person_type == Person.Type.FOREIGN:
            return IdType.PASSPORT, self.docs.passport(), rng.choice(COUNTRIES), birth
        if person_type == Person.Type.PERMANENT:
            region = (
                DISTRICT_CODE
                if rng.random() < 0.85 or not self.other_beijing
                else rng.choice(self.other_beijing)
            )
            residence = BEIJING_DISTRICTS.get(region, "北京市")
        else:
            prefix = rng.choices(self.origins, cum_weights=self.origin_cumulative)[0]
            region = rng.choice(self.codes[prefix])
            residence = PROVINCES.get(prefix, "")
        number, birth = self.docs.resident_id(region, birth, sex)
        return IdType.RESIDENT, number, residence, birth

    def _person(
        self,
        plan: Plan,
        household: tuple[int, str],
        relation: str,
        person_type: str,
        landlord_id: int | None,
        role: str,
    ) -> dict:
        rng = self.rng
        age = _age(rng, role)
        birth = _birth(rng, age)
        sex = "M" if rng.random() < 0.51 else "F"
        id_type, number, residence, birth = self._identity(person_type, sex, birth)
        pid = self.next_person
        self.next_person += 1
        if person_type == Person.Type.MIGRANT:
            r = rng.random()
            return_status = "not_returned" if r < 0.06 else "returned" if r < 0.16 else "present"
        else:
            r = rng.random()
            return_status = "not_returned" if r < 0.015 else "returned" if r < 0.05 else "present"
        person = {
            "id": pid,
            "area_id": household[0],
            "area_path": household[1],
            "id_type": id_type,
            "sex": sex,
            "birth_date": birth,
            "person_type": person_type,
            "relation": relation,
            "landlord_id": landlord_id,
            "registered_residence": residence,
            "return_status": return_status,
            "status": PersonStatus.NORMAL,
            "notes": "",
        }
        plan.persons.append(person)
        plan.render.append((number, sex, age >= 12 or rng.random() < 0.1))
        self._story(plan, person, age)
        self._ledger(plan, person, age, role)
        return person

    def _story(self, plan: Plan, person: dict, age: int) -> None:
        rng = self.rng
        chance = 0.05 if person["return_status"] == "returned" else 0.004
        if rng.random() >= chance:
            return
        _w, statuses, reasons = rng.choices(STATUS_STORIES, self.story_weights)[0]
        days_ago = rng.randrange(2, 14)
        for i, (status, reason) in enumerate(zip(statuses, reasons, strict=True)):
            plan.statuses.append(
                (
                    self.next_status,
                    person,
                    status,
                    days_ago - i * (days_ago // len(statuses)),
                    rng.randrange(8 * 60, 12 * 60) + 60 * i,
                    reason,
                )
            )
            self.next_status += 1
        person["status"] = statuses[-1]

    def _ledger(self, plan: Plan, person: dict, age: int, role: str) -> None:
        rng = self.rng
        C = VulnerableEntry.Category
        if age >= 70 and role == "alone":
            category = C.ELDERLY_ALONE if rng.random() < 0.45 else None
        elif rng.random() < 0.028:
            options = [C.CHRONIC, C.DISABLED, C.OTHER, C.PSYCHIATRIC, C.CHEMOTHERAPY, C.DIALYSIS]
            weights = [40, 25, 10, 8, 6, 5]
            if person["sex"] == "F" and 22 <= age <= 40:
                options.append(C.PREGNANT)
                weights.append(60)
            if 17 <= age <= 18:
                options.append(C.EXAM_CANDIDATE)
                weights.append(200)
            if age >= 70:
                options.append(C.ELDERLY_ALONE)
                weights.append(15)
            category = rng.choices(options, weights)[0]
        else:
            category = None
        if category is None:
            return
        workers = self._community_workers(person["area_path"][: 4 * STEP])
        visits = []
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            visits.append(
                (rng.randrange(1, 30), rng.choice(["phone", "wechat", "door"]), rng.choice(VISIT_FINDINGS))
            )
        plan.vulnerable.append(
            (self.next_entry, person, str(category), rng.choice(workers), NEEDS[category], visits)
        )
        self.next_entry += 1

    def building(self, plan: Plan, households: list[tuple[int, str]], sizes: list[int]) -> None:
        """Everyone in one building; tenants link to an owner of the same building."""
        rng = self.rng
        bungalow = households[0][1][: -2 * STEP] in self.bungalows
        rented_share = 0.55 if bungalow else 0.08
        owners: list[int] = []
        rented = []
        for k, (household, size) in enumerate(zip(households, sizes, strict=True)):
            if size == 0:
                continue
            if k > 0 and rng.random() < rented_share:
                rented.append((household, size))
                continue
            ptype = Person.Type.PERMANENT if rng.random() < 0.93 else Person.Type.MIGRANT
            owner = self._person(
                plan, household, Person.Relation.OWNER, ptype, None, "alone" if size == 1 else "owner"
            )
            owners.append(owner["id"])
            lodgers = (
                min(size - 1, rng.choice((1, 1, 2))) if bungalow and size > 1 and rng.random() < 0.35 else 0
            )
            for _ in range(size - 1 - lodgers):
                ptype = Person.Type.PERMANENT if rng.random() < 0.95 else Person.Type.MIGRANT
                self._person(plan, household, Person.Relation.FAMILY, ptype, None, "family")
            for _ in range(lodgers):
                self._person(
                    plan, household, Person.Relation.TENANT, self._tenant_type(), owner["id"], "tenant"
                )
        for household, size in rented:
            landlord = rng.choice(owners) if owners else None
            for _ in range(size):
                self._person(plan, household, Person.Relation.TENANT, self._tenant_type(), landlord, "tenant")

    def _tenant_type(self) -> str:
        r = self.rng.random()
        return Person.Type.MIGRANT if r < 0.84 else Person.Type.FOREIGN if r < 0.85 else Person.Type.PERMANENT

    def chunks(
        self, households: list, residents: int, chunk_households: int = CHUNK_HOUSEHOLDS
    ) -> Iterator[Plan]:
        sizes = _household_sizes(self.rng, len(households), residents)
        number, start = 0, 0
        while start < len(households):
            end = min(len(households), start + chunk_households)
            # Never split a building between chunks: extend to the end of the building.
            while (
                end < len(households)
                and households[end][1][: -2 * STEP] == households[end - 1][1][: -2 * STEP]
            ):
                end += 1
            plan = Plan(number=number)
            group_start = start
            for k in range(start + 1, end + 1):
                if k == end or households[k][1][: -2 * STEP] != households[k - 1][1][: -2 * STEP]:
                    self.building(plan, households[group_start:k], list(sizes[group_start:k]))
                    group_start = k
            yield plan
            number += 1
            start = end


# ---------------------------------------------------------------------------------------------------------
# Writing


def _rows(plan: Plan, rendered: list[tuple], now) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    persons = []
    for p, (name, initials, id_enc, id_hash, id_masked, phone_enc, phone_hash, phone_masked) in zip(
        plan.persons, rendered, strict=True
    ):
        persons.append({**p, "created_at": now, "updated_at": now, "name": name, "name_initials": initials,
                        "id_number_enc": id_enc, "id_hash": id_hash, "id_masked": id_masked,
                        "phone_enc": phone_enc, "phone_hash": phone_hash, "phone_masked": phone_masked})  # fmt: skip
    statuses = []
    for sid, person, status, days_ago, minute, reason in plan.statuses:
        day = timezone.localdate(now) - datetime.timedelta(days=max(0, days_ago))
        since = timezone.make_aware(datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60)))
        statuses.append({"id": sid, "area_id": person["area_id"], "area_path": person["area_path"],
                         "created_at": now, "updated_at": now, "person_id": person["id"], "status": status,
                         "since": since, "reason": reason, "set_by_id": None, "source": "seed"})  # fmt: skip
    entries, visits = [], []
    for eid, person, category, responsible, needs, person_visits in plan.vulnerable:
        entries.append({"id": eid, "area_id": person["area_id"], "area_path": person["area_path"],
                        "created_at": now, "updated_at": now, "person_id": person["id"], "category": category,
                        "responsible_id": None, "responsible_name": responsible, "needs": needs,
                        "active": True})  # fmt: skip
        for days_ago, channel, findings in person_visits:
            visits.append({"area_id": person["area_id"], "area_path": person["area_path"], "created_at": now,
                           "updated_at": now, "entry_id": eid, "by_id": None, "channel": channel,
                           "date": timezone.localdate(now) - datetime.timedelta(days=days_ago),
                           "findings": findings, "follow_up": ""})  # fmt: skip
    return persons, statuses, entries, visits


class _Writer:
    """Columns of a model and the value of every column the seed does not set (its field default)."""

    def __init__(self, model, method: str):
        self.model = model
        self.method = method
        self.fields = [f for f in model._meta.concrete_fields]
        self.defaults = {}
        for f in self.fields:
            if f.has_default() or not f.null:
                self.defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
            else:
                self.defaults[f.attname] = None
        self.count = 0

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        self.count += len(rows)
        if self.method == "copy":
            table = connection.ops.quote_name(self.model._meta.db_table)
            names = [f.attname for f in self.fields if not (f.primary_key and f.attname not in rows[0])]
            cols = ", ".join(connection.ops.quote_name(self.model._meta.get_field(n).column) for n in names)
            with connection.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([row[n] if n in row else self.defaults[n] for n in names])
        else:
            self.model.objects.bulk_create([self.model(**row) for row in rows], batch_size=1000)


def _first_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")
        current = cursor.fetchone()[0] or 0
    return current + 1


def _sync_sequence(model) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST((SELECT COALESCE(MAX(id), 1) FROM "
            f"{connection.ops.quote_name(table)}), 1))",
            [table],
        )


class _IndexesRebuilt:
    """For a large load into an empty PostgreSQL table: drop secondary indexes and constraints (unique,
    foreign keys), load, then recreate them once — far faster than maintaining a dozen btrees row by row."""

    def __init__(self, model, enabled: bool):
        self.table = model._meta.db_table
        self.enabled = enabled
        self.constraints: list[tuple[str, str]] = []
        self.indexes: list[str] = []
        self.seconds = 0.0

    def __enter__(self):
        if not self.enabled:
            return self
        with connection.cursor() as cursor:
            # Deferred checks still pending in this transaction (e.g. a tree just inserted) block ALTER
            # TABLE on the tables they touch: run them now. Django's constraints are all INITIALLY
            # DEFERRED, so SET CONSTRAINTS ALL DEFERRED restores the mode afterwards.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
                [self.table],
            )
            self.constraints = list(cursor.fetchall())
            for name, _definition in self.constraints:
                cursor.execute(f'ALTER TABLE "{self.table}" DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
                [self.table],
            )
            rows = cursor.fetchall()
            self.indexes = [definition for _name, definition in rows]
            for name, _definition in rows:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.enabled or exc_type is not None:
            return False
        t0 = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in self.indexes:
                cursor.execute(definition)
            for name, definition in self.constraints:
                cursor.execute(f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f'ANALYZE "{self.table}"')
        self.seconds = time.monotonic() - t0
        return False


def _workers(residents: int) -> int:
    configured = os.environ.get("FANGKONG_SEED_WORKERS")
    if configured is not None:
        return max(0, int(configured))
    return min(2, os.cpu_count() or 1) if residents >= PARALLEL_FROM else 0


def _rendered(
    plans: Iterator[Plan], seed: int, workers: int, peak: dict | None = None
) -> Iterator[tuple[Plan, list[tuple]]]:
    """Plans with their rendered rows, in order; at most a few chunks in flight (bounded memory).
    `peak["worker_kb"]` gets the largest worker's peak RSS."""
    peak = peak if peak is not None else {}
    if workers <= 0:
        for plan in plans:
            yield plan, render_chunk(seed, plan.number, plan.render)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import django

    context = multiprocessing.get_context("spawn")  # no inherited database connections
    # The initializer must not import this module: it needs the app registry that django.setup() loads.
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=django.setup) as pool:
        pending: deque = deque()
        for plan in plans:
            pending.append((plan, pool.submit(_render_job, (seed, plan.number, plan.render))))
            if len(pending) > 2 * workers + 1:
                yield _collect(pending, peak)
        while pending:
            yield _collect(pending, peak)


def _collect(pending: deque, peak: dict) -> tuple[Plan, list[tuple]]:
    plan, future = pending.popleft()
    rows, hwm_kb = future.result()
    peak["worker_kb"] = max(peak.get("worker_kb", 0), hwm_kb)
    return plan, rows


def _bungalow_buildings() -> set[str]:
    return set(
        Area.objects.filter(level=Level.BUILDING, kind=Area.Kind.BUNGALOW).values_list("path", flat=True)
    )


def seed(ctx, *, method: str | None = None, workers: int | None = None) -> dict:
    """Residents on `ctx.households`. `method` forces "copy" (PostgreSQL) or "orm" (bulk_create)."""
    households = [(h.pk, h.path) for h in ctx.households]
    sc = ctx.scale
    residents = sc.residents or round(len(households) * sc.residents_per_household)
    method = method or ("copy" if connection.vendor == "postgresql" else "orm")
    if method == "copy" and connection.vendor != "postgresql":
        raise ValueError("COPY needs PostgreSQL")
    workers = _workers(residents) if workers is None else workers
    t0 = time.monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Person, StatusChange, VulnerableEntry, Visit):
                    cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
        empty = not Person.objects.exists()
        taken = set() if empty else set(Person.objects.values_list("id_hash", flat=True))
        planner = Planner(
            ctx,
            bungalow_buildings=_bungalow_buildings(),
            first_ids={
                "person": _first_id(Person),
                "status": _first_id(StatusChange),
                "entry": _first_id(VulnerableEntry),
            },  # fmt: skip
            taken_hashes=taken,
        )
        writers = {m: _Writer(m, method) for m in (Person, StatusChange, VulnerableEntry, Visit)}
        bulk = method == "copy" and empty and residents >= BULK_LOAD_FROM
        now = timezone.now()
        peak: dict = {}
        with _IndexesRebuilt(Person, bulk) as rebuilt:
            for plan, rendered in _rendered(planner.chunks(households, residents), ctx.seed, workers, peak):
                persons, statuses, entries, visits = _rows(plan, rendered, now)
                writers[Person].write(persons)
                writers[StatusChange].write(statuses)
                writers[VulnerableEntry].write(entries)
                writers[Visit].write(visits)
                if plan.number % 50 == 49:
                    ctx.say(f"    {writers[Person].count:,} residents ({time.monotonic() - t0:.0f}s)")
        for model in (Person, StatusChange, VulnerableEntry):
            _sync_sequence(model)
    stats = {
        "residents": writers[Person].count,
        "status_changes": writers[StatusChange].count,
        "vulnerable": writers[VulnerableEntry].count,
        "visits": writers[Visit].count,
        "method": method,
        "workers": workers,
        "index_rebuild_s": round(rebuilt.seconds, 1),
        "seconds": round(time.monotonic() - t0, 1),
        "workers_peak_rss_mb": round(peak.get("worker_kb", 0) / 1024),
    }
    extra = f", index rebuild {stats['index_rebuild_s']}s" if bulk else ""
    if workers:
        extra += f", workers peak RSS {stats['workers_peak_rss_mb']} MB"
    ctx.say(
        f"  {stats['residents']:,} residents, {stats['vulnerable']:,} on the vulnerable ledger, "
        f"{stats['status_changes']:,} status changes ({method}, {workers} workers, {stats['seconds']}s{extra})"
    )
    return stats


def seed_activity(ctx) -> None:
    """The door-to-door survey of the first community, imported through the import services: one batch
    committed (three new residents), one left at its preview with a row in error to correct."""
    from fangkong.people import imports as ix
    from fangkong.people import services

    community = ctx.communities[0]
    households = Area.objects.filter(path__startswith=community.path, level=Level.HOUSEHOLD).order_by("path")
    # A vacant flat when there is one (people moving in), else the last flat (family joining).
    flat = households.exclude(pk__in=Person.objects.values("area_id")).first() or households.last()
    vacant = not Person.objects.filter(area=flat).exists()
    entrance = flat.parent
    building = entrance.parent
    docs = _Documents(ctx.rng, set(Person.objects.values_list("id_hash", flat=True)))
    rows = []
    for i, (name, sex) in enumerate([("韩春梅", "F"), ("韩志强", "M"), ("邓小芳", "F")]):
        number, _birth_day = docs.resident_id("130102", datetime.date(1985 + i * 7, 3, 1 + i), sex)
        rows.append({ix.NAME: name, ix.ID_NUMBER: number, ix.PHONE: f"1391000{i:04d}", ix.BUILDING: building.name,
                     ix.ENTRANCE: entrance.name, ix.HOUSEHOLD: flat.name, ix.RELATION: "户主" if i == 0 and vacant else "家属",
                     ix.RETURN: "在京"})  # fmt: skip
    broken = dict(rows[2], **{ix.NAME: "邓小军", ix.ID_NUMBER: "11010619900101001X"})  # wrong check digit

    def csv(rows: list[dict]) -> bytes:
        lines = [",".join(ix.TEMPLATE_HEADERS)] + [
            ",".join(r.get(h, "") for h in ix.TEMPLATE_HEADERS) for r in rows
        ]
        return "\n".join(lines).encode("utf-8")

    batch = services.import_batch_create(
        actor=None, within=community, filename="入户登记表-第一周.csv", content=csv(rows)
    )
    services.import_batch_confirm(actor=None, batch=batch)
    services.import_batch_create(
        actor=None, within=community, filename="入户登记表-第二周.csv", content=csv([broken])
    )
    ctx.say("  2 survey imports (one committed, one awaiting correction)")
