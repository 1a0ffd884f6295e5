"""The type-to-search choice in Chromium: type initials, pick a resident, the list filters by that id."""

import pytest

from fangkong.gates.tests.factories import make_pass
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.browser


def test_pick_a_resident_by_typing(page, login, tree, make_user):
    zhang = make_person(tree.a.household, name="张三丰", name_initials="zsf")
    li = make_person(tree.a.household, name="李四", name_initials="ls")
    other = make_person(tree.b.household, name="张三乙", name_initials="zsy")
    make_pass(tree.a.household, person=zhang)
    make_pass(tree.a.household, person=li)
    make_user("community_worker", tree.a.community, username="wang")

    login(page, "wang")
    page.goto("/gates/passes/")
    box = page.locator(".lookup[data-lookup=person] input[type=search]")
    box.fill("zs")
    page.wait_for_selector(".lookup-option")
    options = page.locator(".lookup-option").all_inner_texts()
    assert any(o.startswith("张三丰") for o in options) and not any(other.name in o for o in options)
    page.click(".lookup-option >> text=张三丰")
    assert page.locator(".lookup[data-lookup=person] input[type=hidden]").first.input_value() == str(zhang.pk)
    page.click("#filters button[type=submit]")
    page.wait_for_url(lambda url: f"person={zhang.pk}" in url)
    body = page.locator("table").inner_text()
    assert "张三丰" in body and "李四" not in body
    # re-rendered with the chosen value: its label, not a bare id
    assert "张三丰" in page.locator(".lookup[data-lookup=person] .lookup-chosen").inner_text()
