"""The dispatch board, as rendered: urgent and overdue requests first across the whole board, vulnerable
households first across buildings, and each "assign to" box on the member whose team's duty the request
is (nobody where no team matches)."""

import re

from django.urls import reverse

from fangkong.support import selectors
from fangkong.support.models import Request


def _rows(html: str) -> dict[int, str]:
    return {
        int(m.group(2)): m.group(0)
        for m in re.finditer(r'<tr class="([^"]*)" data-request="(\d+)">.*?</tr>', html, re.S)
    }


def _order(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-request="(\d+)"', html)]


def _selected(row: str) -> str:
    m = re.search(r'<option value="(\d*)" selected>', row)
    assert m, row
    return m.group(1)


def test_board_orders_urgent_and_overdue_first_then_vulnerable_across_buildings(client, board):
    client.force_login(board.lead)
    html = client.get(reverse("support:board", args=[board.closure.pk])).content.decode()
    r = board.reqs
    assert _order(html) == [
        r["urgent"].pk,  # urgent, in building 2
        r["overdue"].pk,  # overdue, in building 1: before building 2's other requests
        r["vulnerable"].pk,  # a vulnerable household: its building comes first
        r["plain"].pk,
        r["talk"].pk,
    ]
    attention = html[html.index('id="board-attention"') : html.index('data-building="')]
    assert _order(attention) == [r["urgent"].pk, r["overdue"].pk]
    rows = _rows(html)
    assert "urgent" in rows[r["urgent"].pk].split(">")[0] and "badge-urgent" in rows[r["urgent"].pk]
    assert "overdue" in rows[r["overdue"].pk].split(">")[0] and "overdue-mark" in rows[r["overdue"].pk]
    assert "vulnerable" in rows[r["vulnerable"].pk].split(">")[0]
    first_building = re.search(r'data-building="(\d+)"', html).group(1)
    assert first_building == str(board.b2.pk)


def test_board_preselects_the_member_whose_team_does_the_job(client, board):
    client.force_login(board.lead)
    html = client.get(reverse("support:board", args=[board.closure.pk])).content.decode()
    rows, r = _rows(html), board.reqs
    assert _selected(rows[r["urgent"].pk]) == str(board.lead_member.pk)  # medicine team's lead
    assert _selected(rows[r["plain"].pk]) == str(board.shopper.pk)  # groceries: supplies team
    assert _selected(rows[r["overdue"].pk]) == str(board.cleaner.pk)  # rubbish: disinfection team
    assert _selected(rows[r["talk"].pk]) == ""  # no member in the requests team: nobody
    # Submitting the untouched "nobody" box assigns nobody.
    resp = client.post(reverse("support:request-assign", args=[r["talk"].pk]), {"member": ""}, follow=True)
    assert resp.status_code == 200
    assert Request.objects.get(pk=r["talk"].pk).assignee_id is None


def test_default_members_follow_the_teams_duty(board):
    members = list(selectors.members_of(board.closure))
    d = selectors.default_members(members)
    assert d["urgent_medical"] == d["medicine"] == board.lead_member
    assert d["groceries"] == board.shopper and d["rubbish"] == board.cleaner
    assert d["psychological"] is None and d["other"] is None


def test_board_selector_puts_attention_rows_first(board):
    data = selectors.board(viewer=board.lead, closure=board.closure)
    r = board.reqs
    assert [x.pk for x in data["attention"]] == [r["urgent"].pk, r["overdue"].pk]
    assert [b["id"] for b in data["buildings"]] == [board.b2.pk, board.tree.a.building.pk]
