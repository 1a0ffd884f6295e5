"""The demo residents (fangkong.people.seed): valid and unique documents, realistic households,
determinism, and the same rows whether written with COPY or bulk_create."""

import dataclasses
import random
from collections import Counter

import pytest
from django.db import connection

from fangkong.areas.models import STEP, Area, Level
from fangkong.areas.seed import SCALES, SeedContext, build_tree
from fangkong.core import crypto
from fangkong.core.identity import IdType, mask_id, mask_phone, parse_resident_id
from fangkong.people import seed as people_seed
from fangkong.people.models import Person, StatusChange, Visit, VulnerableEntry

pytestmark = pytest.mark.django_db

RESIDENTS = 240


def _ctx(seed=3, residents=RESIDENTS):
    scale = dataclasses.replace(SCALES["tiny"], residents=residents)
    ctx = SeedContext(rng=random.Random(seed), scale=scale, scale_name="tiny", seed=seed)
    build_tree(ctx)
    return ctx


def _wipe():
    for model in (Visit, VulnerableEntry, StatusChange, Person):
        model.objects.all().delete()


def _snapshot():
    """Every column that the seed decides, with ids relative to the first resident and secrets decrypted."""
    people = list(Person.objects.order_by("id").values())
    base = people[0]["id"]
    out = []
    for p in people:
        row = {
            k: v for k, v in p.items() if k not in ("created_at", "updated_at", "id_number_enc", "phone_enc")
        }
        row["id"] -= base
        row["landlord_id"] = None if p["landlord_id"] is None else p["landlord_id"] - base
        row["id_number"] = crypto.decrypt(p["id_number_enc"])
        row["phone"] = crypto.decrypt(p["phone_enc"])
        out.append(row)
    statuses = [
        (s.person_id - base, s.status, s.reason, s.since.date(), s.area_path)
        for s in StatusChange.objects.order_by("id")
    ]
    ledger = [
        (e.person_id - base, e.category, e.responsible_name, e.needs, e.area_path, e.visits.count())
        for e in VulnerableEntry.objects.order_by("id")
    ]
    return out, statuses, ledger


def test_documents_are_valid_unique_and_consistent():
    ctx = _ctx()
    stats = people_seed.seed(ctx)
    assert stats["residents"] == Person.objects.count() == RESIDENTS
    numbers = []
    for p in Person.objects.all():
        number = crypto.decrypt(p.id_number_enc)
        numbers.append(number)
        assert p.id_hash == crypto.blind_index(number, kind="id")
        assert p.id_masked == mask_id(number)
        if p.id_type == IdType.RESIDENT:
            rid = parse_resident_id(number)  # region code, birth date and check digit
            assert (rid.sex, rid.birth_date) == (p.sex, p.birth_date)
            if p.person_type == Person.Type.PERMANENT:
                assert number.startswith("11")
        else:
            assert p.person_type == Person.Type.FOREIGN
        phone = crypto.decrypt(p.phone_enc)
        if phone:
            assert len(phone) == 11 and phone[0] == "1"
            assert p.phone_masked == mask_phone(phone) and p.phone_hash == crypto.blind_index(
                phone, kind="phone"
            )
        assert p.name and p.name_initials.isascii() and len(p.name_initials) == len(p.name)
        assert p.area.level == Level.HOUSEHOLD and p.area_path == p.area.path
    assert len(set(numbers)) == len(numbers)
    assert sum(n.startswith("110106") for n in numbers) > len(numbers) / 2  # 丰台 residents


def test_households_relations_landlords_and_statuses():
    ctx = _ctx()
    people_seed.seed(ctx)
    sizes = Counter(Counter(Person.objects.values_list("area_id", flat=True)).values())
    assert set(sizes) <= {1, 2, 3, 4, 5, 6, 7}
    bungalows = set(
        Area.objects.filter(level=Level.BUILDING, kind=Area.Kind.BUNGALOW).values_list("path", flat=True)
    )
    assert bungalows
    by_id = {p.id: p for p in Person.objects.all()}
    tenants = [p for p in by_id.values() if p.relation == Person.Relation.TENANT]
    in_bungalow = [p for p in tenants if p.area_path[: 6 * STEP] in bungalows]
    assert len(in_bungalow) > 0.6 * len(tenants)
    for t in tenants:
        landlord = by_id[t.landlord_id]
        assert landlord.relation == Person.Relation.OWNER
        assert landlord.area_path[: 6 * STEP] == t.area_path[: 6 * STEP]  # same building
    # The current status is the last entry of the dated history.
    for person_id in StatusChange.objects.values_list("person_id", flat=True).distinct():
        last = StatusChange.objects.filter(person_id=person_id).order_by("-since", "-id").first()
        assert by_id[person_id].status == last.status
    non_normal = [p for p in by_id.values() if p.status != "normal"]
    assert all(StatusChange.objects.filter(person=p).exists() for p in non_normal)
    for e in VulnerableEntry.objects.all():
        assert e.responsible_name and e.needs and e.area_path == by_id[e.person_id].area_path


