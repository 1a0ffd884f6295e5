"""The issue's browser test: the street imports the city's dispatch file of ten orders; one lands in
triage (its address is unknown) and is matched by hand; the street dispatches it to community A; A's
handler replies and closes it; the callback records "satisfied"; the three rates change on the street's
rates page (and the list behind a figure has the figure's count)."""

import importlib
import re

import pytest
from django.utils import timezone

from fangkong.core.testing import lookup_pick
from fangkong.hotline.models import Status, Unit, WorkOrder

pytestmark = pytest.mark.browser

HEADER = "工单编号,受理时间,来电人,联系电话,地址,问题分类,诉求内容,时限类型\n"


def _file(tree) -> bytes:
    when = (timezone.localtime() - timezone.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    rows = [
        [
            f"2026120700{i:02d}",
            when,
            "张先生",
            "13800138000",
            tree.a.building.name,
            "噪音扰民",
            f"夜间施工噪音{i}",
            "一般",
        ]
        for i in range(9)
    ]
    rows.append(
        ["2026120799", when, "李女士", "13900139000", "某某大院", "环境卫生", "楼下垃圾无人清运", "一般"]
    )
    return (HEADER + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8")


def _street_rates(page, street) -> dict:
    page.goto("/hotline/rates/?level=street")
    row = page.locator(f"#rates-table tr[data-key='{street.path}']")
    return {
        r: row.locator(f"td[data-rate={r}] .rate").inner_text()
        for r in ("response", "resolution", "satisfaction")
    }


def test_dispatch_file_to_satisfied_callback_moves_the_rates(
    page, login, live_server, tree, make_user, tmp_path
):
    from django.apps import apps

    for module in (
        "fangkong.policies.migrations.0002_defaults",
        "fangkong.hotline.migrations.0002_policies",
        "fangkong.hotline.migrations.0004_insight_policies",
    ):
        importlib.import_module(module).load(apps, None)
    make_user("street_coordinator", tree.street1, username="street", display_name="街道 刘洋")
    worker = make_user("community_worker", tree.a.community, username="handler", display_name="社工 张敏")
    make_user("hotline_operator", tree.district, username="operator", display_name="接线员 吴芳")
    unit = Unit.objects.create(area=tree.a.community, name="镇国寺社区居委会", kind=Unit.Kind.COMMUNITY)
    unit.members.add(worker)

    # The street imports the city's dispatch file: nine orders match community A, one waits in triage.
    login(page, "street")
    path = tmp_path / "派单.csv"
    path.write_bytes(_file(tree))
    page.goto("/hotline/import/")
    lookup_pick(page, "within", "卢沟桥", "卢沟桥街道")
    page.set_input_files("#import-form input[type=file]", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state()
    assert WorkOrder.objects.count() == 10
    triage = WorkOrder.objects.get(status=Status.TRIAGE)
    assert triage.city_number == "2026120799"
    before = _street_rates(page, tree.street1)
    assert before == {"response": "0.0%", "resolution": "—", "satisfaction": "—"}

    # Matched by hand from the triage list, then dispatched to community A's unit and handler.
    page.goto("/hotline/triage/")
    page.click(f"a[href='/hotline/orders/{triage.pk}/']")
    lookup_pick(page, "area", "镇国寺", "镇国寺社区")
    page.click("#match button[type=submit]")
    page.wait_for_url("**/hotline/triage/")  # back to the triage list, one order fewer
    triage.refresh_from_db()
    assert triage.status == Status.TO_DISPATCH and triage.area == tree.a.community
    assert page.locator(f"a[href='/hotline/orders/{triage.pk}/']").count() == 0
    page.goto(f"/hotline/orders/{triage.pk}/")
    lookup_pick(page, "unit", "镇国寺", "镇国寺社区居委会")
    lookup_pick(page, "handler", "张敏", "社工 张敏")
    page.click("#dispatch button[type=submit]")
    page.wait_for_load_state()
    triage.refresh_from_db()
    assert triage.status == Status.DISPATCHED

    # The community's handler replies and closes it as resolved.
    page.context.clear_cookies()
    login(page, "handler")
    page.goto(f"/hotline/orders/{triage.pk}/")
    page.click("#reply summary")
    page.fill("#reply textarea[name=reply]", "已联系物业当日清运，并增加清运频次。")
    page.click("#reply button[type=submit]")
    page.wait_for_selector("#close form")
    page.fill("#close textarea[name=reply]", "已联系物业当日清运，并增加清运频次。")
    page.select_option("#close select[name=outcome]", "resolved")
    page.click("#close button[type=submit]")
    page.wait_for_selector("#order-outcome")
    triage.refresh_from_db()
    assert triage.status == Status.CLOSED and triage.first_response_at is not None

    # The callback operator records "satisfied".
    page.context.clear_cookies()
    login(page, "operator")
    page.goto(f"/hotline/orders/{triage.pk}/")
    page.check("#rate input[name=rating][value=satisfied]")
    page.click("#rate button[type=submit]")
    page.wait_for_selector("#order-rating")
    triage.refresh_from_db()
    assert triage.rating == "satisfied"

    # The three rates on the street's page changed, and each figure opens its orders.
    page.context.clear_cookies()
    login(page, "street")
    after = _street_rates(page, tree.street1)
    assert after == {"response": "10.0%", "resolution": "100.0%", "satisfaction": "100.0%"}
    cell = page.locator(f"#rates-table tr[data-key='{tree.street1.path}'] td[data-rate=response]")
    assert cell.locator("a[data-counter=responded_on_time]").inner_text() == "1"
    cell.locator("a[data-counter=den]").click()
    page.wait_for_selector("#behind-count")
    assert re.search(r"10", page.locator("#behind-count").inner_text())
    assert page.locator("#behind-orders tr[data-order]").count() == 10
