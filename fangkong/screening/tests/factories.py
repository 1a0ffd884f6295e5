"""Leak-test factories for mass testing (direct inserts; the services are tested on their own)."""

import datetime
import itertools
import uuid

from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core.testing import register_factory
from fangkong.people.tests.factories import make_person
from fangkong.screening.models import (
    AntigenReport,
    Box,
    BoxEvent,
    Campaign,
    CoverageCount,
    Exemption,
    HomeVisit,
    LabImport,
    LabResult,
    LaneStaff,
    RetestItem,
    Sample,
    SchedulePlan,
    Site,
    SlotAssignment,
    TargetPerson,
    TransferTask,
    Tube,
)

_n = itertools.count(1)


def _scoped(area):
    return {"area": area, "area_path": area.path}


@register_factory(Campaign)
def make_campaign(area, **extra):
    now = timezone.now()
    fields = {
        "name": f"全员核酸{next(_n)}",
        "starts": now - datetime.timedelta(hours=2),
        "ends": now + datetime.timedelta(hours=22),
        "regime": "pool",
        "pool_size": 10,
        "state": Campaign.State.RUNNING,
        "target_computed_at": now,
        **extra,
    }
    return Campaign.objects.create(**_scoped(area), **fields)


@register_factory(TargetPerson)
def make_target(area, campaign=None, person=None):
    campaign = campaign or make_campaign(area)
    person = person or make_person(area)
    return TargetPerson.objects.create(campaign=campaign, person=person, building=area, **_scoped(area))


@register_factory(CoverageCount)
def make_coverage(area):
    return CoverageCount.objects.create(campaign=make_campaign(area), target=3, **_scoped(area))


@register_factory(Exemption)
def make_exemption(area):
    t = make_target(area)
    return Exemption.objects.create(campaign=t.campaign, person=t.person, reason="away", **_scoped(area))


def _place(area):
    return Place.objects.create(kind=Place.Kind.SAMPLING_SITE, name=f"采样点{next(_n)}", **_scoped(area))


@register_factory(Site)
def make_site(area, campaign=None):
    campaign = campaign or make_campaign(area)
    return Site.objects.create(
        campaign=campaign,
        place=_place(area),
        lanes=2,
        per_lane_hour=60,
        opens=campaign.starts,
        closes=campaign.ends,
        **_scoped(area),
    )


@register_factory(LaneStaff)
def make_lane_staff(area):
    from fangkong.accounts.models import User

    user = User.objects.create(username=f"sampler{next(_n)}")
    return LaneStaff.objects.create(site=make_site(area), lane=1, user=user, role="sampler", **_scoped(area))


@register_factory(SchedulePlan)
def make_plan(area, campaign=None):
    campaign = campaign or make_campaign(area)
    return SchedulePlan.objects.create(campaign=campaign, version=next(_n), solver="HiGHS", **_scoped(area))


@register_factory(SlotAssignment)
def make_slot(area):
    site = make_site(area)
    plan = make_plan(area, campaign=site.campaign)
    now = timezone.now()
    return SlotAssignment.objects.create(
        plan=plan, site=site, start=now, end=now + datetime.timedelta(minutes=30), people=5, **_scoped(area)
    )


@register_factory(Tube)
def make_tube(area, site=None, **extra):
    site = site or make_site(area)
    fields = {"barcode": f"T{next(_n):08d}", "capacity": 10, "count": 1, "state": Tube.State.CLOSED, **extra}
    return Tube.objects.create(campaign=site.campaign, site=site, **fields, **_scoped(area))


@register_factory(Sample)
def make_sample(area):
    tube = make_tube(area)
    person = make_person(area)
    return Sample.objects.create(
        campaign=tube.campaign,
        person=person,
        tube=tube,
        building=area,
        client_id=uuid.uuid4(),
        sampled_at=timezone.now(),
        **_scoped(area),
    )


@register_factory(Box)
def make_box(area):
    site = make_site(area)
    return Box.objects.create(
        campaign=site.campaign, site=site, code=f"B{next(_n)}", state="sealed", **_scoped(area)
    )


@register_factory(BoxEvent)
def make_box_event(area):
    return BoxEvent.objects.create(box=make_box(area), state="sealed", time=timezone.now(), **_scoped(area))


@register_factory(LabImport)
def make_lab_import(area):
    return LabImport.objects.create(filename="results.csv", sha256="x", **_scoped(area))


@register_factory(LabResult)
def make_lab_result(area):
    return LabResult.objects.create(
        tube=make_tube(area), result="negative", tested_at=timezone.now(), lab="检测中心", **_scoped(area)
    )


@register_factory(RetestItem)
def make_retest(area):
    tube = make_tube(area)
    return RetestItem.objects.create(
        campaign=tube.campaign, person=make_person(area), tube=tube, community=area, **_scoped(area)
    )


@register_factory(TransferTask)
def make_transfer(area):
    return TransferTask.objects.create(
        person=make_person(area), source=f"test:{next(_n)}", deadline=timezone.now(), **_scoped(area)
    )


@register_factory(AntigenReport)
def make_antigen(area):
    return AntigenReport.objects.create(
        campaign=make_campaign(area),
        person=make_person(area),
        result="negative",
        reported_at=timezone.now(),
        **_scoped(area),
    )


@register_factory(HomeVisit)
def make_home_visit(area):
    return HomeVisit.objects.create(campaign=make_campaign(area), person=make_person(area), **_scoped(area))
