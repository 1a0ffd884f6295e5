"""Issue 18, mass testing: one figure, one story. A pooled positive makes people to re-sample (never
positives) on the coverage page, its API and the briefing; a negative tube's result is its members'; the
members of a positive pool are in home observation through an observation order (so the counts page and
the observation page agree); a plan made inside the window places nobody in a slot already begun."""

import datetime

import pytest
from django.utils import timezone

from fangkong.briefing.services import compute_values
from fangkong.observation.models import ObservationOrder, OrderStatus
from fangkong.people.models import Person, PersonStatus, StatusChange
from fangkong.screening import policy, services
from fangkong.screening.models import CoverageCount, SlotAssignment, TargetPerson, Tube

from .helpers import campaign, item, now_text, people, result_csv, site

pytestmark = pytest.mark.django_db


def _results(tree):
    """12 people: a positive pool of 10, a positive single tube, a negative single tube."""
    ps = people(tree, 12)
    c = campaign(tree)
    s = site(c, tree)
    services.sample_batch_record(
        actor=None,
        site=s,
        items=[item(p, "POOL000001") for p in ps[:10]]
        + [item(ps[10], "SOLO000001", close=True), item(ps[11], "NEGA000001", close=True)],
    )
    assert Tube.objects.filter(campaign=c, state=Tube.State.CLOSED).count() == 3
    data = result_csv(
        [
            ["POOL000001", "阳性", now_text(), "丰台检测中心"],
            ["SOLO000001", "阳性", now_text(), "丰台检测中心"],
            ["NEGA000001", "阴性", now_text(), "丰台检测中心"],
        ]
    )
    return ps, c, data


def test_pool_members_are_to_resample_not_positive_on_every_figure(client, api, tree, make_user):
    ps, c, data = _results(tree)
    coord = make_user("street_coordinator", tree.street1)
    client.force_login(coord)
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client.post(f"/screening/campaigns/{c.pk}/results/", {"file": SimpleUploadedFile("r.csv", data)})
    imp_page = client.get(resp["Location"]).content.decode()
    assert "10 人待单采复核，1 人初筛阳性" in imp_page
    # The maintained counts: 10 to re-sample, 1 preliminary positive, 1 negative.
    cov = CoverageCount.objects.get(campaign=c)
    assert (cov.to_retest, cov.positive, cov.negative, cov.pending_results) == (10, 1, 1, 0)
    # The coverage page.
    page = client.get(f"/screening/campaigns/{c.pk}/coverage/").content.decode()
    assert 'data-positive="1"' in page and 'data-to-retest="10"' in page
    # Its API.
    api.as_user(coord)
    body = api.get(f"/api/screening/campaigns/{c.pk}/coverage/").json()
    assert (body["totals"]["positive"], body["totals"]["to_retest"]) == (1, 10)
    assert [(r["positive"], r["to_retest"]) for r in body["rows"]] == [(1, 10)]
    # The people behind the figures say the same.
    by_result = {
        r: TargetPerson.objects.filter(campaign=c, result=r).count()
        for r in ("flagged", "preliminary_positive", "negative")
    }
    assert by_result == {"flagged": 10, "preliminary_positive": 1, "negative": 1}
    # The briefing's section, and the consistency check recomputing it.
    values = compute_values(area=tree.city, as_of=timezone.now())
    assert values[("screening.positive", tree.a.community.pk)][0] == 1
    assert values[("screening.to_retest", tree.a.community.pk)][0] == 10
    assert values[("screening.transfers_open", tree.a.community.pk)][0] == 1


def test_a_negative_tube_gives_its_members_their_result(api, tree, make_user):
    ps = people(tree, 3)
    c = campaign(tree)
    s = site(c, tree)
    services.sample_batch_record(
        actor=None, site=s, items=[item(ps[0], "NEGA000001"), item(ps[1], "NEGA000001", close=True)]
    )
    services.results_apply(
        actor=None,
        campaign=c,
        rows=[{"试管条码": "NEGA000001", "检测结果": "阴性", "检测时间": now_text(), "检测机构": "lab"}],
    )
    api.as_user(make_user("community_worker", tree.a.community))
    body = api.get(f"/api/screening/targets/?campaign={c.pk}&result=negative").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {r["person"] for r in rows} == {ps[0].pk, ps[1].pk}
    assert {r["result"] for r in rows} == {"negative"}
    # The untested one has no result.
    assert TargetPerson.objects.get(campaign=c, person=ps[2]).result == ""


