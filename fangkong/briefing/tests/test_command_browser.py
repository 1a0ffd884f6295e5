"""The command screen in Chromium on the demo: the meeting-room size and the phone show today's figures
("data as of hh:mm"), the trend and the communities on the map; a figure opens the list behind it. Set
FANGKONG_SCREENSHOTS=<dir> to keep a picture of each."""

import io
import os
import re

import pytest
from django.core.management import call_command

from fangkong.accounts.demo import demo_accounts_create
from fangkong.core.testing import migrated_data_reload

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "fangkong-demo-2020"


def _shot(page, name):
    folder = os.environ.get("FANGKONG_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"command-{name}.png"), full_page=True)


def test_command_screen_on_the_demo(page, login, chromium, live_server):
    migrated_data_reload()
    call_command("seed_demo", scale="tiny", seed=1, stdout=io.StringIO())
    demo_accounts_create()

    page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, "district_admin", DEMO_PASSWORD)
    page.goto("/briefing/command/")
    page.wait_for_selector("#command[data-loaded]")
    assert re.search(r"\d\d:\d\d", page.locator("#command-as-of").inner_text())
    cards = page.locator("#command-figures .figure-card")
    assert cards.count() > 5
    assert (
        page.locator("#command-map canvas").count() == 1
        and page.locator("#command-trend canvas").count() == 1
    )
    assert page.locator("#command-metric option").count() >= 1
    # Nothing runs off the meeting-room screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    _shot(page, "1920")
    link = page.locator("#command-figures a.figure-card").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(lambda url: href.split("?")[0] in url)

    phone = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    ph = phone.new_page()
    login(ph, "leader", DEMO_PASSWORD)
    ph.goto("/briefing/command/")
    ph.wait_for_selector("#command[data-loaded]")
    assert ph.locator("#command-figures .figure-card").count() > 5
    assert ph.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    _shot(ph, "390")
    phone.close()
