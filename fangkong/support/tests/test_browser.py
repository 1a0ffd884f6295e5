"""The issue's browser test: close a community; a resident files a medicine request from the phone page;
the medicine lead assigns it; the runner takes it through card pickup → purchase → delivery on a
phone-sized page; the resident confirms; the closure's figures change accordingly."""

import pytest
from faker import Faker

from fangkong.core.testing import lookup_pick
from fangkong.support.models import Closure, Request

pytestmark = pytest.mark.browser

PHONE = {"locale": "zh-CN", "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_closure_medicine_line_end_to_end(page, login, live_server, tree, make_user):
    from fangkong.people import services as people

    make_user("community_worker", tree.a.community, username="lead", display_name="社工 张敏")
    make_user("grid_member", tree.a.community, username="runner", display_name="网格员 陈静")
    people.person_create(
        actor=None,
        household=tree.a.household,
        name="王秀英",
        id_number=Faker("zh_CN").ssn(),
        phone="13800138000",
    )

    # The community worker closes the community and puts the runner in the medicine team.
    login(page, "lead")
    page.goto("/support/closures/declare/")
    lookup_pick(page, "area", "镇国寺", "镇国寺社区")
    page.fill("#id_reason", "新发地关联病例，3时起封闭管理")
    page.fill("#id_duty_phone", "010-63800000")
    page.click("#main-form button[type=submit]")
    page.wait_for_selector("#teams")
    closure = Closure.objects.get()
    assert page.locator("#teams [data-team]").count() == 7
    assert page.locator("#n-affected").inner_text() == "1"
    page.select_option("#id_team", "medicine")
    lookup_pick(page, "user", "runner", "网格员 陈静")
    page.click("#member-form button[type=submit]")
    page.wait_for_selector("#teams [data-team=medicine] >> text=网格员 陈静")
    page.goto(f"/support/closures/{closure.pk}/figures/")
    assert page.locator("#f-medicine").inner_text() == "0"
    page.goto(f"/support/closures/{closure.pk}/households/")
    link = page.locator(".household-link").first.get_attribute("href")

    # The resident's phone: the household's signed link, no account.
    resident = page.context.browser.new_context(base_url=live_server.url, **PHONE)
    rp = resident.new_page()
    rp.goto(link)
    rp.check("input[name=kind][value=medicine]")
    rp.fill("#id_note", "硝苯地平控释片 两盒")
    rp.click("#send-request")
    rp.wait_for_selector("#my-requests [data-state=new]")
    req = Request.objects.get()
    assert req.kind == "medicine" and req.source == "resident"

    # The medicine lead assigns it from the board.
    page.goto(f"/support/closures/{closure.pk}/board/")
    row = page.locator(f"tr[data-request='{req.pk}']")
    member = closure.teams.get(kind="medicine").members.get(user__username="runner")
    row.locator("select[name=member]").select_option(str(member.pk))
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert Request.objects.get(pk=req.pk).state == "assigned"

    # The runner's phone: card pickup → purchase → delivery.
    runner_ctx = page.context.browser.new_context(base_url=live_server.url, **PHONE)
    runner = runner_ctx.new_page()
    login(runner, "runner")
    runner.goto("/support/runner/")
    task = runner.locator(f".task[data-request='{req.pk}']")
    for step in ("card_collected", "purchased", "delivered"):
        task.locator(f".step-button[data-step={step}]").click()
        runner.wait_for_selector(
            f".task[data-request='{req.pk}'] .step-button:not([data-step={step}]), "
            f".task[data-request='{req.pk}'][data-state=delivered]"
        )
        task = runner.locator(f".task[data-request='{req.pk}']")
    assert task.get_attribute("data-state") == "delivered"
    assert list(req.steps.order_by("at", "id").values_list("step", flat=True)) == [
        "registered",
        "card_collected",
        "purchased",
        "delivered",
    ]
    runner_ctx.close()

    # The resident confirms receipt and rates.
    rp.goto(link)
    card = rp.locator(f"#my-requests [data-request='{req.pk}']")
    card.locator("select[name=rating]").select_option("5")
    card.locator(".confirm-button").click()
    rp.wait_for_selector(f"#my-requests [data-request='{req.pk}'][data-state=confirmed]")
    resident.close()
    req.refresh_from_db()
    assert req.state == "confirmed" and req.rating == 5

    # The closure's figures moved.
    page.goto(f"/support/closures/{closure.pk}/figures/")
    assert page.locator("#f-medicine").inner_text() == "1"
    assert page.locator("#f-delivered").inner_text() == "1"
    assert page.locator("#f-same-day").inner_text() == "100%"
    assert page.locator("#f-states [data-state=confirmed]").inner_text().endswith("1")
    page.wait_for_selector("#support-chart[data-ready='1']")


def _board_stands_out(page, login, board):
    """Urgent and overdue rows are coloured apart from the others, come first, and the page does not
    scroll sideways."""
    login(page, "lead")
    page.goto(f"/support/closures/{board.closure.pk}/board/")
    first = page.locator("tr[data-request]").first
    assert first.get_attribute("data-request") == str(board.reqs["urgent"].pk)

    def colour(kind):
        row = page.locator(f"tr[data-request='{board.reqs[kind].pk}']")
        return row.evaluate(
            "r => [getComputedStyle(r).backgroundColor, getComputedStyle(r.cells[0]).backgroundColor]"
        )

    plain, urgent, overdue = colour("plain"), colour("urgent"), colour("overdue")
    assert urgent != plain and overdue != plain and urgent != overdue, (plain, urgent, overdue)
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width


def test_board_urgent_and_overdue_rows_stand_out_on_a_phone(phone_page, login, board):
    _board_stands_out(phone_page, login, board)


def test_board_urgent_and_overdue_rows_stand_out_on_a_desktop(page, login, board):
    _board_stands_out(page, login, board)
