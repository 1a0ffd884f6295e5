"""The menu by role (issue 19): grouped by domain, at most eight groups, every entry opens for the one who
sees it, and no entry meant for another role (the leadership has no deliveries to run)."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from fangkong.accounts.demo import DEMO_USERS
from fangkong.accounts.models import User
from fangkong.core import menu
from fangkong.core.tests.test_walk import demo  # noqa: F401  (the seeded demo district, once per module)

pytestmark = pytest.mark.django_db

MAX_GROUPS = 8


def _menu(client: Client, lang: str = "zh-hans"):
    """(groups, links) of the menu on the home page: each group's title, each entry's url name and href."""
    # follow: a role with a landing page (gate, runner, leadership) is sent on from home
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=lang, follow=True).content.decode()
    nav = lxml.html.fromstring(html).get_element_by_id("nav")
    groups = nav.xpath("./ul[@class='menu']/li")
    links = [(a.get("data-nav"), a.get("href")) for a in nav.iter("a")]
    return groups, links


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_every_role_has_a_short_menu_of_pages_it_may_open(demo):  # noqa: F811
    seen_counts = {}
    for username, _name, role, _where in DEMO_USERS:
        user = User.objects.get(username=username)
        client = _client(user)
        groups, links = _menu(client)
        assert links, f"{username} sees an empty menu"
        assert len(groups) <= MAX_GROUPS, (username, len(groups))
        assert len(links) == len({n for n, _h in links}), f"{username}: an entry twice"
        seen_counts[role] = (len(groups), len(links))
        for name, href in links:
            resp = client.get(href)
            assert resp.status_code == 200, f"{username} ({role}): {name} {href} answers {resp.status_code}"
    # The administrator has every domain: all eight groups, and many more entries than groups.
    groups, entries = seen_counts["district_admin"]
    assert groups == MAX_GROUPS and entries > 2 * groups
    # The gate volunteer's day is the gate: a few groups, not the district's.
    assert seen_counts["gate_volunteer"][0] <= 3
    print(seen_counts)


def test_entries_meant_for_other_roles_are_not_shown(demo):  # noqa: F811
    role_bound = {e.url_name: e.roles for e in menu.ENTRIES.values() if e.roles}
    assert {"support:runner", "observation:care-daily"} <= set(role_bound)
    for username, _name, role, _where in DEMO_USERS:
        _groups, links = _menu(_client(User.objects.get(username=username)))
        names = {n for n, _h in links}
        for url_name, roles in role_bound.items():
            assert (url_name in names) == (role in roles), (username, role, url_name)
    _groups, links = _menu(_client(User.objects.get(username="leader")))
    leader = {n for n, _h in links}
    assert not leader & {"support:runner", "observation:care-daily"}
    assert "briefing:dashboard" in leader
    _groups, links = _menu(_client(User.objects.get(username="grid_zgs1")))
    assert {"support:runner", "observation:care-daily"} <= {n for n, _h in links}


def test_the_menu_is_grouped_and_marks_where_you_are(demo):  # noqa: F811
    client = _client(User.objects.get(username="district_admin"))
    html = client.get(reverse("gates:scan-list")).content.decode()
    nav = lxml.html.fromstring(html).get_element_by_id("nav")
    gates = nav.xpath(".//li[@data-group='gates']")[0]
    assert "current" in gates.get("class")
    assert gates.xpath(".//a[@aria-current='page']")[0].get("data-nav") == "gates:scan-list"
    # A group of several entries folds behind its title; every entry is still a plain link.
    assert gates.xpath("./details/summary")[0].text_content().strip() == "卡口与值守"
    titles = [s.text_content().strip() for s in nav.xpath(".//summary")]
    assert titles == [
        "居民与属地",
        "卡口与值守",
        "观察",
        "核酸与流调",
        "封闭管理",
        "接诉即办",
        "通报",
        "系统",
    ]


def test_filters_say_all_instead_of_dashes(demo):  # noqa: F811
    """Every list in the administrator's menu: an empty choice reads 全部, never '---------'."""
    client = _client(User.objects.get(username="district_admin"))
    _groups, links = _menu(client)
    with_filters = 0
    for name, href in links:
        html = client.get(href).content.decode()
        assert "---------" not in html, f"{name} {href} shows '---------'"
        if 'id="filters"' in html and "<select" in html:
            with_filters += 1
            assert "全部" in html, name
    assert with_filters >= 5


def test_registering_again_replaces_the_entry():
    before = dict(menu.ENTRIES)
    try:
        menu.register("system", "x", "core:change-list", "core.view_changelog", order=1)
        menu.register("system", "y", "core:change-list", "core.view_changelog", order=1)
        assert [e.label for e in menu.ENTRIES.values() if e.url_name == "core:change-list"] == ["y"]
    finally:
        menu.ENTRIES.clear()
        menu.ENTRIES.update(before)


def test_statuses_are_badges_and_overdue_rows_stand_out(demo):  # noqa: F811
    """A list's status column reads as a coloured badge, and an overdue or urgent request's row is flagged."""
    from django.utils import translation

    from fangkong.support.models import Request

    client = _client(User.objects.get(username="district_admin"))
    doc = lxml.html.fromstring(client.get(reverse("support:request-list")).content.decode())
    labels = dict(Request._meta.get_field("state").choices)
    badges = doc.xpath("//table//span[contains(concat(' ', @class, ' '), ' badge ')]")
    assert badges
    with translation.override("zh-hans"):
        for b in badges:
            assert b.get("data-status") in labels and b.text_content() == str(labels[b.get("data-status")])
    requests = {str(r.pk): r for r in Request.objects.all()}
    flagged = {
        tr.xpath("./td[1]")[0].text_content().strip(): tr.get("data-flag")
        for tr in doc.xpath("//tr[@data-flag]")
    }
    assert "overdue" in " ".join(flagged.values())
    for pk, flags in flagged.items():
        r = requests[pk]
        assert set(flags.split()) == {f for f, on in (("overdue", r.overdue), ("urgent", r.urgent)) if on}
    plain = [tr for tr in doc.xpath("//table/tbody/tr[not(@data-flag)]")]
    assert all(not requests[tr.xpath("./td[1]")[0].text_content().strip()].overdue for tr in plain)
