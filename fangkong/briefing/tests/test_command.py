"""The command screen (指挥大屏): today's figures follow the gates within a minute, scoped to the
viewer's communities, figures-only roles get counts and no names."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fangkong.briefing import live
from fangkong.gates import services as gate_services
from fangkong.gates.tests.factories import make_gate, resident
from fangkong.people.models import Person

pytestmark = pytest.mark.django_db

DATA = "/briefing/command/data/"


def _figure(data, key):
    return next(f for s in data["sections"] for f in s["figures"] if f["key"] == key)


def _refuse(area, name="钱八"):
    gate = make_gate(area)
    _p, number = resident(area.children.first() or area, return_status=Person.Return.NOT_RETURNED, name=name)
    gate_services.scan_record(actor=None, place=gate, code=number)


class _Later:
    """django.utils.timezone as the live selector sees it, `seconds` later."""

    def __init__(self, seconds):
        self.seconds = seconds

    def now(self):
        return timezone.now() + datetime.timedelta(seconds=self.seconds)

    def __getattr__(self, name):
        return getattr(timezone, name)


def test_today_follows_a_new_gate_refusal_within_a_minute(client, tree, make_user, monkeypatch):
    client.force_login(make_user("community_worker", tree.a.community))
    page = client.get("/briefing/command/").content.decode()
    assert f'data-url="{DATA}"' in page and 'data-refresh="60"' in page
    before = client.get(DATA).json()
    refusals = _figure(before, "gates.refusals")["value"]
    at = datetime.datetime.fromisoformat(before["at"])
    assert before["as_of"] == timezone.localtime(at).strftime("%H:%M")  # "data as of hh:mm"

    _refuse(tree.a.household)
    # A minute later the cached figures are stale: the screen recomputes them.
    monkeypatch.setattr(live, "timezone", _Later(60))
    after = client.get(DATA).json()
    assert _figure(after, "gates.refusals")["value"] == refusals + 1
    assert datetime.datetime.fromisoformat(after["at"]) - at >= datetime.timedelta(seconds=60)
    # The community's dot on the map counts it too, and the list behind the figure shows it.
    (a,) = after["communities"]
    assert a["id"] == tree.a.community.pk and a["values"]["gates.refusals"] == refusals + 1
    link = _figure(after, "gates.refusals")["link"]
    assert link and "钱八" in client.get(link).content.decode()


def test_a_community_worker_sees_nothing_of_other_communities(client, tree, make_user):
    _refuse(tree.b.household, name="赵乙")
    _refuse(tree.c.household, name="孙丙")
    client.force_login(make_user("community_worker", tree.a.community))
    data = client.get(DATA).json()
    text = client.get(DATA).content.decode("unicode_escape")
    assert [c["id"] for c in data["communities"]] == [tree.a.community.pk]
    assert _figure(data, "gates.refusals")["value"] == 0
    for other in (tree.b.community.name, tree.c.community.name, "赵乙", "孙丙"):
        assert other not in text
    # A figure that is zero in every community is not offered for the map; a change of zero is not coloured.
    for m in data["metrics"]:
        assert any(c["values"][m["key"]] for c in data["communities"])
    assert "gates.refusals" not in [m["key"] for m in data["metrics"]]
    assert all(f["tone"] == "" for s in data["sections"] for f in s["figures"] if not f["change"])


def test_figures_only_roles_see_counts_never_names(client, tree, make_user):
    _refuse(tree.a.household, name="周丁")
    _refuse(tree.c.household, name="吴戊")
    client.force_login(make_user("leadership_viewer", tree.district))
    resp = client.get(DATA)
    data, text = resp.json(), resp.content.decode("unicode_escape")
    assert _figure(data, "gates.refusals")["value"] == 2
    assert {c["id"] for c in data["communities"]} == {
        tree.a.community.pk,
        tree.b.community.pk,
        tree.c.community.pk,
    }
    assert "周丁" not in text and "吴戊" not in text
    # No figure links to a list the role may not open: every link offered opens and names nobody.
    links = [f["link"] for s in data["sections"] for f in s["figures"] if f["link"]]
    links += [m["link"] for m in data["metrics"] if m["link"]]
    for link in links:
        page = client.get(link)
        assert page.status_code == 200, link
        assert "周丁" not in page.content.decode() and "吴戊" not in page.content.decode()
    assert _figure(data, "gates.refusals")["link"] is None


def test_viewers_without_figures_are_refused(client, tree, make_user):
    client.force_login(make_user("gate_volunteer", tree.a.community))
    assert client.get(DATA).status_code == 403
    assert client.get("/briefing/command/").status_code == 403
