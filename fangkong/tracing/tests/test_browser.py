"""The issue's browser test: a positive result opens a case; the timeline shows the gate scans of the
last days; the candidate list shows the neighbour from the same household and the two people who scanned
at the same gate within the window, each with its reason; one action confirms them; their observation
orders exist with their end dates; the chain graph shows the case and its three contacts."""

import datetime

import pytest
from django.utils import timezone

from fangkong.core.testing import lookup_pick
from fangkong.observation.models import ObservationOrder
from fangkong.tracing.models import Case, Contact

pytestmark = pytest.mark.browser


def test_case_timeline_candidates_bulk_confirm_and_graph(page, login, tree, make_user, outbreak):
    make_user("investigator", tree.street1, username="zheng")
    case_person = outbreak["case_person"]
    today = timezone.localdate()

    login(page, "zheng")
    page.goto("/tracing/")
    page.click("text=登记病例")
    lookup_pick(page, "person", "王一", "王一")
    page.fill("#id_lab", "丰台区疾控中心")
    page.fill("#id_sample_date", f"{today:%Y-%m-%d}")
    page.click("#main-form button[type=submit]")
    page.wait_for_selector("#case-summary")
    case = Case.objects.get(person=case_person)
    assert page.url.endswith(f"/tracing/cases/{case.pk}/")

    # The timeline: the two gate scans of the last days, with their times.
    scans = page.locator("#timeline tr.timeline-scan")
    assert scans.count() == 2
    text = page.locator("#timeline").inner_text()
    assert "镇国寺东门" in text and f"{outbreak['t']:%Y-%m-%d}" in text
    assert timezone.localtime(outbreak["t"]).strftime("%H:%M") in text

    # Candidates with their reasons: the neighbour (household) and the two at the gate.
    page.click("#find-candidates")
    page.wait_for_selector("#candidates tr[data-contact]")
    rows = page.locator("#candidates tr[data-contact]")
    assert rows.count() == 3
    table = page.locator("#candidates").inner_text()
    assert "王二" in table and "同住一户" in table
    for name, minutes in (("周七", 25), ("赵四", 18)):
        row = page.locator("#candidates tr", has_text=name)
        reason = row.locator(".reasons").inner_text()
        assert "镇国寺东门" in reason and f"重叠 {minutes} 分钟" in reason
    assert "钱五" not in table and "孙六" not in table  # too late, and another gate

    # One action confirms all three.
    page.check("#check-all")
    page.click("#confirm-selected")
    page.wait_for_selector("#confirmed .order-link")
    assert page.locator("#confirmed .order-link").count() == 3
    end = today + datetime.timedelta(days=5)  # close contacts, ninth edition
    assert page.locator("#confirmed .planned-end").all_inner_texts() == [f"{end:%Y-%m-%d}"] * 3
    orders = ObservationOrder.objects.filter(source__startswith="tracing.Contact:")
    assert orders.count() == 3 and {o.planned_end for o in orders} == {end}
    assert set(Contact.objects.filter(case=case).values_list("state", flat=True)) == {"confirmed"}

    # The merged letters: one PDF for the three orders.
    resp = page.request.get(page.locator("#letters").get_attribute("href"))
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    assert (
        resp.body().count(b"/Type /Page\n") + resp.body().count(b"/Type /Page ") >= 3
        or b"/Count 3" in resp.body()
    )

    # The chain graph: the case and its three contacts.
    page.click("#graph-link")
    page.wait_for_selector("#chain-graph[data-rendered='1']")
    graph = page.locator("#chain-graph")
    assert graph.get_attribute("data-nodes") == "4"
    assert graph.get_attribute("data-links") == "3"
    assert page.locator("#chain-graph canvas").count() >= 1
