"""Issue 10 in a real browser: /policies/ previews by area, then confirm moves the open orders."""

import datetime

import pytest
from django.utils import timezone

from fangkong.core.testing import lookup_pick
from fangkong.observation import services as observation
from fangkong.observation.models import ObservationOrder
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.browser


def test_policies_page_preview_then_confirm(page, login, live_server, tree, make_user):
    make_user("district_admin", tree.street1, username="zhao")
    order = observation.order_create(
        actor=None, person=make_person(tree.a.household, name="张返京"), order_type="home", reason="returnee"
    )
    today = timezone.localdate()
    login(page, "zhao")
    page.goto("/policies/observation.returnee.days/")
    page.fill("#id_value", "10")
    lookup_pick(page, "area", "卢沟桥", "卢沟桥街道")
    page.fill("#id_source", "街道通知")
    page.click("#preview")
    page.wait_for_selector("#preview-result")
    text = page.locator("#preview-areas").inner_text()
    assert "镇国寺社区" in text
    assert f"{today + datetime.timedelta(days=10):%Y-%m-%d}" in page.locator("#preview-changes").inner_text()
    assert ObservationOrder.objects.get(pk=order.pk).days_total == 14
    page.click("#confirm")
    page.wait_for_url(lambda url: url.endswith("/policies/observation.returnee.days/"))
    assert "1" in page.locator(".messages").inner_text()
    assert ObservationOrder.objects.get(pk=order.pk).days_total == 10
