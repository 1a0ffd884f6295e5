import json

import pytest
from django.urls import reverse

from fangkong.core.testing import pdf_facts
from fangkong.support import selectors, services
from fangkong.support.models import Closure, Request, RequestState


@pytest.fixture(autouse=True)
def _english_pages(settings):
    """Messages are asserted in English here (the default language is Chinese)."""
    settings.LANGUAGE_CODE = "en"


def _login(client, user):
    from fangkong.accounts.services import user_set_language

    user_set_language(user=user, language="en")
    client.force_login(user)


def _english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the resident page reads Chinese by default


def _link(closed):
    return reverse(
        "support:household", args=[selectors.household_token(closed.closure, closed.tree.a.household)]
    )


def test_closure_declared_from_the_page_opens_teams(client, tree, make_user):
    worker = make_user("community_worker", tree.b.community)
    _login(client, worker)
    assert client.get(reverse("support:closure-declare")).status_code == 200
    resp = client.post(
        reverse("support:closure-declare"),
        {
            "area": tree.b.community.pk,
            "reason": "封闭管理",
            "start": "2026-06-13T03:00",
            "name": "宛平城封闭",
        },
    )
    closure = Closure.objects.get(name="宛平城封闭")
    assert resp.status_code == 302 and closure.teams.count() == 7
    page = client.get(closure.get_absolute_url()).content.decode()
    assert "宛平城封闭" in page and 'id="teams"' in page
    # another community's area is not a choice
    resp = client.post(
        reverse("support:closure-declare"),
        {"area": tree.c.community.pk, "reason": "x", "start": "2026-06-13T03:00"},
    )
    assert resp.status_code == 400


def test_resident_files_sees_and_confirms_from_the_link(client, closed):
    _english(client)
    url = _link(closed)
    page = client.get(url)
    assert page.status_code == 200 and "request-form" in page.content.decode()
    resp = client.post(url, {"kind": "medicine", "note": "降压药", "client_id": "phone-1"})
    assert resp.status_code == 302
    client.post(url, {"kind": "medicine", "note": "降压药", "client_id": "phone-1"})  # a double tap
    req = Request.objects.get()
    assert req.source == "resident" and req.note == "降压药"
    # not delivered yet: confirming is refused with a message
    resp = client.post(url, {"confirm": req.pk, "rating": "5"}, follow=True)
    assert "not been delivered" in resp.content.decode()
    services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    for step in ("card_collected", "purchased", "delivered"):
        services.step_record(actor=closed.runner_user, request=req, step=step)
    resp = client.post(url, {"confirm": req.pk, "rating": "4"}, follow=True)
    req.refresh_from_db()
    assert req.state == RequestState.CONFIRMED and req.rating == 4
    assert "Thank you" in resp.content.decode()


def test_forged_and_expired_links_say_so(client, closed, monkeypatch):
    _english(client)
    resp = client.get(_link(closed)[:-3] + "xx/")
    assert resp.status_code == 404 and "not valid" in resp.content.decode()
    resp = client.post(_link(closed)[:-3] + "xx/", {"kind": "medicine"})
    assert resp.status_code == 404 and not Request.objects.exists()
    monkeypatch.setattr(selectors, "LINK_MAX_AGE", -1)
    resp = client.get(_link(closed))
    assert resp.status_code == 410 and "expired" in resp.content.decode()


def test_quick_entry_finds_the_household_by_phone_and_saves(client, closed, make_user):
    operator = make_user("hotline_operator", closed.tree.district)
    _login(client, operator)
    page = client.get(reverse("support:quick-entry"), {"phone": "138 0013 8000"}).content.decode()
    assert "王秀英" in page and f'value="{closed.tree.a.household.pk}"' in page
    resp = client.post(
        reverse("support:quick-entry"),
        {
            "household": closed.tree.a.household.pk,
            "kind": "groceries",
            "note": "米面油",
            "client_id": "call-1",
        },
    )
    assert resp.status_code == 302
    assert Request.objects.get().source == "phone"


def test_board_assign_and_runner_steps(client, closed, make_user):
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    _login(client, closed.lead)
    board = client.get(reverse("support:board", args=[closed.closure.pk])).content.decode()
    assert f'data-request="{req.pk}"' in board
    client.post(reverse("support:request-assign", args=[req.pk]), {"member": closed.runner.pk})
    assert Request.objects.get(pk=req.pk).assignee_id == closed.runner.pk
    # a runner acting on someone else's task gets a clear refusal
    other = make_user("grid_member", closed.tree.a.community, username="other")
    services.team_member_add(actor=None, team=closed.closure.teams.get(kind="parcels"), user=other)
    _login(client, other)
    resp = client.post(
        reverse("support:runner-act", args=[req.pk]), {"action": "card_collected"}, follow=True
    )
    assert "assigned to" in resp.content.decode() and Request.objects.get(pk=req.pk).steps.count() == 1
    _login(client, closed.runner_user)
    page = client.get(reverse("support:runner")).content.decode()
    assert f'data-request="{req.pk}"' in page
    client.post(reverse("support:runner-act", args=[req.pk]), {"action": "card_collected", "client_id": "x1"})
    body = {
        "actions": [
            {"client_id": "x2", "request": req.pk, "action": "purchased"},
            {"client_id": "x3", "request": req.pk, "action": "delivered"},
        ]
    }
    resp = client.post(reverse("support:runner-sync"), json.dumps(body), content_type="application/json")
    assert [r["status"] for r in resp.json()["results"]] == ["ok", "ok"]
    resp = client.post(reverse("support:runner-sync"), json.dumps(body), content_type="application/json")
    assert [r["status"] for r in resp.json()["results"]] == ["duplicate", "duplicate"]
    resp = client.post(reverse("support:runner-act", args=[req.pk]), {"action": "delivered"}, follow=True)
    assert "already recorded" in resp.content.decode()
    assert Request.objects.get(pk=req.pk).state == RequestState.DELIVERED
    bad = client.post(reverse("support:runner-sync"), "not json", content_type="application/json")
    assert bad.status_code == 400


