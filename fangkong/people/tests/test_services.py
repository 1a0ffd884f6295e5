import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from fangkong.core import crypto
from fangkong.core.models import ChangeLog, SensitiveAccess
from fangkong.people import selectors, services
from fangkong.people.models import Person, PersonStatus, StatusChange, Visit, VulnerableEntry

from .helpers import add_person, bad_check_digit, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_create_derives_sex_birth_initials_and_masks(tree):
    number = resident_id(birth="19850212", female=True)
    p = add_person(tree.a.household, name="李小红", number=number, phone="138 0013 8000")
    assert p.sex == "F" and p.birth_date == datetime.date(1985, 2, 12)
    assert p.name_initials == "lxh"
    assert p.id_masked == number[:6] + "********" + number[-4:]
    assert p.phone_masked == "138****8000"
    assert p.area_path == tree.a.household.path
    assert ChangeLog.objects.filter(object_id=str(p.pk), action="create").exists()


def test_bad_check_digit_and_unknown_region_rejected(tree):
    with pytest.raises(ValidationError) as exc:
        add_person(tree.a.household, number=bad_check_digit(resident_id()))
    assert "check digit" in str(exc.value.message_dict["id_number"])
    with pytest.raises(ValidationError) as exc:
        add_person(tree.a.household, number=resident_id(region="990000"))
    assert "region" in str(exc.value.message_dict["id_number"]).lower()
    with pytest.raises(ValidationError) as exc:
        add_person(tree.a.household, phone="12345")
    assert "phone" in exc.value.message_dict
    assert not Person.objects.exists()


def test_passport_and_household_level_checked(tree):
    p = services.person_create(
        actor=None,
        household=tree.a.household,
        name="John Smith",
        id_type="passport",
        id_number="e1234567",
        person_type=Person.Type.FOREIGN,
    )
    assert p.id_masked.startswith("E1") and p.sex == ""
    with pytest.raises(ValidationError) as exc:
        add_person(tree.a.entrance)
    assert "household" in exc.value.message_dict


def test_duplicate_id_has_a_clear_message(tree):
    number = resident_id()
    add_person(tree.a.household, number=number)
    with pytest.raises(ValidationError) as exc:
        add_person(tree.b.household, name="王五", number=number.lower())
    assert "already registered" in str(exc.value.message_dict["id_number"])
    assert Person.objects.count() == 1


def test_encrypted_at_rest_and_found_by_hmac(tree):
    number = resident_id()
    p = add_person(tree.a.household, number=number, phone="13912345678")
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM people_person WHERE id = %s", [p.pk])
        raw = " ".join(str(v) for v in cur.fetchone())
    assert number not in raw and "13912345678" not in raw
    assert crypto.decrypt(p.id_number_enc) == number
    qs = Person.objects.all()
    assert list(selectors.person_search(qs, number)) == [p]
    assert list(selectors.person_search(qs, "139 1234 5678")) == [p]
    assert (
        list(selectors.person_search(qs, number[:-1] + "0" if number[-1] != "0" else number[:-1] + "1")) == []
    )


def test_search_by_name_and_initials(tree):
    zs = add_person(tree.a.household, name="张三")
    ls = add_person(tree.a.household, name="李四", phone="")
    qs = Person.objects.all()
    assert list(selectors.person_search(qs, "zs")) == [zs]
    assert list(selectors.person_search(qs, "ZS")) == [zs]
    assert list(selectors.person_search(qs, "李")) == [ls]
    assert set(selectors.person_search(qs, "")) == {zs, ls}


def test_update_reencrypts_and_logs_before_after(tree):
    p = add_person(tree.a.household, name="张三")
    new = resident_id(birth="20000101")
    p = services.person_update(actor=None, person=p, name="张叁", id_number=new, phone="13700000000")
    assert crypto.decrypt(p.id_number_enc) == new and p.birth_date == datetime.date(2000, 1, 1)
    assert p.phone_masked == "137****0000"
    log = ChangeLog.objects.filter(object_id=str(p.pk), action="update").first()
    assert log.before["name"] == "张三" and log.after["name"] == "张叁"
    assert log.after["id_number_enc"] == "***"  # never the ciphertext or the clear value in the log


def test_status_history_drives_current_status(tree):
    p = add_person(tree.a.household)
    t0 = timezone.now() - datetime.timedelta(days=3)
    services.person_status_set(
        actor=None, person=p, status=PersonStatus.HOME_OBSERVATION, reason="返京", since=t0
    )
    services.person_status_set(
        actor=None, person=p, status=PersonStatus.NORMAL, reason="解除", since=t0 + datetime.timedelta(days=2)
    )
    # A late entry dated before the latest one does not override the current status.
    services.person_status_set(
        actor=None,
        person=p,
        status=PersonStatus.CLOSE_CONTACT,
        reason="补录",
        since=t0 + datetime.timedelta(days=1),
    )
    p.refresh_from_db()
    assert p.status == PersonStatus.NORMAL
    assert [c.status for c in StatusChange.objects.filter(person=p).order_by("since")] == [
        "home_observation",
        "close_contact",
        "normal",
    ]


