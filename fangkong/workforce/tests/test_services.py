"""The workforce's writes: the registry, the unit list import, self-registration and deployment."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from faker import Faker

from fangkong.core import crypto
from fangkong.core.models import ChangeLog, SensitiveAccess
from fangkong.gates import services as gate_services
from fangkong.people.tests.factories import make_person
from fangkong.workforce import services
from fangkong.workforce.models import Assignment, DeploymentRequest, Worker
from fangkong.workforce.tests.factories import make_worker

pytestmark = pytest.mark.django_db

fake = Faker("zh_CN")
fake.seed_instance(99)


def ssn():
    return fake.ssn()


def csv_bytes(rows, header=("姓名", "身份证号", "手机", "人员类别", "层级", "派出单位", "技能")):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


# -- the registry -------------------------------------------------------------------------------------------


def test_worker_create_encrypts_masks_and_logs(tree, make_user):
    admin = make_user("community_worker", tree.a.community)
    number = ssn()
    w = services.worker_create(
        actor=admin,
        area=tree.a.community,
        name="李明",
        kind="cadre",
        id_number=number,
        phone="13800138000",
        skills=["driver", "medical"],
    )
    assert w.id_masked == number[:6] + "*" * 8 + number[-4:]
    assert w.phone_masked == "138****8000"
    assert crypto.decrypt(w.id_number_enc) == number and number not in w.id_number_enc
    log = ChangeLog.objects.get(object_id=str(w.pk), content_type__model="worker")
    assert log.after["id_number_enc"] == "***" and log.area_path == tree.a.community.path
    # The same number again: refused with a clear message, nothing written.
    with pytest.raises(ValidationError) as exc:
        services.worker_create(actor=admin, area=tree.a.community, name="李明二", id_number=number, phone="")
    assert "already registered" in str(exc.value)
    assert Worker.objects.count() == 1


def test_worker_create_refuses_bad_phone_bad_id_and_foreign_area(tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    with pytest.raises(ValidationError) as exc:
        services.worker_create(actor=worker, area=tree.a.community, name="张三", phone="12345")
    assert "phone" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.worker_create(
            actor=worker, area=tree.a.community, name="张三", id_number="110101199001011234"
        )
    assert "id_number" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.worker_create(actor=worker, area=tree.c.community, name="张三")
    assert exc.value.message_dict == {"area": ["Choose an area of your jurisdiction."]}
    assert not Worker.objects.exists()


def test_worker_update_reveal_and_release(tree, make_user):
    cw = make_user("community_worker", tree.a.community)
    w = services.worker_create(actor=cw, area=tree.a.community, name="王五", phone="13900139000")
    services.worker_update(actor=cw, worker=w, phone="13700137000", skills=["it"], name="王五")
    w.refresh_from_db()
    assert w.phone_masked == "137****7000" and w.skills == ["it"]
    assert services.worker_reveal(actor=cw, worker=w, field="phone", reason="联系上岗") == "13700137000"
    assert SensitiveAccess.objects.filter(object_id=str(w.pk), field="phone").count() == 1
    with pytest.raises(ValidationError):
        services.worker_reveal(actor=cw, worker=w, field="phone", reason="")
    grid = make_user("grid_member", tree.a.community)
    with pytest.raises(PermissionDenied):
        services.worker_reveal(actor=grid, worker=w, field="phone", reason="想看")
    services.worker_release(actor=cw, worker=w, reason="回原单位")
    w.refresh_from_db()
    assert w.status == Worker.Status.RELEASED


def test_shift_create_gives_every_shift_its_worker(tree, make_user):
    from fangkong.areas.models import Place

    planner = make_user("community_worker", tree.a.community)
    volunteer = make_user("gate_volunteer", tree.a.community, display_name="门岗 赵强")
    place = Place.objects.create(area=tree.a.building, name="东门", kind=Place.Kind.GATE)
    post = gate_services.post_create(actor=planner, place=place, name="东门岗", kind="night")
    assert (post.start_hour, post.end_hour) == (20, 8) and post.staffed_hours()[:2] == [20, 21]
    now = timezone.now()
    shift = gate_services.shift_create(
        actor=planner, post=post, volunteer=volunteer, start=now, end=now + datetime.timedelta(hours=4)
    )
    assert shift.worker.user == volunteer and shift.worker.area == tree.a.community
    again = gate_services.shift_create(
        actor=planner, post=post, volunteer=volunteer, start=now, end=now + datetime.timedelta(hours=2)
    )
    assert again.worker_id == shift.worker_id and Worker.objects.count() == 1


# -- the import ---------------------------------------------------------------------------------------------


def test_import_writes_every_row_of_a_good_list(tree, make_user):
    coord = make_user("street_coordinator", tree.street1)
    data = csv_bytes(
        [
            ["赵一", ssn(), "13800000001", "下沉干部", "区级", "区财政局", "司机、医疗"],
            ["钱二", ssn(), "138-0000-0002", "", "", "", ""],
        ]
    )
    result = services.worker_import(
        actor=coord, area=tree.street1, content=data, filename="list.csv", home_unit="区发改委"
    )
    assert result.ok and result.created == 2
    w1, w2 = Worker.objects.order_by("id")
    assert (w1.kind, w1.level, w1.home_unit, w1.skills) == (
        "cadre",
        "district",
        "区财政局",
        ["driver", "medical"],
    )
    assert (w2.home_unit, w2.phone_masked, w2.area) == ("区发改委", "138****0002", tree.street1)
    assert ChangeLog.objects.filter(content_type__model="worker", action="create").count() == 2


def test_import_with_a_bad_phone_or_id_writes_nothing_and_names_each_row(tree, make_user):
    coord = make_user("street_coordinator", tree.street1)
    good = ssn()
    data = csv_bytes(
        [
            ["赵一", good, "13800000001", "", "", "", ""],
            ["钱二", "110101199001011234", "13800000002", "", "", "", ""],
            ["孙三", ssn(), "1380000", "", "", "", ""],
            ["李四", good, "13800000004", "", "", "", ""],
            ["周五", ssn(), "13800000005", "厨师", "", "", "飞行"],
        ]
    )
    result = services.worker_import(actor=coord, area=tree.street1, content=data, filename="list.csv")
    assert not result.ok and result.created == 0
    by_row = {(e.row, e.column) for e in result.errors}
    assert by_row == {(3, "证件号码"), (4, "手机号"), (5, "证件号码"), (6, "人员类别"), (6, "技能")}
    assert "check digit" in next(e.message for e in result.errors if e.row == 3)
    assert "row 2" in next(e.message for e in result.errors if e.row == 5)
    assert not Worker.objects.exists()
    assert services.worker_import  # the error report is a spreadsheet of the same rows
    from fangkong.workforce import imports as ix

    assert ix.error_report(result.rows, result.errors)[:2] == b"PK"


def test_import_refuses_a_file_without_the_columns_and_a_foreign_area(tree, make_user):
    coord = make_user("street_coordinator", tree.street1)
    with pytest.raises(ValidationError) as exc:
        services.worker_import(actor=coord, area=tree.street1, content=b"a,b\n1,2\n", filename="x.csv")
    assert "Missing columns" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.worker_import(
            actor=coord, area=tree.street2, content=csv_bytes([["a", ssn(), "13800000001"]]), filename="x.csv"
        )


def test_import_refuses_a_number_already_registered(tree, make_user):
    coord = make_user("street_coordinator", tree.street1)
    number = ssn()
    services.worker_create(actor=coord, area=tree.street1, name="老王", id_number=number)
    result = services.worker_import(
        actor=coord, area=tree.street1, content=csv_bytes([["王", number, "13800000001"]]), filename="l.csv"
    )
    assert [(e.row, e.message) for e in result.errors] == [
        (2, "A worker with this document number is already registered.")
    ]


# -- self-registration --------------------------------------------------------------------------------------


def test_self_registration_pending_then_reviewed(tree, make_user):
    cw = make_user("community_worker", tree.a.community)
    link = services.registration_link_create(actor=cw, area=tree.a.community, kind="party_member", days=7)
    w = services.self_register(
        token=link.token, name="党员 刘", phone="13600136000", id_number=ssn(), skills=["it"]
    )
    assert (w.status, w.kind, w.area, w.registration_link) == (
        "pending",
        "party_member",
        tree.a.community,
        link,
    )
    with pytest.raises(ValidationError):
        services.registration_review(actor=cw, worker=w, approve=False, note="")
    services.registration_review(actor=cw, worker=w, approve=True)
    w.refresh_from_db()
    assert w.status == "active" and w.reviewed_by == cw
    with pytest.raises(ValidationError):
        services.registration_review(actor=cw, worker=w, approve=True)
    other = make_user("community_worker", tree.c.community)
    w2 = services.self_register(token=link.token, name="志愿者", phone="13600136001", id_number=ssn())
    with pytest.raises(ValidationError) as exc:
        services.registration_review(actor=other, worker=w2, approve=True)
    assert exc.value.message_dict == {"area": ["Choose an area of your jurisdiction."]}


def test_revoked_or_expired_link_takes_no_registration(tree, make_user):
    cw = make_user("community_worker", tree.a.community)
    link = services.registration_link_create(actor=cw, area=tree.a.community)
    services.registration_link_revoke(actor=cw, link=link)
    with pytest.raises(services.LinkClosed):
        services.self_register(token=link.token, name="x", phone="13600136000", id_number=ssn())
    expired = services.registration_link_create(actor=cw, area=tree.a.community)
    type(expired).objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(services.LinkClosed):
        services.self_register(token=expired.token, name="x", phone="13600136000", id_number=ssn())
    with pytest.raises(services.LinkClosed):
        services.self_register(token="no-such-token", name="x", phone="13600136000", id_number=ssn())
    assert not Worker.objects.exists()
    with pytest.raises(ValidationError):
        services.registration_link_create(actor=cw, area=tree.street1)


# -- deployment ---------------------------------------------------------------------------------------------


def test_allocate_is_proportional_and_respects_caps():
    assert services.allocate(10, [3, 1, 1]) == [6, 2, 2]
    assert sum(services.allocate(7, [1, 1, 1])) == 7
    assert services.allocate(5, [0, 0]) == [3, 2]
    assert services.allocate(10, [5, 5], caps=[2, 10]) == [2, 8]
    assert services.allocate(10, [1, 1], caps=[2, 3]) == [2, 3]


def _populate(area, n, **extra):
    for _i in range(n):
        make_person(area, **extra)


def test_assign_by_criteria_distributes_by_population_in_one_action(tree, make_user):
    admin = make_user("district_admin", tree.district)
    _populate(tree.a.household, 6)
    _populate(tree.b.household, 3)
    _populate(tree.c.household, 1)
    for _i in range(12):
        make_worker(tree.district, level="district")
    make_worker(tree.district, health_status="isolated")  # not available
    result = services.assign_by_criteria(actor=admin, count=10, criterion="population", duty="gate")
    assert result.assigned == 10
    per = {a.pk: n for a, n in result.per_community}
    assert per == {tree.a.community.pk: 6, tree.b.community.pk: 3, tree.c.community.pk: 1}
    assert Assignment.objects.filter(end__isnull=True).count() == 10
    assert Worker.objects.filter(area=tree.a.community, area_path=tree.a.community.path).count() == 6
    moved = ChangeLog.objects.filter(content_type__model="worker", action="update")
    assert moved.count() == 10 and moved.first().after["area_path"].startswith(tree.street1.path[:8])
    # Too many for what is left: refused whole, nothing written.
    with pytest.raises(ValidationError) as exc:
        services.assign_by_criteria(actor=admin, count=5, criterion="population")
    assert "Only 2 available" in str(exc.value)
    assert Assignment.objects.count() == 10


def test_assign_by_criteria_fills_open_requests_and_filters_skills(tree, make_user):
    admin = make_user("district_admin", tree.district)
    cw = make_user("community_worker", tree.b.community)
    req = services.request_create(actor=cw, area=tree.b.community, count=2, duties=["gate", "patrol"])
    for _i in range(3):
        make_worker(tree.district, skills=["medical"])
    make_worker(tree.district, skills=["driver"])
    with pytest.raises(ValidationError) as exc:
        services.assign_by_criteria(actor=admin, count=3, criterion="open_requests")
    assert "need only 2" in str(exc.value)
    result = services.assign_by_criteria(actor=admin, count=2, criterion="open_requests", skills=["medical"])
    assert [(a.pk, n) for a, n in result.per_community] == [(tree.b.community.pk, 2)]
    req.refresh_from_db()
    assert req.status == DeploymentRequest.Status.FILLED and result.requests_filled == 1
    assert all("medical" in a.worker.skills for a in Assignment.objects.select_related("worker"))


def test_assignment_outside_scope_answers_like_missing(tree, make_user):
    coord = make_user("street_coordinator", tree.street1)
    w = make_worker(tree.street1)
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(actor=coord, worker=w, area=tree.c.community)
    assert exc.value.message_dict == {"area": ["Choose an area of your jurisdiction."]}
    foreign = make_worker(tree.street2)
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(actor=coord, worker=foreign, area=tree.a.community)
    assert exc.value.message_dict == {"worker": ["No such worker."]}
    a = services.assignment_create(actor=coord, worker=w, area=tree.a.community, duty="patrol")
    b = services.assignment_create(actor=coord, worker=w, area=tree.b.community, duty="gate")
    a.refresh_from_db()
    w.refresh_from_db()
    assert a.end is not None and b.end is None and w.area == tree.b.community
    with pytest.raises(ValidationError):
        services.assign_by_criteria(actor=coord, count=1, communities=[tree.c.community])


def test_a_worker_is_linked_to_their_registry_record_by_document_number(tree, make_user):
    from fangkong.core.identity import mask_id

    coord = make_user("street_coordinator", tree.street1)
    numbers = [ssn(), ssn(), ssn()]
    residents = [
        make_person(
            tree.a.household,
            id_number_enc=crypto.encrypt(n),
            id_hash=crypto.blind_index(n, kind="id"),
            id_masked=mask_id(n),
        )
        for n in numbers
    ]
    created = services.worker_create(actor=coord, area=tree.street1, name="甲", id_number=numbers[0])
    services.worker_import(
        actor=coord,
        area=tree.street1,
        content=csv_bytes([["乙", numbers[1], "13800000009"]]),
        filename="l.csv",
    )
    link = services.registration_link_create(
        actor=make_user("community_worker", tree.a.community), area=tree.a.community
    )
    registered = services.self_register(
        token=link.token, name="丙", phone="13600000009", id_number=numbers[2]
    )
    assert created.person == residents[0] and registered.person == residents[2]
    assert Worker.objects.get(name="乙").person == residents[1]
    stranger = services.worker_create(actor=coord, area=tree.street1, name="丁", id_number=ssn())
    assert stranger.person is None
