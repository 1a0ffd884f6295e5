"""The issue's browser test: a campaign for one community; its schedule beats the naive plan on the chart;
twelve people sampled into two pooled tubes on a phone-sized page (one of them while offline); a result
file with one positive tube; the retest list holds exactly that tube's members; the coverage changes."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from fangkong.areas import services as area_services
from fangkong.areas.models import Level
from fangkong.core import crypto
from fangkong.core.testing import lookup_pick
from fangkong.people.tests.factories import make_person
from fangkong.screening.models import Campaign, RetestItem, Sample, Tube

pytestmark = pytest.mark.browser


def _wait_for(check, seconds=15):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.2)
    return False


def _dt(d):
    return timezone.localtime(d).strftime("%Y-%m-%dT%H:%M")


def test_campaign_schedule_lane_offline_results_retests_coverage(
    page, chromium, live_server, login, tree, make_user
):
    pytest.importorskip("fangkong.screening.scheduling")
    make_user("street_coordinator", tree.street1, username="coord")
    make_user("medical_staff", tree.a.community, username="nurse")
    # Twelve people in six households of two (the ones sampled), forty more in the building.
    households = [tree.a.household] + [
        area_services.area_create(
            actor=None, parent=tree.a.entrance, name=f"{102 + i}室", level=Level.HOUSEHOLD
        )
        for i in range(25)
    ]
    people = [make_person(households[i // 2]) for i in range(12)]
    for i in range(40):
        make_person(households[6 + i // 2])
    now = timezone.now()

    login(page, "coord")
    page.goto("/screening/campaigns/add/")
    page.fill("#id_name", "镇国寺社区全员核酸")
    lookup_pick(page, "area", "镇国寺", "镇国寺社区")
    page.fill("#id_starts", _dt(now - datetime.timedelta(minutes=30)))
    page.fill("#id_ends", _dt(now + datetime.timedelta(hours=8)))
    page.click("#main-form button[type=submit]")
    page.wait_for_selector("#compute-target")
    page.click("#compute-target")
    page.wait_for_selector("#target-total")
    assert page.inner_text("#target-total") == "52"
    c = Campaign.objects.get()
    for i, (lat, lon) in enumerate((("39.8502", "116.2802"), ("39.8520", "116.2830"))):
        page.click("#add-site")
        page.fill("#id_name", f"采样点{i + 1}")
        lookup_pick(page, "area", "镇国寺", "镇国寺社区")
        page.fill("#id_latitude", lat)
        page.fill("#id_longitude", lon)
        page.fill("#id_lanes", "1")
        page.fill("#id_per_lane_hour", "20")
        page.click("#main-form button[type=submit]")
        page.wait_for_selector("#sites")
    assert c.sites.count() == 2

    # The schedule beside the naive plan, on the chart.
    page.click("#schedule-link")
    page.click("#generate")
    page.wait_for_selector("#plan-chart canvas")
    summary = page.locator("#plan-summary")
    assert float(summary.get_attribute("data-max")) < float(summary.get_attribute("data-naive-max"))
    page.click("#publish")
    page.wait_for_selector("#plan-summary")
    page.goto(f"/screening/campaigns/{c.pk}/")
    page.click("#start-campaign")
    page.wait_for_selector("#finish-campaign")
    page.goto(f"/screening/campaigns/{c.pk}/coverage/")
    assert page.locator("#coverage-totals").get_attribute("data-sampled") == "0"

    # The lane, on a phone.
    site = c.sites.order_by("pk").first()
    phone_ctx = chromium.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone_ctx.set_default_timeout(15000)
    phone = phone_ctx.new_page()
    login(phone, "nurse")
    phone.goto(f"/screening/sites/{site.pk}/lane/")

    def number(p):
        return crypto.decrypt(p.id_number_enc)

    def find(p):
        phone.fill("#code", number(p))
        phone.click("#find")
        phone.wait_for_selector(f"#household input[data-person='{p.pk}']")

    phone.fill("#tube", "TUBE000001")
    phone.press("#tube", "Enter")
    for i in range(0, 10, 2):  # five households of two into the first tube: it closes at ten
        find(people[i])
        assert phone.locator("#household input[type=checkbox]").count() == 2
        phone.click("#sample")
        phone.wait_for_function(
            "n => document.getElementById('lane-result').textContent.includes(n)", arg=people[i + 1].name
        )
    assert _wait_for(lambda: Tube.objects.filter(barcode="TUBE000001", state="closed", count=10).exists())
    assert "TUBE000001" not in phone.input_value("#tube")
    phone.fill("#tube", "TUBE000002")
    find(people[10])
    phone.uncheck(f"#household input[data-person='{people[11].pk}']")
    phone.click("#sample")
    phone.wait_for_function(
        "n => document.getElementById('lane-result').textContent.includes(n)", arg=people[10].name
    )
    # Offline: the twelfth person waits on the phone, the tube closes with them.
    phone_ctx.set_offline(True)
    phone.fill("#tube", "TUBE000002")
    phone.fill("#code", number(people[11]))
    phone.click("#find")
    phone.wait_for_selector("#household input[type=checkbox]")
    phone.check("#close-after")
    phone.click("#sample")
    phone.wait_for_function("document.getElementById('queue-count').textContent === '1'")
    assert Sample.objects.count() == 11
    phone_ctx.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    assert _wait_for(lambda: Sample.objects.count() == 12), Sample.objects.count()
    phone.wait_for_selector("#queue", state="hidden")
    assert Tube.objects.get(barcode="TUBE000002").state == "closed"
    phone_ctx.close()

    page.goto(f"/screening/campaigns/{c.pk}/coverage/")
    assert page.locator("#coverage-totals").get_attribute("data-sampled") == "12"
    assert page.locator("#coverage-totals").get_attribute("data-positive") == "0"

    # The laboratory's file: the first tube is positive.
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    csv = f"试管条码,检测结果,检测时间,检测机构\nTUBE000001,阳性,{stamp},丰台区疾控\nTUBE000002,阴性,{stamp},丰台区疾控\n"
    page.goto(f"/screening/campaigns/{c.pk}/results/")
    page.set_input_files(
        "#id_file", {"name": "结果.csv", "mimeType": "text/csv", "buffer": csv.encode("gbk")}
    )
    page.click("#lab-submit")
    page.wait_for_selector("#import-ok")

    page.goto(f"/screening/retests/?campaign={c.pk}")
    table = page.inner_text("#retests")
    expected = {p.name for p in people[:10]}
    assert all(name in table for name in expected)
    assert people[10].name not in table and people[11].name not in table
    assert set(RetestItem.objects.values_list("person_id", flat=True)) == {p.pk for p in people[:10]}
    page.goto(f"/screening/campaigns/{c.pk}/coverage/")
    totals = page.locator("#coverage-totals")
    # A positive pool makes ten people to re-sample, not ten positives (issue 18).
    assert totals.get_attribute("data-positive") == "0" and page.inner_text("#total-positive") == "0"
    assert totals.get_attribute("data-to-retest") == "10" and page.inner_text("#total-to-retest") == "10"
    assert re.search(r"12", page.inner_text("#total-tested"))
