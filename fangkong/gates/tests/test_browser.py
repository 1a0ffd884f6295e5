"""The issue's browser test on a phone-sized page: an injected camera code with a fever → the verdict and
its reason; offline, three scans queue on the phone; back online, exactly three land."""

import time

import pytest
from django.utils import timezone

from fangkong.gates import selectors, services
from fangkong.gates.models import ScanEvent
from fangkong.gates.tests.factories import make_gate, resident


def _wait_for(predicate, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.mark.browser
def test_gate_check_verdict_and_offline_queue(phone_page, live_server, login, tree, make_user):
    page = phone_page
    gate = make_gate(tree.a.community, name="镇国寺北门")
    vol = make_user("gate_volunteer", tree.a.community, username="vol-north")
    post = services.post_create(actor=None, place=gate, name="北门白班", kind="day")
    now = timezone.now()
    services.shift_create(
        actor=None,
        post=post,
        volunteer=vol,
        start=now - timezone.timedelta(hours=1),
        end=now + timezone.timedelta(hours=8),
    )
    feverish, _n = resident(tree.a.household, name="发热者")
    others = [resident(tree.a.household)[1] for _ in range(3)]
    camera_code = live_server.url + "/gates/p/" + selectors.pass_token(feverish.gate_passes.get()) + "/"

    login(page, "vol-north")
    page.goto("/gates/check/")
    assert "北门白班" in page.inner_text("#post")
    page.fill("#code", camera_code)  # what the camera (BarcodeDetector) would put there
    page.fill("#temperature", "38.1")
    page.click("#scan-submit")
    page.wait_for_selector("#verdict-result[data-result=refer]")
    assert "体温达到或超过阈值" in page.inner_text("#verdict-reasons")
    assert page.inner_text("#verdict-result") == "复核"
    assert ScanEvent.objects.filter(person=feverish, verdict="refer").count() == 1

    page.context.set_offline(True)
    for number in others:
        page.fill("#code", number)
        page.fill("#temperature", "36.5")
        page.click("#scan-submit")
    page.wait_for_function("document.getElementById('queue-count').textContent === '3'")
    assert "已暂存在本机" in page.inner_text("#verdict")
    assert ScanEvent.objects.count() == 1

    page.context.set_offline(False)
    assert _wait_for(lambda: ScanEvent.objects.count() == 4), ScanEvent.objects.count()
    page.wait_for_selector("#queue", state="hidden")
    time.sleep(1)  # a late duplicate sync would show here
    assert ScanEvent.objects.count() == 4
    assert ScanEvent.objects.filter(verdict="allow").count() == 3
