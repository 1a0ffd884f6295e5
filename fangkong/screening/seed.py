"""Demo mass testing, through the screening services (seed_demo calls `seed_activity(ctx)`).

A finished campaign in the first demo community five days ago: target, two sampling sites, the staggered
schedule (when the scheduler is installed), pooled sampling of nearly everyone, boxes sealed, handed over
and received, a laboratory file with one positive pool (its members on the retest list, to re-sample, and
in home observation by an observation order), one positive single tube (a transfer task) and negative
tubes (their members' result negative), reasons recorded for the untested (away, bed-bound → home visit).
Its schedule is not made: a plan made now would place no one (its window has passed).
A running campaign over the first street since two hours ago: its schedule published (slots from the
policy's notice lead after now, never in the past), a third sampled,
tubes open and closed, a box sealed, an antigen self-test reported.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.gates.seed import demo_communities

from . import services
from .models import Campaign, TargetPerson, Tube

MAX_SAMPLED = 300


def _sites(ctx, campaign, community, n=2):
    sites = []
    for i in range(n):
        lat = (community.latitude or 0) and float(community.latitude) + 0.0015 * (i - 0.5)
        lon = (community.longitude or 0) and float(community.longitude) + 0.0015 * (i - 0.5)
        place = Place.objects.filter(
            kind=Place.Kind.SAMPLING_SITE, area=community, name=f"{community.name}采样点{i + 1}"
        )
        sites.append(
            services.site_create(
                actor=None,
                campaign=campaign,
                place=place.first(),
                name="" if place.exists() else f"{community.name}采样点{i + 1}",
                area=community,
                latitude=f"{lat:.6f}" if lat else None,
                longitude=f"{lon:.6f}" if lon else None,
                address=f"{community.name}广场" if i == 0 else f"{community.name}活动中心",
                lanes=2 + i,
            )
        )
    return sites


def _schedule(campaign):
    try:
        plan = services.plan_generate(actor=None, campaign=campaign)
    except ValidationError:  # the scheduler is not installed here
        return None
    return services.plan_publish(actor=None, plan=plan)


def _sample(ctx, campaign, sites, targets, *, start, minutes, close_last=True):
    """Sample `targets` household by household into pooled tubes across the sites."""
    n = 0
    tube_no = 0
    per_site = {s.pk: None for s in sites}
    for i, t in enumerate(targets):
        site = sites[i % len(sites)]
        code = per_site[site.pk]
        if code is None or t.single_tube:
            tube_no += 1
            code = f"FT{campaign.pk:03d}{tube_no:06d}"
            per_site[site.pk] = None if t.single_tube else code
        at = start + datetime.timedelta(minutes=minutes * i / max(1, len(targets)))
        [res] = services.sample_batch_record(
            actor=None,
            site=site,
            items=[{"client_id": str(uuid.uuid4()), "person": t.person_id, "tube": code, "sampled_at": at}],
        )
        if res.status == "accepted":
            n += 1
            if res.tube_closed:
                per_site[site.pk] = None
    if close_last:
        for tube in Tube.objects.filter(campaign=campaign, state=Tube.State.OPEN):
            services.tube_close(actor=None, tube=tube)
    return n


def seed_activity(ctx) -> None:
    communities = demo_communities(ctx)
    if not communities:
        return
    now = timezone.now()
    # -- a finished campaign ----------------------------------------------------------------------
    c1 = communities[0]
    start = now - datetime.timedelta(days=5, hours=2)
    done = services.campaign_create(
        actor=None,
        name=f"{c1.name}全员核酸（第一轮）",
        area=c1,
        starts=start,
        ends=start + datetime.timedelta(hours=12),
    )
    services.campaign_target_compute(actor=None, campaign=done)
    sites = _sites(ctx, done, c1)
    _schedule(done)
    services.campaign_state_set(actor=None, campaign=done, state=Campaign.State.RUNNING)
    # The demo samples through the lane's service one by one: a few hundred people, whatever the scale.
    targets = list(TargetPerson.objects.filter(campaign=done).order_by("area_path", "id")[: MAX_SAMPLED + 2])
    away, bed = targets[-1:], targets[-2:-1]
    _sample(ctx, done, sites, targets[:-2], start=start + datetime.timedelta(minutes=10), minutes=600)
    for t in away:
        services.exemption_record(actor=None, campaign=done, person=t.person, reason="away")
    for t in bed:
        services.exemption_record(actor=None, campaign=done, person=t.person, reason="bed_bound")
    tubes = list(Tube.objects.filter(campaign=done).order_by("barcode"))
    for site in sites:
        codes = [t.barcode for t in tubes if t.site_id == site.pk]
        if not codes:
            continue
        box = services.box_seal(
            actor=None,
            site=site,
            code=f"BOX{done.pk}-{site.pk}",
            barcodes=codes,
            lab="丰台区疾控中心实验室",
            person_name="采样点负责人",
        )
        services.box_advance(actor=None, box=box, state="handed_over", person_name="转运司机 王师傅")
        services.box_advance(actor=None, box=box, state="received", person_name="实验室 李老师")
    pooled = next((t for t in tubes if t.count > 1), None)
    single = next((t for t in tubes if t.count == 1), None)
    tested_at = timezone.localtime(start + datetime.timedelta(hours=14)).strftime("%Y-%m-%d %H:%M")
    rows = [
        {
            "试管条码": t.barcode,
            "检测结果": "阳性" if t in (pooled, single) else "阴性",
            "检测时间": tested_at,
            "检测机构": "丰台区疾控中心实验室",
        }
        for t in tubes
    ]
    services.results_apply(actor=None, campaign=done, rows=rows, filename="丰台疾控-结果.csv")
    services.campaign_state_set(actor=None, campaign=done, state=Campaign.State.FINISHED)

    # -- a running campaign over the first street -------------------------------------------------
    street = c1.parent
    start = now - datetime.timedelta(hours=2)
    running = services.campaign_create(
        actor=None,
        name=f"{street.name}全员核酸",
        area=street,
        starts=start,
        ends=start + datetime.timedelta(hours=14),
    )
    services.campaign_target_compute(actor=None, campaign=running)
    sites = []
    for community in [c for c in communities if c.parent_id == street.pk][:2] or [c1]:
        sites += _sites(ctx, running, community, n=1)
    _schedule(running)
    services.campaign_state_set(actor=None, campaign=running, state=Campaign.State.RUNNING)
    targets = list(TargetPerson.objects.filter(campaign=running).order_by("area_path", "id"))
    third = targets[: min(len(targets) // 3, MAX_SAMPLED // 2)]
    _sample(
        ctx, running, sites, third, start=start + datetime.timedelta(minutes=5), minutes=100, close_last=False
    )
    closed = list(Tube.objects.filter(campaign=running, state=Tube.State.CLOSED).order_by("barcode")[:6])
    for i, group in enumerate((closed[:3], closed[3:5])):
        codes = [t.barcode for t in group if t.site_id == group[0].site_id] if group else []
        if not codes:
            continue
        box = services.box_seal(
            actor=None,
            site=group[0].site,
            code=f"BOX{running.pk}-{i + 1}",
            barcodes=codes,
            lab="丰台区疾控中心实验室",
            person_name="采样点负责人",
        )
        if i == 0:  # the first box is at the laboratory, awaiting results; the second is still sealed
            services.box_advance(actor=None, box=box, state="handed_over", person_name="转运司机 王师傅")
            services.box_advance(actor=None, box=box, state="received", person_name="实验室 李老师")
    pending = TargetPerson.objects.filter(campaign=running, state=TargetPerson.State.PENDING).first()
    if pending is not None:
        services.antigen_report(target=pending, result="negative")
    ctx.say(f"  2 testing campaigns, {Tube.objects.count()} tubes")