def test_closure_ended_with_open_requests_says_they_stay(client, closed):
    services.request_create(actor=None, household=closed.tree.a.household, kind="rubbish", source="phone")
    _login(client, closed.lead)
    resp = client.post(
        reverse("support:closure-end", args=[closed.closure.pk]), {"reason": "解封"}, follow=True
    )
    assert "still open" in resp.content.decode()
    board = client.get(reverse("support:board", args=[closed.closure.pk])).content.decode()
    assert "has ended" in board and "data-request=" in board


def test_figures_page_and_data(client, closed, make_user):
    services.request_create(actor=None, household=closed.tree.a.household, kind="medicine", source="phone")
    leader = make_user("leadership_viewer", closed.tree.district)
    _login(client, leader)
    assert client.get(reverse("support:closure-list")).status_code == 200
    page = client.get(reverse("support:figures", args=[closed.closure.pk])).content.decode()
    assert 'id="f-medicine">1<' in page
    data = client.get(reverse("support:figures-data", args=[closed.closure.pk])).json()
    assert data["days"][-1]["medicine_orders"] == 1
    assert client.get(reverse("support:request-list")).status_code == 403  # figures, not residents' requests


def test_request_list_export_and_overdue_filter(client, closed):
    services.request_create(actor=None, household=closed.tree.a.household, kind="medicine", source="phone")
    _login(client, closed.lead)
    resp = client.get(reverse("support:request-list"), {"export": "xlsx"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(reverse("support:request-list"), {"overdue": "true"}).status_code == 200


def test_knocks_supplies_and_picking_list(client, closed):
    from fangkong.areas.models import Place

    _login(client, closed.lead)
    url = reverse("support:knocks", args=[closed.closure.pk])
    client.post(url)
    page = client.get(url).content.decode()
    knock = closed.closure.knocks.get()
    assert f'data-knock="{knock.pk}"' in page
    client.post(
        reverse("support:knock-record", args=[knock.pk]), {"outcome": "needs", "needs": ["groceries"]}
    )
    assert Request.objects.filter(source="door_knock").count() == 1
    cp = Place.objects.create(area=closed.tree.a.community, kind=Place.Kind.CHECKPOINT, name="东门卡口")
    closed.closure.checkpoints.add(cp)
    sup = reverse("support:supplies", args=[closed.closure.pk])
    client.post(sup, {"form": "lot", "checkpoint": cp.pk, "item": "蔬菜包", "quantity": 5})
    resp = client.post(
        sup,
        {
            "form": "distribution",
            "checkpoint": cp.pk,
            "building": closed.tree.a.building.pk,
            "item": "蔬菜包",
            "quantity": 9,
        },
    )
    assert resp.status_code == 400 and "Only 5" in resp.content.decode()
    client.post(
        sup,
        {
            "form": "distribution",
            "checkpoint": cp.pk,
            "building": closed.tree.a.building.pk,
            "item": "蔬菜包",
            "quantity": 5,
        },
    )
    pdf = client.get(reverse("support:picking-list", args=[closed.closure.pk, closed.tree.a.building.pk]))
    facts = pdf_facts(pdf.content)
    assert "拣货单" in facts["text"] and "蔬菜包" in facts["text"] and all(facts["fonts"].values())


@pytest.mark.parametrize(
    "name", ["support:closure-list", "support:request-list", "support:quick-entry", "support:runner"]
)
def test_pages_open_for_a_community_worker(client, tree, make_user, name):
    _login(client, make_user("community_worker", tree.a.community))
    assert client.get(reverse(name)).status_code == 200


def test_board_batches_a_building_to_one_runner(client, closed):
    for kind in ("groceries", "parcels"):
        services.request_create(actor=None, household=closed.tree.a.household, kind=kind, source="phone")
    _login(client, closed.lead)
    board = client.get(reverse("support:board", args=[closed.closure.pk])).content.decode()
    assert f'data-building="{closed.tree.a.building.pk}"' in board
    resp = client.post(
        reverse("support:batch-assign", args=[closed.closure.pk]),
        {"building": closed.tree.a.building.pk, "member": closed.runner.pk},
        follow=True,
    )
    assert "2 requests" in resp.content.decode()
    assert set(Request.objects.values_list("assignee_id", flat=True)) == {closed.runner.pk}
