"""The workplace pages over real HTTP: registry list with filters and export, detail, forms with bad
input, plans, staff import, rooms, violations, and what a workplace contact sees."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fangkong.workplaces import services
from fangkong.workplaces.models import Plan, Room, StaffMember, Violation, Workplace

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_list_filters_and_export(client, wp):
    _login(client, wp.street)
    resp = client.get(reverse("workplaces:workplace-list"))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "镇国寺制衣厂" in body and "宛平城超市" in body
    resp = client.get(reverse("workplaces:workplace-list"), {"type": "supermarket"})
    body = resp.content.decode()
    assert "宛平城超市" in body and "镇国寺制衣厂" not in body
    resp = client.get(reverse("workplaces:workplace-list"), {"area": wp.tree.a.community.pk})
    assert "镇国寺制衣厂" in resp.content.decode() and "宛平城超市" not in resp.content.decode()
    resp = client.get(reverse("workplaces:workplace-list"), {"risk_grade": "bogus"})
    assert resp.status_code == 200 and "宛平城超市" not in resp.content.decode()  # invalid filter: nothing
    resp = client.get(reverse("workplaces:workplace-list"), {"export": "xlsx", "open": "true"})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    names = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["宛平城超市", "镇国寺制衣厂"]


def test_other_street_sees_nothing(client, wp):
    _login(client, wp.other_street)
    assert "镇国寺制衣厂" not in client.get(reverse("workplaces:workplace-list")).content.decode()
    assert client.get(reverse("workplaces:workplace-detail", args=[wp.factory.pk])).status_code == 404


def test_contact_sees_only_their_workplace(client, wp):
    _login(client, wp.contact)
    body = client.get(reverse("workplaces:workplace-list")).content.decode()
    assert "镇国寺制衣厂" in body and "宛平城超市" not in body
    assert client.get(reverse("workplaces:workplace-detail", args=[wp.other.pk])).status_code == 404
    resp = client.get(reverse("workplaces:mine"))
    assert resp.status_code == 200 and resp.context["object"] == wp.factory
    # A contact may not edit the registry or register workplaces.
    assert client.get(reverse("workplaces:workplace-edit", args=[wp.factory.pk])).status_code == 403
    assert client.get(reverse("workplaces:workplace-add")).status_code == 403


def test_create_and_edit_through_the_form(client, wp):
    _login(client, wp.street)
    resp = client.post(
        reverse("workplaces:workplace-add"),
        {
            "area": wp.tree.a.community.pk,
            "name": "新开网吧",
            "type": "internet_cafe",
            "staff_count": 5,
            "risk_grade": "low",
            "list_status": "positive",
            "open": "on",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    w = Workplace.objects.get(name="新开网吧")
    assert w.list_status == "positive" and w.place.kind == "small_venue"
    resp = client.post(
        reverse("workplaces:workplace-edit", args=[w.pk]),
        {
            "name": "新开网吧",
            "type": "internet_cafe",
            "staff_count": 5,
            "risk_grade": "high",
            "list_status": "negative",
            "floor_area": "-3",
        },
    )
    assert resp.status_code == 400 and "面积不能为负数" in resp.content.decode()
    w.refresh_from_db()
    assert w.risk_grade == "low"  # nothing half-written
    # An area of another street answers as an invalid choice.
    resp = client.post(
        reverse("workplaces:workplace-add"),
        {
            "area": wp.tree.c.community.pk,
            "name": "x",
            "type": "factory",
            "staff_count": 1,
            "risk_grade": "low",
            "list_status": "none",
        },
    )
    assert resp.status_code == 400 and not Workplace.objects.filter(name="x").exists()


def test_room_form_bad_input_and_the_violation_with_its_source(client, wp, dorm):
    _login(client, wp.street)
    url = reverse("workplaces:room-add")
    resp = client.post(
        url, {"dormitory": dorm.above.pk, "number": "1", "floor_area": "-1", "beds": 2, "occupants": 1}
    )
    assert resp.status_code == 400 and not Room.objects.exists()
    resp = client.post(
        url, {"dormitory": dorm.above.pk, "number": "1", "floor_area": "20", "beds": 6, "occupants": 8}
    )
    assert resp.status_code == 400
    assert "入住8人，但只有6张床" in resp.content.decode() and not Room.objects.exists()
    resp = client.post(
        url,
        {"dormitory": dorm.above.pk, "number": "101", "floor_area": "20", "beds": 8, "occupants": 8},
        follow=True,
    )
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "宿舍人均不少于4平方米（001）" in body  # the message names the rule's source
    detail = client.get(reverse("workplaces:workplace-detail", args=[wp.factory.pk])).content.decode()
    assert "宿舍人均不少于4平方米（001）" in detail and "每间不超过6人（001）" in detail
    vl = client.get(reverse("workplaces:violation-list"), {"open": "true"}).content.decode()
    assert "101" in vl and "v1" in vl
    room = Room.objects.get()
    resp = client.post(
        reverse("workplaces:room-edit", args=[room.pk]),
        {"number": "101", "floor_area": "20", "beds": 8, "occupants": 4},
    )
    assert resp.status_code == 302
    assert not Violation.objects.filter(room=room, resolved_at__isnull=True).exists()


def test_plan_flow_over_http(client, wp):
    c = _login(client, wp.contact)
    resp = c.post(reverse("workplaces:plan-generate", args=[wp.factory.pk]))
    assert resp.status_code == 302
    plan = Plan.objects.get()
    pdf = c.get(reverse("workplaces:plan-file", args=[plan.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert c.post(reverse("workplaces:plan-action", args=[plan.pk, "submit"])).status_code == 302
    assert c.post(reverse("workplaces:plan-action", args=[plan.pk, "approve"])).status_code == 403
    bad = c.post(
        reverse("workplaces:plan-upload", args=[wp.factory.pk]),
        {"file": io.BytesIO(b"not a pdf"), "note": ""},
        follow=True,
    )
    assert Plan.objects.count() == 1 and bad.status_code == 200
    c.logout()
    s = _login(client, wp.street)
    s.post(reverse("workplaces:plan-action", args=[plan.pk, "approve"]))
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == wp.street
    # Another street neither sees nor decides it.
    s.logout()
    _login(client, wp.other_street)
    assert client.get(reverse("workplaces:plan-file", args=[plan.pk])).status_code == 404
    assert client.post(reverse("workplaces:plan-action", args=[plan.pk, "reject"])).status_code == 404


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "staff.xlsx"
    return buf


def test_staff_import_all_or_nothing_with_row_errors(client, wp, dorm):
    from fangkong.people.tests.factories import make_person

    services.room_create(actor=None, dormitory=dorm.above, number="101", floor_area=30, beds=6, occupants=2)
    person = make_person(wp.tree.c.household, phone_hash="")  # registered in another street
    from fangkong.core import crypto

    id_number = crypto.decrypt(person.id_number_enc)
    header = ["单位名称", "姓名", "手机号", "证件号码", "班次", "宿舍", "房间号"]
    _login(client, wp.street)
    bad = _xlsx(
        [
            header,
            ["镇国寺制衣厂", "甲", "13800138000", "", "白班", "1号宿舍", "101"],
            ["不存在的公司", "乙", "", "", "夜班", "", ""],
            ["镇国寺制衣厂", "丙", "123", "", "夜班", "", ""],
        ]
    )
    resp = client.post(reverse("workplaces:staff-import"), {"file": bad})
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "不存在的公司" in body and StaffMember.objects.count() == 0
    report = client.get(reverse("workplaces:staff-import-errors"))
    assert report.status_code == 200
    ws = load_workbook(io.BytesIO(report.content)).active
    errors = [r[-1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert errors[0] in (None, "") and "不存在的公司" in errors[1] and errors[2]
    good = _xlsx(
        [
            header,
            ["镇国寺制衣厂", "甲", "13800138000", "", "白班", "1号宿舍", "101"],
            ["镇国寺制衣厂", person.name, "", id_number, "白班", "", ""],
        ]
    )
    resp = client.post(reverse("workplaces:staff-import"), {"file": good})
    assert resp.status_code == 302
    assert StaffMember.objects.count() == 2
    matched = StaffMember.objects.get(name=person.name)
    assert matched.person == person and matched.shift == "day" and matched.id_masked.endswith(id_number[-4:])
    assert StaffMember.objects.get(name="甲").room.number == "101"
    # The same file again adds nobody twice.
    good.seek(0)
    client.post(reverse("workplaces:staff-import"), {"file": good})
    assert StaffMember.objects.count() == 2


def test_staff_import_of_a_contact_cannot_name_another_workplace(client, wp):
    _login(client, wp.contact)
    f = _xlsx([["单位名称", "姓名"], ["宛平城超市", "甲"]])
    resp = client.post(reverse("workplaces:staff-import"), {"file": f})
    assert resp.status_code == 400 and StaffMember.objects.count() == 0
    f = io.BytesIO(b"\x00\x01garbage")
    f.name = "x.csv"
    resp = client.post(reverse("workplaces:staff-import"), {"file": f})
    assert resp.status_code == 400 and StaffMember.objects.count() == 0


def test_lists_render_for_every_role(client, wp, dorm):
    services.room_create(
        actor=None, dormitory=dorm.below, number="B-甲1", floor_area=6, beds=4, occupants=3, bunks=True
    )
    services.staff_add(actor=None, workplace=wp.factory, name="员工甲", shift="day")
    for user in (wp.street, wp.contact, wp.other_street):
        client.force_login(user)
        for name in (
            "workplace-list",
            "staff-list",
            "room-list",
            "violation-list",
            "plan-list",
            "staff-import",
        ):
            assert client.get(reverse(f"workplaces:{name}")).status_code == 200, (user, name)
    client.force_login(wp.contact)
    assert "B-甲1" in client.get(reverse("workplaces:violation-list")).content.decode()
    client.force_login(wp.other_street)
    assert "B-甲1" not in client.get(reverse("workplaces:violation-list")).content.decode()
