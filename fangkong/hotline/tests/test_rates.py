"""The three rates: one definition (services/rates.contribution), maintained in the rollup, equal to a
rebuild from the orders, and the list behind every figure has exactly the figure's count."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from fangkong.hotline import rates
from fangkong.hotline.models import Dispatch, RateContribution, RateRollup, Status, Unit, WorkOrder
from fangkong.hotline.models_insight import COUNTERS
from fangkong.hotline.services import contribution, rates_rebuild, rates_refresh

from .factories import make_order

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _rollup() -> dict:
    return {
        (r.day, r.area_path, r.handler_id): tuple(getattr(r, c) for c in COUNTERS)
        for r in RateRollup.objects.all()
        if any(getattr(r, c) for c in COUNTERS)
    }


def _orders(tree, make_user):
    """A mix: in time, late, closed resolved/explained, rated each way, in triage at the street."""
    handler = make_user("community_worker", tree.a.community)
    unit = Unit.objects.create(area=tree.a.community, name="A社区", kind=Unit.Kind.COMMUNITY)
    due = NOW - dt.timedelta(hours=1)
    specs = [
        (tree.a.household, dict(first_response_at=due - dt.timedelta(minutes=5), response_due=due)),
        (tree.a.household, dict(first_response_at=due + dt.timedelta(minutes=5), response_due=due)),
        (
            tree.a.building,
            dict(
                first_response_at=due - dt.timedelta(hours=2),
                response_due=due,
                status=Status.CLOSED,
                outcome="resolved",
                rating="satisfied",
                closed_at=NOW,
            ),
        ),
        (
            tree.a.community,
            dict(
                first_response_at=due - dt.timedelta(hours=2),
                response_due=due,
                status=Status.CLOSED,
                outcome="explained",
                rating="basically_satisfied",
                closed_at=NOW,
            ),
        ),
        (
            tree.b.household,
            dict(status=Status.CLOSED, outcome="resolved", rating="dissatisfied", closed_at=NOW),
        ),
        (tree.c.household, dict(first_response_at=NOW, response_due=None)),
        (tree.street1, dict(status=Status.TRIAGE)),
    ]
    orders = [make_order(area, received_at=NOW - dt.timedelta(hours=3), **extra) for area, extra in specs]
    Dispatch.objects.create(area=orders[0].area, order=orders[0], unit=unit, handler=handler)
    rates_refresh(order_ids=[o.pk for o in orders])
    return orders, handler


def test_contribution_definition():
    due = NOW
    base = dict(received_at=NOW, response_due=due, status=Status.DISPATCHED, outcome="", rating="")
    c = contribution(first_response_at=due, **base)
    assert (c["received"], c["responded_on_time"], c["responded_late"]) == (1, 1, 0)
    c = contribution(first_response_at=due + dt.timedelta(seconds=1), **base)
    assert (c["responded_on_time"], c["responded_late"]) == (0, 1)
    c = contribution(
        first_response_at=None,
        **{**base, "status": Status.CLOSED, "outcome": "resolved", "rating": "basically_satisfied"},
    )
    assert (c["closed"], c["resolved"], c["rated"], c["basically_satisfied"], c["satisfied"]) == (
        1,
        1,
        1,
        1,
        0,
    )
    c = contribution(first_response_at=None, **{**base, "status": Status.REOPENED, "outcome": "resolved"})
    assert (c["closed"], c["resolved"]) == (0, 0)


def test_rollup_equals_rebuild_after_changes(tree, make_user):
    orders, handler = _orders(tree, make_user)
    maintained = _rollup()
    assert sum(v[0] for v in maintained.values()) == len(orders)
    # a change: the triage order is matched to community B, answered late, closed, rated
    o = orders[-1]
    WorkOrder.objects.filter(pk=o.pk).update(
        area=tree.b.community,
        area_path=tree.b.community.path,
        status=Status.CLOSED,
        outcome="resolved",
        response_due=NOW - dt.timedelta(hours=2),
        first_response_at=NOW,
        rating="satisfied",
        closed_at=NOW,
    )
    # a reopened order leaves the closed counts
    WorkOrder.objects.filter(pk=orders[2].pk).update(status=Status.REOPENED)
    assert rates_refresh(order_ids=[o.pk, orders[2].pk, orders[0].pk]) == 2  # orders[0] did not change
    maintained = _rollup()
    assert rates_rebuild() == len(orders)
    assert _rollup() == maintained
    assert RateContribution.objects.count() == len(orders)


def test_ranking_rates_and_orders_behind_match(tree, make_user):
    orders, handler = _orders(tree, make_user)
    admin = make_user("district_admin", tree.district)
    day = timezone.localdate(NOW - dt.timedelta(hours=3))
    w = rates.weights()
    streets = {r["key"]: r for r in rates.ranking(viewer=admin, level="street", first=day, last=day)}
    s1 = streets[tree.street1.path]
    assert s1["received"] == 6 and s1["responded_on_time"] == 3 and s1["responded_late"] == 1
    assert s1["rates"]["response"] == pytest.approx((3 + w.late_response * 1) / 6)
    assert s1["rates"]["resolution"] == pytest.approx(2 / 3)
    assert s1["rates"]["satisfaction"] == pytest.approx((1 + w.basically_satisfied) / 3)
    for level in ("street", "community", "handler"):
        for row in rates.ranking(viewer=admin, level=level, first=day, last=day):
            within = "" if level == "handler" else row["key"]
            handler_id = row["key"] if level == "handler" else None
            for counter in COUNTERS:
                qs = rates.orders_behind(
                    viewer=admin, counter=counter, first=day, last=day, within=within, handler_id=handler_id
                )
                assert qs.count() == row[counter], (level, row["label"], counter)
    handlers = rates.ranking(viewer=admin, level="handler", first=day, last=day)
    assert [(r["key"], r["received"]) for r in handlers] == [(handler.pk, 1)]


def test_scope_limits_the_figures(tree, make_user):
    _orders(tree, make_user)
    worker = make_user("community_worker", tree.a.community)
    day = timezone.localdate(NOW - dt.timedelta(hours=3))
    rows = rates.ranking(viewer=worker, level="community", first=day, last=day)
    assert [r["key"] for r in rows] == [tree.a.community.path]
    assert rates.totals(viewer=worker, first=day, last=day)["received"] == 4
    assert rates.orders_behind(viewer=worker, counter="received", first=day, last=day).count() == 4


def test_pages_figure_links_reproduce_the_figure(client, tree, make_user):
    _orders(tree, make_user)
    coordinator = make_user("street_coordinator", tree.street1)
    client.force_login(coordinator)
    day = timezone.localdate(NOW - dt.timedelta(hours=3)).isoformat()
    page = client.get("/hotline/rates/", {"first": day, "last": day, "level": "community"})
    assert page.status_code == 200
    html = page.content.decode()
    links = re.findall(r'<a href="(/hotline/rates/orders/\?[^"]+)" data-counter="[^"]+">(\d+)</a>', html)
    assert len(links) >= 12
    for url, figure in links:
        listed = client.get(url.replace("&amp;", "&"))
        assert listed.status_code == 200
        count = int(re.search(r'id="behind-count">(\d+)', listed.content.decode()).group(1))
        assert count == int(figure), url
    data = client.get("/hotline/rates/data/", {"first": day, "last": day, "period": "week"}).json()
    assert data["received"] == [6]
    # another street's area id answers like a missing one
    assert client.get("/hotline/rates/", {"area": tree.c.community.pk}).status_code == 404
    assert client.get("/hotline/rates/orders/", {"area": tree.c.community.pk}).status_code == 404
    assert client.get("/hotline/rates/orders/", {"counter": "nonsense"}).status_code == 404
    assert client.get("/hotline/rates/", {"first": "2022-13-45"}).status_code == 200


def test_briefing_section_counts_and_ratios(tree, make_user):
    from fangkong.hotline import figures

    _orders(tree, make_user)
    day = timezone.localdate(NOW - dt.timedelta(hours=3))
    as_of = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    out = figures.compute(as_of, [tree.a.community, tree.b.community, tree.c.community])
    w = rates.weights()
    a = out[tree.a.community.pk]
    assert a["received"] == 4 and a["received_30"] == 4
    assert a["response_credit"] == pytest.approx(3 + w.late_response)
    assert (a["closed"], a["resolved"], a["rated"]) == (2, 1, 2)
    assert a["satisfaction_credit"] == pytest.approx(1 + w.basically_satisfied)
    assert out[tree.street1.pk]["received"] == 1  # the triage order counts under its street
    assert out[tree.c.community.pk]["received"] == 1
    section = figures.section()
    assert section.figure("satisfaction_rate").ratio == ("satisfaction_credit", "rated")


def test_rates_api(api, tree, make_user):
    _orders(tree, make_user)
    day = timezone.localdate(NOW - dt.timedelta(hours=3)).isoformat()
    api.as_user(make_user("street_coordinator", tree.street1))
    rows = api.get("/api/hotline/rates/", {"level": "community", "first": day, "last": day}).json()
    assert {r["key"] for r in rows} == {tree.a.community.path, tree.b.community.path}
    a = next(r for r in rows if r["key"] == tree.a.community.path)
    assert a["counts"]["received"] == 4 and a["resolution"] == pytest.approx(0.5)
    assert api.get("/api/hotline/rates/", {"first": "2022-02-30"}).status_code == 400
    assert api.get("/api/hotline/rates/", {"level": "planet"}).status_code == 400
    assert api.get("/api/hotline/rates/", {"first": "2022-02-01", "last": "2022-01-01"}).status_code == 400
    assert api.get("/api/hotline/rates/", {"area": tree.c.community.pk}).status_code == 404
    api.as_user(make_user("gate_volunteer", tree.a.community))
    assert api.get("/api/hotline/rates/").status_code == 403


def test_the_set_based_refresh_of_an_import_gives_the_same_rollup(tree, make_user, monkeypatch):
    from fangkong.hotline.services import rates as rates_services

    orders, _handler = _orders(tree, make_user)
    WorkOrder.objects.filter(pk=orders[1].pk).update(
        status=Status.CLOSED, outcome="resolved", rating="satisfied"
    )
    rates_refresh(order_ids=[orders[1].pk])
    maintained = _rollup()
    monkeypatch.setattr(rates_services, "BULK_AT", 1)
    WorkOrder.objects.filter(pk=orders[1].pk).update(status=Status.REOPENED)
    assert rates_refresh(order_ids=[o.pk for o in orders]) == len(orders)
    monkeypatch.setattr(rates_services, "BULK_AT", 10**6)
    WorkOrder.objects.filter(pk=orders[1].pk).update(status=Status.CLOSED)
    rates_refresh(order_ids=[orders[1].pk])
    assert _rollup() == maintained


def test_rebuild_command_repairs_a_broken_rollup(tree, make_user):
    from django.core.management import call_command

    _orders(tree, make_user)
    maintained = _rollup()
    RateRollup.objects.update(received=0)
    assert _rollup() != maintained
    call_command("hotline_rates_rebuild")
    assert _rollup() == maintained
