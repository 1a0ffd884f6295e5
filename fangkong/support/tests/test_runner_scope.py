"""A runner's sync (API and page) looks requests up among what the runner may act on: another community's
request answers exactly like a missing one (no name of its staff, no hint that the id exists)."""

import pytest
from django.urls import reverse

from fangkong.support import services


@pytest.fixture
def other(closed, make_user):
    """Community B closed too, with a request assigned to its grid member 陈静."""
    tree = closed.tree
    worker = make_user("community_worker", tree.b.community)
    closure = services.closure_declare(actor=worker, area=tree.b.community, reason="封闭管理")
    member = services.team_member_add(
        actor=worker,
        team=closure.teams.get(kind="medicine"),
        user=make_user("grid_member", tree.b.community),
        name="网格员 陈静",
    )
    req = services.request_create(actor=None, household=tree.b.household, kind="medicine", source="phone")
    services.request_assign(actor=worker, request=req, member=member)
    return req


def _missing_id(other):
    return other.pk + 10_000


def test_service_answers_another_communitys_request_like_a_missing_one(closed, other):
    answers = services.runner_sync(
        actor=closed.runner_user,
        items=[
            {"client_id": "x1", "request": other.pk, "action": "card_collected"},
            {"client_id": "x2", "request": _missing_id(other), "action": "card_collected"},
        ],
    )
    assert answers[0]["status"] == answers[1]["status"] == "rejected"
    assert answers[0]["message"] == answers[1]["message"]
    assert "陈静" not in answers[0]["message"]
    assert not other.steps.filter(step="card_collected").exists()


def test_api_sync_answers_another_communitys_request_like_a_missing_one(api, closed, other):
    api.as_user(closed.runner_user)
    bodies = [
        {"actions": [{"client_id": "a1", "request": rid, "action": "card_collected"}]}
        for rid in (other.pk, _missing_id(other))
    ]
    got = [api.post("/api/support/requests/sync/", b, format="json").json()["results"][0] for b in bodies]
    assert got[0]["message"] == got[1]["message"] and got[0]["status"] == "rejected"
    assert "陈静" not in str(got[0])


def test_page_sync_answers_another_communitys_request_like_a_missing_one(client, closed, other):
    client.force_login(closed.runner_user)
    got = []
    for rid in (other.pk, _missing_id(other)):
        resp = client.post(
            reverse("support:runner-sync"),
            {"client_id": f"p{rid}", "request": rid, "action": "card_collected"},
            content_type="application/json",
        )
        got.append(resp.json()["results"][0])
    assert got[0]["message"] == got[1]["message"] and got[0]["status"] == "rejected"
    assert "陈静" not in resp.content.decode()


def test_own_community_request_of_someone_else_still_says_whose(closed, make_user):
    """Inside the runner's community the refusal stays helpful: it names the colleague."""
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    services.request_assign(actor=closed.lead, request=req, member=closed.lead_member)
    ans = services.runner_sync(
        actor=closed.runner_user, items=[{"client_id": "o1", "request": req.pk, "action": "card_collected"}]
    )
    assert ans[0]["status"] == "rejected" and closed.lead_member.name in ans[0]["message"]
