"""The pages and the API over real HTTP (Django test client): quick entry, import, triage, dispatch,
handling, closing, the callback and the SMS link, the push API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fangkong.hotline import services
from fangkong.hotline.models import Dispatch, Status, WorkOrder

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _when():
    return (timezone.localtime() - timezone.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")


def test_quick_entry_files_an_order_with_the_picked_area(client, hl, tree):
    _login(client, hl.operator)
    assert client.get("/").status_code == 302  # the operator lands on the quick entry
    page = client.get("/hotline/new/")
    assert page.status_code == 200 and "caller_phone" in page.content.decode()
    resp = client.post(
        "/hotline/new/",
        {
            "caller_phone": "13800138000",
            "caller_name": "王女士",
            "area": tree.a.community.pk,
            "category": "epidemic",
            "urgency": "urgent",
            "text": "楼道里有人不戴口罩",
        },
    )
    assert resp.status_code == 302
    order = WorkOrder.objects.get()
    assert order.channel == "phone" and order.area == tree.a.community and order.status == Status.TO_DISPATCH
    assert order.urgency == "urgent" and order.created_by == hl.operator


def test_quick_entry_refuses_a_foreign_area_and_a_missing_address(client, hl, tree, make_user):
    street_op = make_user("street_coordinator", tree.street1)
    _login(client, street_op)
    resp = client.post("/hotline/new/", {"area": tree.c.community.pk, "category": "noise", "text": "x"})
    assert resp.status_code == 400 and not WorkOrder.objects.exists()
    resp = client.post("/hotline/new/", {"category": "noise", "text": "x"})
    assert resp.status_code == 400 and not WorkOrder.objects.exists()


def test_caller_lookup_answers_residents_of_the_operators_area(client, hl, tree):
    from fangkong.core import crypto
    from fangkong.people.tests.factories import make_person

    p = make_person(tree.a.household)
    p.phone_hash = crypto.blind_index("13700137000", kind="phone")
    p.save()
    _login(client, hl.operator)
    html = client.get("/hotline/new/caller/", {"caller_phone": "13700137000"}).content.decode()
    assert p.name in html
    html = client.get("/hotline/new/caller/", {"caller_phone": "13700137001"}).content.decode()
    assert p.name not in html and "caller-none" in html


def test_import_page_gbk_and_error_report(client, hl, tree):
    _login(client, hl.street)
    header = "工单编号,受理时间,来电人,联系电话,地址,问题分类,诉求内容,时限类型\n"
    good = header + f"G1,{_when()},张三,13800138000,镇国寺社区,噪音扰民,夜间施工,一般\n"
    resp = client.post(
        "/hotline/import/",
        {"within": tree.street1.pk, "file": SimpleUploadedFile("派单.csv", good.encode("gbk"))},
    )
    assert resp.status_code == 302 and WorkOrder.objects.filter(city_number="G1").exists()
    bad = header + f"G2,{_when()},张三,13800138000,镇国寺社区,噪音扰民,,一般\n"
    resp = client.post(
        "/hotline/import/", {"within": tree.street1.pk, "file": SimpleUploadedFile("b.csv", bad.encode())}
    )
    assert resp.status_code == 400 and "import-errors" in resp.content.decode()
    assert not WorkOrder.objects.filter(city_number="G2").exists()
    report = client.post(
        "/hotline/import/",
        {"within": tree.street1.pk, "file": SimpleUploadedFile("b.csv", bad.encode()), "report": "1"},
    )
    assert report.status_code == 200 and report.content[:2] == b"PK"
    wrong = "编号,时间\nX,Y\n"
    resp = client.post(
        "/hotline/import/", {"within": tree.street1.pk, "file": SimpleUploadedFile("w.csv", wrong.encode())}
    )
    assert resp.status_code == 400 and "工单编号" in resp.content.decode()


def test_triage_dispatch_reply_close_rate_over_http(client, hl, tree):
    order = services.order_create(
        actor=hl.street,
        channel="phone",
        text="路灯不亮",
        category="other",
        address="某某大院",
        within=tree.street1,
    )
    _login(client, hl.street)
    assert str(order.pk) in client.get("/hotline/triage/").content.decode()
    resp = client.post(f"/hotline/orders/{order.pk}/match/", {"area": tree.a.community.pk})
    assert resp.status_code == 302
    resp = client.post(
        f"/hotline/orders/{order.pk}/dispatch/", {"unit": hl.unit_a.pk, "handler": hl.worker_a.pk}
    )
    assert resp.status_code == 302
    assert Dispatch.objects.get(order=order).handler == hl.worker_a
    _login(client, hl.worker_a)
    detail = client.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert "路灯不亮" in detail
    # closing without a reply: a message, the order stays open
    resp = client.post(f"/hotline/orders/{order.pk}/close/", {"outcome": "resolved"}, follow=True)
    order.refresh_from_db()
    assert order.status != Status.CLOSED
    assert "答复" in resp.content.decode() or "reply" in resp.content.decode()
    client.post(f"/hotline/orders/{order.pk}/entry/", {"kind": "call", "text": "已联系"})
    client.post(f"/hotline/orders/{order.pk}/close/", {"outcome": "resolved", "reply": "已修复路灯"})
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.first_response_at
    # the SMS link rates it once
    public = client.get(f"/hotline/r/{order.callback_token}/")
    assert public.status_code == 200 and "rate-form" in public.content.decode()
    client.post(f"/hotline/r/{order.callback_token}/", {"rating": "satisfied"})
    order.refresh_from_db()
    assert order.rating == "satisfied" and order.rating_channel == "link"
    assert client.get("/hotline/r/not-a-token/").status_code == 404


def test_public_link_refuses_a_rating_on_an_open_order(client, hl, tree):
    order = services.order_create(
        actor=hl.street, channel="phone", text="x", category="other", area=tree.a.community
    )
    resp = client.post(f"/hotline/r/{order.callback_token}/", {"rating": "satisfied"})
    assert "not-closed" in resp.content.decode()
    order.refresh_from_db()
    assert order.rating == ""


def test_department_sees_404_for_orders_not_dispatched_to_it(client, hl, tree):
    order = services.order_create(
        actor=hl.street, channel="phone", text="x", category="other", area=tree.a.community
    )
    _login(client, hl.clerk)
    assert client.get(f"/hotline/orders/{order.pk}/").status_code == 404
    services.order_dispatch(actor=hl.street, order=order, unit=hl.dept)
    assert client.get(f"/hotline/orders/{order.pk}/").status_code == 200
    listing = client.get("/hotline/").content.decode()
    assert f"/hotline/orders/{order.pk}/" in listing


def test_list_filters_overdue_and_export(client, hl, tree):
    old = services.order_create(
        actor=hl.street,
        channel="phone",
        text="旧工单",
        category="other",
        area=tree.a.community,
        received_at=timezone.now() - timezone.timedelta(days=9),
    )
    fresh = services.order_create(
        actor=hl.street, channel="phone", text="新工单", category="other", area=tree.a.community
    )
    _login(client, hl.street)
    html = client.get("/hotline/", {"due": "overdue"}).content.decode()
    assert f"/hotline/orders/{old.pk}/" in html and f"/hotline/orders/{fresh.pk}/" not in html
    assert 'data-flag="overdue"' in html
    xlsx = client.get("/hotline/", {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_push_api_is_idempotent_and_validates(api, hl, tree):
    api.as_user(hl.street)
    payload = {
        "city_number": "P-1",
        "received_at": _when(),
        "address": "卢沟桥街道镇国寺社区",
        "category": "疫情防控",
        "text": "核酸结果迟迟未出",
        "deadline_class": "一般",
    }
    first = api.post("/api/hotline/orders/", payload, format="json")
    assert first.status_code == 201, first.content
    again = api.post("/api/hotline/orders/", payload, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert WorkOrder.objects.count() == 1
    bad = api.post(
        "/api/hotline/orders/", {**payload, "city_number": "P-2", "received_at": "2020-02-30"}, format="json"
    )
    assert bad.status_code == 400
    outside = api.post(
        "/api/hotline/orders/", {**payload, "city_number": "P-3", "street": "马家堡街道"}, format="json"
    )
    assert outside.status_code == 400
    assert WorkOrder.objects.count() == 1


def test_api_close_without_reply_is_400(api, hl, tree):
    order = services.order_create(
        actor=hl.street, channel="phone", text="x", category="other", area=tree.a.community
    )
    services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_a)
    api.as_user(hl.worker_a)
    resp = api.post(f"/api/hotline/orders/{order.pk}/close/", {"outcome": "resolved"}, format="json")
    assert resp.status_code == 400
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_a_support_request_becomes_a_work_order_once(client, hl, tree):
    from fangkong.support.tests.factories import make_request

    req = make_request(tree.a.household)
    _login(client, hl.worker_a)
    page = client.get(f"/support/requests/{req.pk}/").content.decode()
    assert "to-hotline" in page
    resp = client.post(f"/hotline/from-support/{req.pk}/")
    assert resp.status_code == 302
    again = client.post(f"/hotline/from-support/{req.pk}/")
    assert again.status_code == 302
    order = WorkOrder.objects.get(source_request=req)
    assert order.channel == "support" and order.area == req.area and order.status == Status.TO_DISPATCH
    # another community's worker: 404, nothing filed
    _login(client, hl.worker_b)
    other = make_request(tree.a.household)
    assert client.post(f"/hotline/from-support/{other.pk}/").status_code == 404
    assert WorkOrder.objects.count() == 1
