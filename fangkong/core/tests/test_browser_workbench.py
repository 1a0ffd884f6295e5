"""The workbench as three roles meet it in Chromium: the community worker's 工作台 (overdue first, one tap
to the list with as many rows as the count said, the header search), the gate volunteer on the gate
check page and the leadership on the command screen, each with the workbench one tap away."""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def _notice(area, **extra):
    from fangkong.gates.tests.factories import make_notice

    n = make_notice(area)
    for k, v in extra.items():
        setattr(n, k, v)
    n.save()
    return n


def test_community_worker_works_from_the_workbench(phone_page, login, tree, make_user):
    from fangkong.observation.tests.factories import make_alert

    page = phone_page
    make_user("community_worker", tree.a.community, username="zhangmin", display_name="张敏")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    mine = [_notice(tree.a.household, arrival_date=yesterday) for _ in range(2)]
    _notice(tree.b.household, arrival_date=yesterday)  # another community's: not counted
    make_alert(tree.a.household)  # today's fever alert: due today

    login(page, "zhangmin")
    assert page.url.endswith("/")  # the workbench is the worker's home page
    overdue = page.locator("section[data-when=overdue]")
    line = overdue.locator("a[data-kind='gates.returnees_review']")
    assert line.locator(".wb-count").inner_text() == "2"
    assert "待审核的返京报备" in line.inner_text()
    sections = page.locator("section[data-when]").evaluate_all("els => els.map(e => e.dataset.when)")
    assert sections[0] == "overdue" and "today" in sections
    assert sections.index("overdue") < sections.index("today")
    # A phone page: no horizontal scroll, lines big enough to tap.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert line.bounding_box()["height"] >= 44
    line.click()
    page.wait_for_url("**/gates/returnees/?stage=notified")
    assert page.locator("table tbody tr").count() == 2
    # The header search: a tracking code finds the notice.
    page.fill(".hsearch input[name=q]", mine[0].tracking_code)
    page.press(".hsearch input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.click(f"text={mine[0].tracking_code}")
    page.wait_for_url(f"**/gates/returnees/{mine[0].pk}/")


def test_gate_volunteer_lands_on_the_gate_check_page(page, login, tree, make_user):
    make_user("gate_volunteer", tree.a.community, username="zhaoqiang")
    login(page, "zhaoqiang")
    page.wait_for_url("**/gates/check/")
    page.click(".hsearch-bench")
    page.wait_for_url("**/workbench/")
    assert page.locator("#wb-empty").is_visible()  # nothing of the gate's lists is theirs to do


def test_leadership_lands_on_the_command_screen(page, login, tree, make_user):
    make_user("leadership_viewer", tree.district, username="hejun")
    login(page, "hejun")
    page.wait_for_url("**/briefing/command/")
    page.click(".hsearch-bench")
    page.wait_for_url("**/workbench/")
    assert page.locator("h1").inner_text().startswith("欢迎")
