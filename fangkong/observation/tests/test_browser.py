"""The issue's browser test: order for a returnee with its computed end; two reports through the phone
link, one with fever -> alert on the worker's list; the policy goes from 14 to 10 days -> preview ->
confirm -> the order's end moves, with the reason in its history."""

import datetime

import pytest
from django.utils import timezone

from fangkong.core.testing import lookup_pick
from fangkong.observation.models import Alert, ObservationOrder
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.browser


def test_order_reports_alert_and_policy_change(page, login, live_server, tree, make_user, policies_loaded):
    make_user("district_admin", tree.street1, username="zhao")
    person = make_person(tree.a.household, name="张返京")
    today = timezone.localdate()

    login(page, "zhao")
    page.goto(f"/observation/orders/add/?person={person.pk}")
    page.select_option("#id_order_type", "home")
    page.select_option("#id_reason", "returnee")
    page.fill("#id_source", "返京登记 2026-001")
    page.click("#main-form button[type=submit]")
    page.wait_for_selector("#planned-end")
    assert page.locator("#planned-end").inner_text() == f"{today + datetime.timedelta(days=14):%Y-%m-%d}"
    assert page.locator("#days-remaining").inner_text() == "14"
    order = ObservationOrder.objects.get(person=person)
    link = page.locator("#public-link").get_attribute("href")

    # The resident's phone: no login, the signed link only.
    phone = page.context.browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    rp = phone.new_page()
    rp.goto(link)
    assert "张**" in rp.locator(".card").first.inner_text()
    rp.fill("#id_temperature", "36.5")
    rp.check("input[name=needs][value=food]")
    rp.click("#report-form button[type=submit]")
    rp.wait_for_selector("#thanks")
    rp.fill("#id_temperature", "38.2")
    rp.check("input[name=symptoms][value=cough]")
    rp.click("#report-form button[type=submit]")
    rp.wait_for_selector("#thanks")
    assert "2" in rp.locator("#today-count").inner_text()
    rp.goto(link.replace("/r/", "/r/x"))
    assert "无效" in rp.locator("h1").inner_text() or "not valid" in rp.locator("h1").inner_text()
    phone.close()
    assert order.reports.count() == 2

    # The worker's list shows the fever alert with its "refer to medical" action.
    page.goto("/observation/")
    alerts = page.locator("#open-alerts")
    assert "张返京" in alerts.inner_text() and "38.2" in alerts.inner_text()
    assert page.locator("#open-alerts [data-alert=fever]").count() == 1
    assert page.locator("#open-alerts [data-refer]").count() == 2  # fever and symptoms
    page.locator("#open-alerts [data-alert=fever] [data-refer]").click()
    page.wait_for_load_state()
    assert Alert.objects.get(kind="fever").status == "referred"

    # 14 -> 10 days: preview, then confirm.
    page.goto("/observation/policy/")
    page.select_option("#id_key", "observation.returnee.days")
    page.fill("#id_value", "10")
    # A district administrator sets the period for their own area, never system-wide (issue 9).
    lookup_pick(page, "area", "卢沟桥", "卢沟桥街道")
    page.fill("#id_source", "第X版防控方案")
    page.click("#preview")
    page.wait_for_selector("#preview-result")
    text = page.locator("#preview-result").inner_text()
    assert "1" in text and f"{today + datetime.timedelta(days=10):%Y-%m-%d}" in text
    assert ObservationOrder.objects.get(pk=order.pk).days_total == 14  # nothing moved yet
    page.click("#confirm")
    page.wait_for_url(lambda url: url.endswith("/observation/"))
    assert "1" in page.locator(".messages").inner_text()

    page.goto(f"/observation/orders/{order.pk}/")
    assert page.locator("#planned-end").inner_text() == f"{today + datetime.timedelta(days=10):%Y-%m-%d}"
    history = page.locator("#history").inner_text()
    assert "第X版防控方案" in history and f"{today + datetime.timedelta(days=14):%Y-%m-%d}" in history
