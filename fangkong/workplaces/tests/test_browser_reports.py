"""The issue's browser test (wp2): a workplace contact files the zero report on a 390 px phone with one
employee absent for fever; the observation app's sick-leave list shows it; an inspector records a
dormitory room of 8 people in 20 m² and sees the violation with the rule's source; the failed item opens
a ledger item, closed on re-inspection."""

import pytest

from fangkong.workplaces import services
from fangkong.workplaces.models import LedgerItem, ZeroReport

from .factories_reports import wp_workplace

pytestmark = pytest.mark.browser


def _mark_all(page, workplace, failed=()):
    for item in services.checklist_for(workplace.type).items:
        value = "fail" if item["key"] in failed else "pass"
        page.check(f"input[name=item_{item['key']}][value={value}]")


def test_zero_report_sick_leave_dormitory_violation_and_ledger(
    chromium, live_server, page, login, tree, make_user
):
    contact = make_user("workplace_contact", tree.street1, username="fengxue")
    make_user("street_coordinator", tree.street1, username="lina")
    wp = wp_workplace(tree.a.community, type="factory", staff_count=20, safety_contact_user=contact)

    # The contact's phone (390 px): they land on their workplace's report page.
    phone = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    phone.set_default_timeout(15000)
    pp = phone.new_page()
    login(pp, "fengxue")
    pp.wait_for_selector("#zero-report-form")
    assert wp.name in pp.locator("#report-workplace").inner_text()
    pp.fill("#id_staff_on_site", "15")
    pp.fill("#id_absent_0_name", "王小明")
    pp.check("input[name=absent_0_symptoms][value=fever]")
    pp.check("#id_temperature_checked")
    pp.check("#id_disinfected")
    pp.click("#send-report")
    pp.wait_for_selector("#thanks")
    width = pp.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    phone.close()
    report = ZeroReport.objects.get(workplace=wp)
    assert (report.staff_on_site, report.absent_sick) == (15, 1)

    # The street sees the absence on observation's sick-leave list.
    login(page, "lina")
    page.goto("/observation/sick-leave/")
    assert "王小明" in page.locator("#sick-leave").inner_text()

    # The inspector: the dormitory item fails, a room of 8 in 20 m² is measured.
    page.goto(f"/workplaces/{wp.pk}/")
    page.click("#inspect")
    page.wait_for_selector("#inspection-form")
    _mark_all(page, wp, failed=("dormitory",))
    page.fill("#id_finding_dormitory", "宿舍101室住8人")
    page.fill("#id_responsible", "张厂长")
    page.fill("#id_dormitory", "员工宿舍")
    page.fill("#id_room_number", "101")
    page.fill("#id_floor_area", "20")
    page.fill("#id_occupants", "8")
    page.click("#save-inspection")
    page.wait_for_selector("#violations")
    violations = page.locator("#violations").inner_text()
    assert "101" in violations and "001" in violations  # the room, and the 通告 the rule comes from
    assert page.locator("#violations .source").count() >= 1
    assert "宿舍101室住8人" in page.locator("#ledger-opened").inner_text()
    item = LedgerItem.objects.get(workplace=wp)
    assert item.status == "open" and item.responsible == "张厂长"

    # Re-inspection: everything passes; the ledger item is closed.
    page.click("#reinspect")
    page.wait_for_selector("#inspection-form")
    _mark_all(page, wp)
    page.click("#save-inspection")
    page.wait_for_selector("#ledger-closed")
    assert "宿舍101室住8人" in page.locator("#ledger-closed").inner_text()
    item.refresh_from_db()
    assert item.status == "closed"
