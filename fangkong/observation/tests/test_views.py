import datetime

import pytest
from django.utils import timezone

from fangkong.observation import documents, services
from fangkong.observation.models import Alert, HealthReport, ObservationOrder, Stay
from fangkong.people.tests.factories import make_person
from fangkong.policies.models import Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(tree, make_user):
    return make_user("community_worker", tree.a.community)


@pytest.fixture
def order(worker, tree):
    return services.order_create(
        actor=worker,
        person=make_person(tree.a.household, name="王观察"),
        order_type="home",
        reason="returnee",
    )


def test_today_population_missing_and_alerts(client, worker, order, tree):
    other = services.order_create(
        actor=worker, person=make_person(tree.b.household), order_type="centralized", reason="close_contact"
    )
    services.report_submit(actor=None, order=order, temperature="37.8")
    client.force_login(worker)
    resp = client.get("/observation/")
    body = resp.content.decode()
    pop = resp.context["population"]
    assert pop["total"] == 1 and pop["rows"][0]["area"] == "镇国寺社区"  # community B is outside the scope
    assert "王观察" in body and other.person.name not in body
    assert resp.context["missing_count"] == 0 and len(resp.context["alerts"]) == 1


def test_order_list_export_xlsx(client, worker, order):
    client.force_login(worker)
    resp = client.get("/observation/orders/?open=true")
    assert [o.pk for o in resp.context["object_list"]] == [order.pk]
    resp = client.get("/observation/orders/?export=xlsx")
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(resp.content)).active
    values = [c.value for c in ws[2]]
    assert "王观察" in values and 14 in values


def test_public_link_without_login(client, order):
    url = documents.report_path(order)
    assert client.get(url).status_code == 200
    resp = client.post(url, {"temperature": "39.0", "symptoms": ["cough"]})
    assert resp.status_code == 200 and "已保存" in resp.content.decode() or "saved" in resp.content.decode()
    report = HealthReport.objects.get()
    assert report.reporter == "resident" and report.channel == "link" and report.reported_by is None
    assert set(Alert.objects.values_list("kind", flat=True)) == {"fever", "symptoms"}
    assert client.get(url + "x").status_code == 404
    bad = client.post(url, {"temperature": "55"})
    assert bad.status_code == 400 and HealthReport.objects.count() == 1