def test_pool_members_home_observation_comes_with_its_order(client, tree, make_user):
    ps, c, data = _results(tree)
    services.lab_file_import(actor=None, campaign=c, data=data, filename="r.csv")
    members = Person.objects.filter(pk__in=[p.pk for p in ps[:10]])
    assert set(members.values_list("status", flat=True)) == {PersonStatus.HOME_OBSERVATION}
    orders = ObservationOrder.objects.filter(person__in=members)
    assert orders.count() == 10
    assert set(orders.values_list("status", "order_type", "reason")) == {
        (OrderStatus.ACTIVE, "home", "other")
    }
    # With the policy's days: an end date, and the reports they owe.
    for o in orders:
        assert o.planned_end > o.start and o.policy_key == "observation.home.days"
        assert o.source.startswith("screening.Tube:")
    # The dated status names its order (not a bare screening status).
    assert not StatusChange.objects.filter(person__in=members, source__startswith="screening.").exists()
    assert (
        StatusChange.objects.filter(
            person__in=members, status=PersonStatus.HOME_OBSERVATION, source__startswith="observation."
        ).count()
        == 10
    )
    # The preliminary positive is not sent to home observation.
    ps[10].refresh_from_db()
    assert ps[10].status == PersonStatus.PRELIMINARY_POSITIVE
    # One figure, the same count on the counts page and the observation page (and the briefing).
    values = compute_values(area=tree.city, as_of=timezone.now())
    community = tree.a.community.pk
    assert (
        values[("people.home_observation", community)][0]
        == values[("observation.running_home", community)][0]
        == 10
    )
    client.force_login(make_user("community_worker", tree.a.community))
    counts = client.get("/people/counts/").content.decode()
    listed = client.get("/observation/orders/?order_type=home&status=active").content.decode()
    assert all(p.name in listed for p in ps[:10])
    import re

    row = re.search(r'<tr data-community="镇国寺社区">.*?</tr>', counts, re.S).group(0)
    cell = re.search(r'<td data-status="home_observation">(?:<a [^>]*>)?(\d+)<', row)
    assert cell is not None and int(cell.group(1)) == 10, row


@pytest.fixture
def _scheduler():
    pytest.importorskip("fangkong.screening.scheduling")
    pytest.importorskip("highspy")


def test_a_plan_made_inside_the_window_starts_after_planning(_scheduler, client, api, tree, make_user):
    people(tree, 30)
    c = campaign(tree, state="scheduled")  # its window began an hour ago
    site(c, tree, lanes=1, per_lane_hour=20)
    lead = datetime.timedelta(minutes=int(policy.value(policy.NOTICE_MINUTES)))
    coord = make_user("street_coordinator", tree.street1)
    client.force_login(coord)
    before = timezone.now()
    resp = client.post(f"/screening/campaigns/{c.pk}/schedule/", {"generate": "1"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    plan = c.plans.get()
    slots = list(plan.slots.all())
    assert slots and sum(s.people for s in slots) == 30
    assert min(s.start for s in slots) >= before + lead
    # The slots stay on the campaign's grid (from its start), so a re-plan's line up with them.
    assert all((s.start - c.starts) % datetime.timedelta(minutes=30) == datetime.timedelta(0) for s in slots)
    # The API tells residents' notices the same.
    api.as_user(coord)
    body = api.get(f"/api/screening/slots/?plan={plan.pk}").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows and all(
        datetime.datetime.fromisoformat(r["start"].replace("Z", "+00:00")) >= before + lead for r in rows
    )


def test_a_replan_moves_nobody_into_the_past(_scheduler, tree, monkeypatch):
    from .test_schedule import _buildings

    _buildings(tree)  # 3 buildings of 20 people
    c = campaign(tree, state="scheduled")
    site(c, tree, lanes=1, per_lane_hour=20)
    plan = services.plan_publish(actor=None, plan=services.plan_generate(actor=None, campaign=c))
    first = plan.slots.order_by("start").first()
    lead = datetime.timedelta(minutes=int(policy.value(policy.NOTICE_MINUTES)))
    later = first.start + datetime.timedelta(minutes=50)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = services.plan_generate(actor=None, campaign=c)
    kept = {(s.area_id, s.start) for s in plan.slots.filter(start__lt=later + lead)}
    assert {(s.area_id, s.start) for s in again.slots.filter(start__lt=later + lead)} <= kept
    moved = SlotAssignment.objects.filter(plan=again).exclude(area_id__in=[a for a, _t in kept])
    assert moved.exists() and all(s.start >= later + lead for s in moved)


def test_no_plan_once_the_window_has_passed(_scheduler, tree):
    from django.core.exceptions import ValidationError

    people(tree, 3)
    now = timezone.now()
    c = services.campaign_create(
        actor=None,
        name="已过去的一轮",
        area=tree.a.community,
        starts=now - datetime.timedelta(hours=12),
        ends=now - datetime.timedelta(hours=1),
    )
    services.campaign_target_compute(actor=None, campaign=c)
    site(c, tree)
    with pytest.raises(ValidationError):
        services.plan_generate(actor=None, campaign=c)
    assert not c.plans.exists()
