"""The schedule service around the scheduler (scheduling.py / simulation.py, HiGHS): buildings and sites
projected to metres, the plan beside the naive one, publishing, notices and the resident's page, and a
re-plan that keeps the slots already started. Skipped where the scheduler is not installed."""

import datetime

import pytest
from django.utils import timezone

from fangkong.areas import services as area_services
from fangkong.areas.models import Level
from fangkong.core.testing import pdf_facts
from fangkong.people.tests.factories import make_person
from fangkong.screening import documents, services
from fangkong.screening.models import Campaign, SlotAssignment, TargetPerson

pytest.importorskip("fangkong.screening.scheduling")
pytest.importorskip("highspy")

pytestmark = pytest.mark.django_db


def _buildings(tree, n_buildings=3, per=20):
    out = []
    for b in range(n_buildings):
        building = area_services.area_create(
            actor=None,
            parent=tree.a.grid,
            name=f"{b + 2}号楼",
            level=Level.BUILDING,
            latitude=f"{39.850 + 0.001 * b:.6f}",
            longitude=f"{116.280 + 0.001 * b:.6f}",
        )
        entrance = area_services.area_create(actor=None, parent=building, name="1单元", level=Level.ENTRANCE)
        for h in range(per // 2):
            hh = area_services.area_create(
                actor=None, parent=entrance, name=f"{101 + h}室", level=Level.HOUSEHOLD
            )
            make_person(hh)
            make_person(hh)
        out.append(building)
    return out


def _campaign(tree):
    now = timezone.now()
    c = services.campaign_create(
        actor=None,
        name="镇国寺全员核酸",
        area=tree.a.community,
        starts=now + datetime.timedelta(hours=1),
        ends=now + datetime.timedelta(hours=9),
    )
    services.campaign_target_compute(actor=None, campaign=c)
    for i, (lat, lon) in enumerate((("39.8505", "116.2805"), ("39.8525", "116.2825"))):
        services.site_create(
            actor=None,
            campaign=c,
            name=f"采样点{i}",
            area=tree.a.community,
            latitude=lat,
            longitude=lon,
            lanes=1,
            per_lane_hour=20,
        )
    return c


def test_plan_beats_naive_publish_notice_and_resident_page(client, tree, make_user):
    buildings = _buildings(tree)
    c = _campaign(tree)
    plan = services.plan_generate(actor=None, campaign=c)
    assert plan.solver.lower().startswith("highs") or "highs" in plan.solver.lower()
    assert plan.max_wait < plan.naive_max_wait
    assert plan.chart["slots"] and plan.chart["planned"]["max"]
    slots = list(plan.slots.all())
    assert sum(s.people for s in slots) == TargetPerson.objects.filter(campaign=c).count() == 60
    assert {s.area_id for s in slots} == {b.pk for b in buildings}
    services.plan_publish(actor=None, plan=plan)
    c.refresh_from_db()
    assert c.state == Campaign.State.SCHEDULED

    user = make_user("community_worker", tree.a.community)
    client.force_login(user)
    page = client.get(f"/screening/campaigns/{c.pk}/schedule/").content.decode()
    assert 'id="plan-chart"' in page and "plan-chart.js" in page and "echarts" in page
    pdf = client.get(f"/screening/campaigns/{c.pk}/notices/{buildings[0].pk}.pdf")
    facts = pdf_facts(pdf.content)
    assert "核酸检测通知" in facts["text"] and "采样点" in facts["text"]
    token = documents.building_token(c.pk, buildings[0].pk)
    assert "采样点" in client.get(f"/screening/b/{token}/").content.decode()
    t = TargetPerson.objects.filter(campaign=c, building=buildings[1]).first()
    mine = client.get(f"/screening/r/{services.resident_token(t)}/").content.decode()
    first = (
        t.building
        and SlotAssignment.objects.filter(plan=plan, area_id=buildings[1].pk).order_by("start").first()
    )
    assert timezone.localtime(first.start).strftime("%H:%M") in mine


def test_replan_moves_only_slots_not_started(tree, monkeypatch):
    _buildings(tree)
    c = _campaign(tree)
    plan = services.plan_publish(actor=None, plan=services.plan_generate(actor=None, campaign=c))
    first = plan.slots.order_by("start").first()
    started = {(s.area_id, s.site_id, s.start) for s in plan.slots.filter(start=first.start)}
    # Two hours later: the first slots have started; one site closes.
    later = first.start + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.campaign_state_set(actor=None, campaign=c, state="running")
    closing = c.sites.exclude(pk=first.site_id).first()
    services.site_update(actor=None, site=closing, closed=True)
    again = services.plan_generate(actor=None, campaign=c)
    new = {(s.area_id, s.site_id, s.start) for s in again.slots.all()}
    assert started <= new
    moved = again.slots.exclude(area_id__in=[a for a, _s, _t in started])
    assert not moved.filter(site=closing).exists()
    assert all(s.start >= later - datetime.timedelta(minutes=30) for s in moved)