def test_reveal_requires_permission_and_is_logged(tree, make_user):
    number = resident_id()
    p = add_person(tree.a.household, number=number)
    worker = make_user("community_worker", tree.a.community)
    grid = make_user("grid_member", tree.a.community)
    other = make_user("community_worker", tree.b.community)
    assert services.person_reveal(actor=worker, person=p, field="id_number", reason="核对身份") == number
    assert services.person_reveal(actor=worker, person=p, field="phone", reason="联系本人") == "13800138000"
    log = SensitiveAccess.objects.filter(object_id=str(p.pk)).order_by("id")
    assert [(a.user_id, a.field, a.reason) for a in log] == [
        (worker.pk, "id_number", "核对身份"),
        (worker.pk, "phone", "联系本人"),
    ]
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=grid, person=p, field="id_number", reason="想看")
    with pytest.raises(PermissionDenied):  # the right role, the wrong community
        services.person_reveal(actor=other, person=p, field="id_number", reason="想看")
    with pytest.raises(ValidationError):
        services.person_reveal(actor=worker, person=p, field="id_number", reason=" ")
    assert SensitiveAccess.objects.count() == 2


def test_move_takes_history_and_ledger_along(tree):
    p = add_person(tree.a.household)
    services.person_status_set(actor=None, person=p, status=PersonStatus.HEALTH_MONITORING, reason="x")
    entry = services.vulnerable_entry_create(actor=None, person=p, category="elderly_alone", needs="送药")
    services.visit_add(actor=None, entry=entry, date=timezone.localdate(), channel="phone", findings="良好")
    services.person_move(actor=None, person=p, household=tree.b.household, reason="搬家")
    p.refresh_from_db()
    assert p.area_path == tree.b.household.path
    for model in (StatusChange, VulnerableEntry, Visit):
        assert set(model.objects.values_list("area_path", flat=True)) == {tree.b.household.path}


def test_relation_and_landlord(tree):
    owner = add_person(tree.a.household, name="房东")
    tenant = add_person(tree.a.household, name="租客", phone="")
    services.person_relation_set(actor=None, person=tenant, relation="tenant", landlord=owner)
    assert list(owner.tenants.all()) == [tenant]
    with pytest.raises(ValidationError):
        services.person_relation_set(actor=None, person=owner, relation="owner", landlord=tenant)


def test_vulnerable_ledger_and_visits(tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    p = add_person(tree.a.household)
    e = services.vulnerable_entry_create(
        actor=worker, person=p, category="dialysis", responsible=worker, needs="每周三次透析接送"
    )
    assert e.responsible_name == str(worker) and e.area_path == p.area_path
    with pytest.raises(ValidationError):
        services.vulnerable_entry_create(actor=worker, person=p, category="dialysis")
    services.vulnerable_entry_update(actor=worker, entry=e, needs="每周两次")
    v = services.visit_add(actor=worker, entry=e, date=timezone.localdate(), channel="door", findings="在家")
    assert v.by == worker
    with pytest.raises(ValidationError):
        services.visit_add(
            actor=worker,
            entry=e,
            date=timezone.localdate() + datetime.timedelta(days=1),
            channel="door",
            findings="x",
        )
    assert [x.person for x in selectors.ledger(viewer=worker, community=tree.a.community)] == [p]
    assert list(selectors.ledger(viewer=worker, community=tree.b.community)) == []


def test_status_counts_per_community(tree, make_user):
    admin = make_user("street_coordinator", tree.street1)
    a1 = add_person(tree.a.household)
    add_person(tree.a.household, phone="")
    add_person(tree.b.household, phone="")
    add_person(tree.c.household, phone="")
    services.person_status_set(actor=None, person=a1, status=PersonStatus.HOME_OBSERVATION, reason="x")
    rows = {r["community"].name: r for r in selectors.status_counts(viewer=admin)}
    assert set(rows) == {tree.a.community.name, tree.b.community.name}  # street 2 is not theirs
    assert rows[tree.a.community.name]["counts"] == {"normal": 1, "home_observation": 1}
    assert rows[tree.b.community.name]["total"] == 1
    only_a = selectors.status_counts(viewer=admin, area=tree.a.household)
    assert [r["community"] for r in only_a] == [tree.a.community]


def test_person_list_is_scoped_and_filtered(tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    mine = add_person(tree.a.household, name="张三")
    add_person(tree.b.household, name="张四", phone="")
    services.vulnerable_entry_create(actor=None, person=mine, category="pregnant")
    assert list(selectors.person_list(viewer=worker)) == [mine]
    assert list(selectors.person_list(viewer=worker, filters={"category": "pregnant"})) == [mine]
    assert list(selectors.person_list(viewer=worker, filters={"category": "disabled"})) == []
    assert list(selectors.person_list(viewer=worker, filters={"area": tree.b.community.pk})) == []
    assert list(selectors.person_list(viewer=worker, filters={"q": "zs"})) == [mine]
