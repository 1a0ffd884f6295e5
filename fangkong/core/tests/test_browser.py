"""The foundation as a user runs it, in Chromium: log in, switch language, walk the tree to a building,
open an object's change log."""

import pytest

from fangkong.areas import services as area_services

pytestmark = pytest.mark.browser


def test_login_language_tree_walk_and_change_log(page, login, tree, make_user):
    user = make_user("street_coordinator", tree.street1, username="lina", display_name="李娜")
    area_services.place_create(actor=user, area=tree.a.building, kind="gate", name="1号楼门禁")

    login(page, "lina")
    assert page.locator("h1").inner_text() == "欢迎，李娜"
    assert "卢沟桥街道" in page.locator(".cards").inner_text()

    page.click("button[data-lang=en]")
    page.wait_for_selector("text=Welcome, 李娜")
    assert page.locator("nav#nav summary").first.inner_text().startswith("Residents and areas")

    # Walk: street -> community -> grid -> building
    page.click(".cards >> text=卢沟桥街道")
    page.wait_for_load_state()
    assert page.locator("#children .child").count() == 2
    assert "household" in page.locator("#level-counts").inner_html()
    page.wait_for_selector("#children-chart canvas")  # the ECharts bar chart rendered
    page.click("#children >> text=镇国寺社区")
    page.click("#children >> text=镇国寺社区第1网格")
    page.click("#children >> text=镇国寺社区1号楼")
    page.wait_for_load_state()
    assert page.locator("#area-name").inner_text().startswith("镇国寺社区1号楼")
    assert page.locator(".crumbs > *").all_inner_texts() == [
        "北京市",
        "丰台区",
        "卢沟桥街道",
        "镇国寺社区",
        "镇国寺社区第1网格",
    ]
    assert (
        page.locator(".crumbs a").count() == 3
    )  # city and district are outside the scope: named, not linked
    assert "1号楼门禁" in page.locator("#places").inner_text()

    # The place's change log shows who created it, in English now.
    page.click("#places >> text=1号楼门禁")
    page.click("#changes-link")
    row = page.locator("table tbody tr").first
    assert "created" in row.inner_text() and "lina" in row.inner_text()

    # The choice persisted: a fresh login on another "device" is still English.
    page.context.clear_cookies()
    login(page, "lina")
    assert page.locator("h1").inner_text() == "Welcome, 李娜"
