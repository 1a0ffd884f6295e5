"""Issue 10: offline, the gate page shows the cached verdict of a pass already seen, marked as offline
with the time it was cached, and still queues the scan; an unseen code only queues."""

import time

import pytest
from django.utils import timezone

from fangkong.gates import selectors, services
from fangkong.gates.models import ScanEvent
from fangkong.gates.tests.factories import make_gate, resident


@pytest.mark.browser
def test_offline_shows_cached_verdict_of_a_pass_seen(phone_page, live_server, login, tree, make_user):
    page = phone_page
    gate = make_gate(tree.a.community, name="镇国寺南门")
    vol = make_user("gate_volunteer", tree.a.community, username="vol-south")
    post = services.post_create(actor=None, place=gate, name="南门白班", kind="day")
    now = timezone.now()
    services.shift_create(
        actor=None,
        post=post,
        volunteer=vol,
        start=now - timezone.timedelta(hours=1),
        end=now + timezone.timedelta(hours=8),
    )
    person, _n = resident(tree.a.household, name="孙小美")
    token = selectors.pass_token(person.gate_passes.get())
    _other, other_number = resident(tree.a.household)

    login(page, "vol-south")
    page.goto("/gates/check/")
    page.fill("#code", live_server.url + "/gates/p/" + token + "/")
    page.click("#scan-submit")
    page.wait_for_selector("#verdict-result[data-result=allow]")
    assert page.inner_text("#verdict-name") == "孙*美"  # online: the name, no offline mark
    assert page.query_selector("#verdict-offline") is None

    page.context.set_offline(True)
    page.fill("#code", token)  # the same pass, as the bare token the camera may read
    page.click("#scan-submit")
    page.wait_for_selector("#verdict-result[data-offline='1'][data-result=allow]")
    mark = page.inner_text("#verdict-offline")
    assert "离线" in mark and timezone.localtime().strftime("%Y-%m-%d") in mark
    assert page.inner_text("#verdict-name") == "孙*美"
    assert "已暂存在本机" in page.inner_text("#verdict-reasons")
    page.fill("#code", other_number)  # never seen here: nothing to show but the queue
    page.click("#scan-submit")
    page.wait_for_function("document.getElementById('queue-count').textContent === '2'")
    assert page.query_selector("#verdict-offline") is None and page.query_selector("#verdict-name") is None
    stored = page.evaluate("localStorage.getItem('fangkong.gates.seen.v1')")
    assert token in stored and other_number not in stored  # typed ID numbers are not kept on the phone
    assert ScanEvent.objects.count() == 1

    page.context.set_offline(False)
    end = time.monotonic() + 15
    while ScanEvent.objects.count() < 3 and time.monotonic() < end:
        time.sleep(0.2)
    assert ScanEvent.objects.count() == 3