def test_plan_shares_at_scale():
    """Planning alone (no encryption, no database) over 20,000 synthetic households: ~3 % vulnerable,
    tenants concentrated in bungalow buildings, some not yet returned, a few with a status history."""
    households = []
    bungalows = set()
    for b in range(2000):
        building = f"0001000100010001{b // 100:04d}{b % 100:04d}"
        if b % 4 == 0:
            bungalows.add(building)
        households += [(b * 10 + h + 1, f"{building}0001{h:04d}") for h in range(10)]
    ctx = SeedContext(rng=random.Random(1), scale=SCALES["tiny"], scale_name="x", seed=5)
    planner = people_seed.Planner(
        ctx, bungalow_buildings=bungalows, first_ids={"person": 1, "status": 1, "entry": 1}
    )
    persons, ledger, statuses = [], [], []
    for plan in planner.chunks(households, 50_000):
        persons += plan.persons
        ledger += plan.vulnerable
        statuses += plan.statuses
    assert len(persons) == 50_000
    assert 0.02 < len(ledger) / len(persons) < 0.04
    tenants = [p for p in persons if p["relation"] == "tenant"]
    share_bungalow = sum(p["area_path"][: 6 * STEP] in bungalows for p in tenants) / len(tenants)
    assert share_bungalow > 0.6  # a quarter of the buildings hold most tenants
    sizes = Counter(Counter(p["area_id"] for p in persons).values())
    assert sizes[2] + sizes[3] > sizes[1] + sizes[4] + sizes[5]
    assert 0.01 < sum(p["return_status"] == "not_returned" for p in persons) / len(persons) < 0.06
    assert 0.002 < len({s[1]["id"] for s in statuses}) / len(persons) < 0.02
    assert len({p["id"] for p in persons}) == len(persons)


def test_deterministic_names_and_documents():
    ctx = _ctx(seed=11)
    people_seed.seed(ctx)
    first = [(p.name, crypto.decrypt(p.id_number_enc)) for p in Person.objects.order_by("id")]
    _wipe()
    people_seed.seed(ctx)
    again = [(p.name, crypto.decrypt(p.id_number_enc)) for p in Person.objects.order_by("id")]
    assert first == again
    _wipe()
    people_seed.seed(dataclasses.replace(ctx, seed=12))
    other = [(p.name, crypto.decrypt(p.id_number_enc)) for p in Person.objects.order_by("id")]
    assert other != first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL")
def test_copy_and_bulk_create_write_the_same_rows():
    ctx = _ctx(seed=4)
    people_seed.seed(ctx, method="orm")
    orm = _snapshot()
    _wipe()
    stats = people_seed.seed(ctx, method="copy")
    assert stats["method"] == "copy"
    copy = _snapshot()
    assert copy == orm
    assert len(orm[0]) == RESIDENTS and orm[2]  # with ledger entries


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL")
def test_bulk_load_rebuilds_indexes_and_constraints(monkeypatch):
    def definitions():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'people_person' ORDER BY indexname"
            )
            indexes = [r[0] for r in cursor.fetchall()]
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'people_person'::regclass ORDER BY conname"
            )
            return indexes, cursor.fetchall()

    before = definitions()
    monkeypatch.setattr(people_seed, "BULK_LOAD_FROM", 1)
    stats = people_seed.seed(_ctx())
    assert stats["residents"] == RESIDENTS
    assert definitions() == before
    assert len(before[0]) > 5
    with pytest.raises(Exception, match="duplicate key|unique"):  # the unique index is back and enforced
        p = Person.objects.first()
        Person.objects.create(
            area_id=p.area_id, name="x", id_number_enc="x", id_hash=p.id_hash, id_masked="x"
        )


def test_worker_processes_render_the_same_as_in_process(monkeypatch):
    monkeypatch.setenv("FANGKONG_DEMO", "1")  # the spawned worker's settings load outside pytest
    people = [("110106199001011237", "M", True), ("11010619900101124X", "F", False)] * 3
    plans = [people_seed.Plan(number=n, render=people) for n in range(3)]
    local = [rows for _plan, rows in people_seed._rendered(iter(plans), 9, workers=0)]
    peak = {}
    pooled = [rows for _plan, rows in people_seed._rendered(iter(plans), 9, workers=1, peak=peak)]
    assert peak["worker_kb"] > 10_000  # the worker's own peak RSS (a Django process: tens of MB)

    def plain(chunks):
        return [[(r[0], r[1], crypto.decrypt(r[2]), r[3], r[4], crypto.decrypt(r[5]), r[6], r[7]) for r in c]
                for c in chunks]  # fmt: skip

    assert plain(local) == plain(pooled)
    assert plain(local)[0][0][2] == "110106199001011237"
    assert plain(local)[0] != plain(local)[1]  # each chunk has its own names