def test_order_detail_actions(client, worker, order):
    client.force_login(worker)
    resp = client.post(f"/observation/orders/{order.pk}/end/", {"reason": ""}, follow=True)
    assert "未" in resp.content.decode() or "Not ended" in resp.content.decode()
    order.refresh_from_db()
    assert order.is_open
    client.post(f"/observation/orders/{order.pk}/extend/", {"days": 2, "reason": "发热复查"})
    order.refresh_from_db()
    assert order.days_total == 16 and order.status == "extended"
    resp = client.get(f"/observation/orders/{order.pk}/")
    assert "发热复查" in resp.content.decode()
    qr = client.get(f"/observation/orders/{order.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_other_community_cannot_act(client, make_user, tree, order):
    outsider = make_user("community_worker", tree.b.community)
    client.force_login(outsider)
    assert client.get(f"/observation/orders/{order.pk}/").status_code == 404
    assert (
        client.post(f"/observation/orders/{order.pk}/extend/", {"days": 2, "reason": "x"}).status_code == 404
    )


def test_policy_change_preview_then_apply(client, tree, make_user, order):
    admin = make_user("district_admin", tree.district)
    client.force_login(admin)
    data = {
        "key": "observation.returnee.days",
        "value": 10,
        "area": tree.district.pk,
        "source": "新方案",
        "effective_from": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
    }
    resp = client.post("/observation/policy/", {**data, "action": "preview"})
    ((gov, preview),) = resp.context["preview"].governed
    assert preview.moved == 1
    assert order.area_path.startswith(tree.street1.path)
    assert [(r["area"], r["moved"]) for r in preview.by_area] == [(tree.street1, 1)]
    assert "卢沟桥街道" in resp.content.decode()
    order.refresh_from_db()
    assert order.days_total == 14
    client.post("/observation/policy/", {**data, "action": "apply"})
    order.refresh_from_db()
    assert order.days_total == 10
    worker_resp = client.get("/observation/policy/")
    assert worker_resp.status_code == 200


def test_district_admin_cannot_set_a_system_wide_period_here(client, tree, make_user, order):
    """Issue 9: the observation page let a district administrator save a system-wide version."""
    client.force_login(make_user("district_admin", tree.district))
    data = {
        "key": "observation.returnee.days",
        "value": 10,
        "source": "新方案",
        "effective_from": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
    }
    before = Policy.objects.count()
    for action in ("preview", "apply"):
        resp = client.post("/observation/policy/", {**data, "action": action})
        assert resp.status_code == 400
        assert "只有系统管理员" in resp.content.decode()
    assert Policy.objects.count() == before
    order.refresh_from_db()
    assert order.days_total == 14


def test_policy_change_needs_permission(client, worker):
    client.force_login(worker)
    assert client.get("/observation/policy/").status_code == 403


def test_care_daily_list_one_query_per_section(
    client, tree, make_user, worker, django_assert_max_num_queries
):
    member = make_user("grid_member", tree.a.grid)
    for i in range(6):
        from fangkong.areas.services import area_create

        hh = area_create(actor=None, parent=tree.a.entrance, name=f"20{i}室", level="household")
        g = services.care_group_create(actor=worker, household=hh)
        services.care_group_member_add(actor=worker, group=g, user=member, role="grid_member")
        o = services.order_create(actor=worker, person=make_person(hh), order_type="home", reason="returnee")
        if i % 2:
            services.report_submit(actor=None, order=o, temperature="36.5", needs=["medicine"])
    client.force_login(member)
    client.get("/observation/care/")  # warm the session/permission caches
    with django_assert_max_num_queries(12):
        resp = client.get("/observation/care/")
    assert (
        len(resp.context["calls"]) == 6
        and len(resp.context["missing"]) == 3
        and len(resp.context["needs"]) == 3
    )
    report = resp.context["needs"][0]
    client.post(f"/observation/reports/{report.pk}/needs-done/")
    assert len(client.get("/observation/care/").context["needs"]) == 2


def test_site_flow_and_certificate(client, worker, tree):
    from fangkong.areas.models import Place

    site = Place.objects.create(area=tree.a.community, kind="observation_site", name="观察点")
    services.room_create(actor=worker, site=site, number="301", floor=3, capacity=2)
    order = services.order_create(
        actor=worker,
        person=make_person(tree.a.household),
        order_type="centralized",
        reason="close_contact",
        start=timezone.localdate() - datetime.timedelta(days=6),
    )
    client.force_login(worker)
    client.post(f"/observation/orders/{order.pk}/checkin/", {"site": site.pk, "special_needs": ["soft_food"]})
    stay = Stay.objects.get(order=order)
    assert stay.room.number == "301" and stay.special_needs == ["soft_food"]
    rooms = client.get("/observation/rooms/")
    assert rooms.context["object_list"][0].occupied == 1
    occ = client.get("/observation/occupancy/").context["rows"]
    assert occ[0]["beds"] == 2 and occ[0]["days"][-1][1] == 1
    for t in order.tests.all():
        services.test_result_set(actor=worker, test=t, result="negative")
    client.post(f"/observation/stays/{stay.pk}/discharge/", {"reason": ""})
    stay.refresh_from_db()
    assert stay.outcome == "discharged"
    pdf = client.get(f"/observation/stays/{stay.pk}/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_sick_leave_form(client, worker, tree):
    from fangkong.areas.models import Place

    wp = Place.objects.create(area=tree.a.community, kind="workplace", name="超市")
    client.force_login(worker)
    resp = client.post(
        "/observation/sick-leave/add/",
        {"workplace": wp.pk, "person_name": "赵六", "phone": "", "days": 2},
        follow=True,
    )
    assert resp.status_code == 200
    assert [r.person_name for r in client.get("/observation/sick-leave/").context["object_list"]] == ["赵六"]


def test_sick_leave_list_shows_nothing_of_a_resident_elsewhere(client, worker, tree):
    """Issue 9.2 over HTTP: the reporter's list and message say nothing about another community's
    resident (no name from the registry, no status, no link)."""
    from fangkong.areas.models import Place
    from fangkong.core import crypto

    other = make_person(
        tree.b.household, name="钱七七", phone_hash=crypto.blind_index("13800138002", kind="phone")
    )
    wp = Place.objects.create(area=tree.a.community, kind="workplace", name="超市")
    client.force_login(worker)
    resp = client.post(
        "/observation/sick-leave/add/",
        {"workplace": wp.pk, "person_name": "钱", "phone": "13800138002", "days": 2},
        follow=True,
    )
    page = client.get("/observation/sick-leave/").content.decode()
    for text in (resp.content.decode(), page):
        assert "钱七七" not in text and f"/people/{other.pk}/" not in text
    assert "超市" in page and not ObservationOrder.objects.filter(person=other).exists()


def test_add_care_member_from_order_and_limit(client, worker, order, tree, make_user):
    from fangkong.policies.services import policy_add

    volunteer = make_user("grid_member", tree.a.grid, username="vol1")
    client.force_login(worker)
    client.post(f"/observation/orders/{order.pk}/care/", {"username": "vol1", "role": "volunteer"})
    client.post(f"/observation/orders/{order.pk}/care/", {"username": "nobody", "role": "volunteer"})
    resp = client.get(f"/observation/orders/{order.pk}/")
    assert [m.user for m in resp.context["care_group"].members.all()] == [volunteer]
    client.force_login(volunteer)
    assert [o.pk for o in client.get("/observation/care/").context["calls"]] == [order.pk]
    policy_add(actor=None, key="care_group.max_members", value=1, effective_from=timezone.now(), source="t")
    make_user("grid_member", tree.a.grid, username="vol2")
    client.force_login(worker)
    resp = client.post(
        f"/observation/orders/{order.pk}/care/", {"username": "vol2", "role": "volunteer"}, follow=True
    )
    assert "最多 1 人" in resp.content.decode()


def test_record_test_result_from_detail(client, worker, order):
    client.force_login(worker)
    test = order.tests.get(day=7)
    client.post(f"/observation/orders/{order.pk}/test/", {"test": test.pk, "result": "positive"})
    test.refresh_from_db()
    assert test.result == "positive" and Alert.objects.get(kind="positive").order == order


def test_site_team_page_adds_members_and_keeps_one_lead(client, worker, tree, make_user):
    from fangkong.areas.models import Place
    from fangkong.observation.models import SiteMember

    site = Place.objects.create(area=tree.a.community, kind="observation_site", name="南苑观察点")
    elsewhere = Place.objects.create(area=tree.c.community, kind="observation_site", name="别区观察点")
    doctor = make_user("medical_staff", tree.a.community)
    client.force_login(worker)
    assert "南苑观察点" in client.get("/observation/team/add/").content.decode()
    resp = client.post(
        "/observation/team/add/",
        {"site": site.pk, "team": "lead", "name": "赵组长", "phone": "13800000000"},
    )
    assert resp.status_code == 302
    resp = client.post(
        "/observation/team/add/",
        {"site": site.pk, "team": "medical", "name": "孙医生", "username": doctor.username},
    )
    assert resp.status_code == 302
    # A second lead, a user who does not exist, a site outside the jurisdiction: refused, nothing written.
    for bad, field in (
        ({"site": site.pk, "team": "lead", "name": "钱组长"}, "team"),
        ({"site": site.pk, "team": "security", "name": "李", "username": "nobody"}, "username"),
        ({"site": elsewhere.pk, "team": "security", "name": "周"}, "site"),
    ):
        resp = client.post("/observation/team/add/", bad)
        assert resp.status_code == 400
        if field:
            assert field in resp.context["form"].errors
    members = SiteMember.objects.order_by("team")
    assert [(m.team, m.name, m.user_id) for m in members] == [
        ("lead", "赵组长", None),
        ("medical", "孙医生", doctor.pk),
    ]
    listing = client.get("/observation/team/").content.decode()
    assert "赵组长" in listing and "孙医生" in listing and "南苑观察点" in listing
    client.force_login(make_user("community_worker", tree.c.community))
    assert "赵组长" not in client.get("/observation/team/").content.decode()


def test_refused_care_member_leaves_no_empty_group(client, worker, order, tree, make_user):
    """Issue 9: the group and its first member are one service; a refusal leaves neither."""
    from fangkong.observation.models import CareGroup
    from fangkong.policies.services import policy_add

    policy_add(
        actor=None, key="care_group.max_households", value=0, effective_from=timezone.now(), source="t"
    )
    make_user("grid_member", tree.a.grid, username="vol9")
    client.force_login(worker)
    resp = client.post(
        f"/observation/orders/{order.pk}/care/", {"username": "vol9", "role": "volunteer"}, follow=True
    )
    assert resp.status_code == 200
    assert not CareGroup.objects.filter(area_id=order.area_id).exists()
