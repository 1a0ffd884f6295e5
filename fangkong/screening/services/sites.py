"""Sampling sites of a campaign (a Place of kind sampling site, lanes, hours, throughput) and lane staff;
the capacity a target needs, from policy's guidance."""

from __future__ import annotations

import datetime
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Place
from fangkong.areas.services import place_create
from fangkong.core.audit import model_update, record

from .. import policy
from ..models import Campaign, LaneStaff, Site


def capacity_needed(*, campaign: Campaign, people: int) -> dict:
    """Sites and lanes the target needs under policy: one site per `site_people`, one lane per
    `lane_people_day` a day, finished within `finish_hours` (or the campaign's window if shorter)."""
    at, area = campaign.starts, campaign.area
    site_people = max(1, int(policy.value(policy.SITE_PEOPLE, at=at, area=area)))
    lane_day = max(1, int(policy.value(policy.LANE_PEOPLE_DAY, at=at, area=area)))
    finish = max(1, int(policy.value(policy.FINISH_HOURS, at=at, area=area)))
    per_hour = max(1, int(policy.value(policy.LANE_PER_HOUR, at=at, area=area)))
    window_h = max(1.0, (campaign.ends - campaign.starts).total_seconds() / 3600)
    hours = min(window_h, float(finish))
    lanes_by_day = math.ceil(people / lane_day) if people else 0
    lanes_by_window = math.ceil(people / (per_hour * hours)) if people else 0
    return {
        "people": people,
        "sites": math.ceil(people / site_people) if people else 0,
        "lanes": max(lanes_by_day, lanes_by_window),
        "hours": round(hours, 1),
        "per_lane_hour": per_hour,
    }


def site_defaults(campaign: Campaign) -> dict:
    return {
        "lanes": 2,
        "per_lane_hour": int(policy.value(policy.LANE_PER_HOUR, at=campaign.starts, area=campaign.area)),
        "opens": campaign.starts,
        "closes": campaign.ends,
    }


def _check_hours(campaign: Campaign, opens: datetime.datetime, closes: datetime.datetime) -> None:
    if closes <= opens:
        raise ValidationError({"closes": _("A site closes after it opens.")})
    if opens < campaign.starts or closes > campaign.ends:
        raise ValidationError({"opens": _("A site's hours lie inside the campaign's window.")})


@transaction.atomic
def site_create(
    *,
    actor,
    campaign: Campaign,
    place: Place | None = None,
    name: str = "",
    area: Area | None = None,
    latitude=None,
    longitude=None,
    address: str = "",
    kind: str = Site.Kind.FIXED,
    lanes: int | None = None,
    per_lane_hour: int | None = None,
    opens: datetime.datetime | None = None,
    closes: datetime.datetime | None = None,
) -> Site:
    """A site for the campaign: an existing sampling-site place, or a new one (name, area, coordinates)."""
    if campaign.state == Campaign.State.FINISHED:
        raise ValidationError(_("The campaign is finished."))
    d = site_defaults(campaign)
    lanes = lanes or d["lanes"]
    per_lane_hour = per_lane_hour or d["per_lane_hour"]
    opens, closes = opens or d["opens"], closes or d["closes"]
    if lanes < 1 or per_lane_hour < 1:
        raise ValidationError({"lanes": _("At least one lane and one person an hour.")})
    _check_hours(campaign, opens, closes)
    if place is None:
        if not name.strip() or area is None:
            raise ValidationError({"place": _("Pick a sampling site or give a new site's name and area.")})
        place = place_create(
            actor=actor,
            area=area,
            kind=Place.Kind.SAMPLING_SITE,
            name=name.strip()[:120],
            address=address[:200],
            latitude=latitude,
            longitude=longitude,
        )
    elif place.kind != Place.Kind.SAMPLING_SITE:
        raise ValidationError({"place": _("This place is not a sampling site.")})
    if Site.objects.filter(campaign=campaign, place=place).exists():
        raise ValidationError({"place": _("This site is already part of the campaign.")})
    site = Site.objects.create(
        campaign=campaign,
        place=place,
        kind=kind,
        lanes=lanes,
        per_lane_hour=per_lane_hour,
        opens=opens,
        closes=closes,
        area_id=place.area_id,
        area_path=place.area_path,
    )
    record(
        site,
        "create",
        actor=actor,
        message=gettext_noop("Sampling site %(name)s added: %(lanes)s lanes"),
        params={"name": place.name, "lanes": lanes},
    )
    return site


@transaction.atomic
def site_update(*, actor, site: Site, **fields) -> Site:
    """Lanes, throughput, hours or closing a site (a re-plan then moves the slots not yet started)."""
    allowed = {"lanes", "per_lane_hour", "opens", "closes", "closed", "kind"}
    data = {k: v for k, v in fields.items() if k in allowed and v is not None}
    if data.get("lanes", site.lanes) < 1 or data.get("per_lane_hour", site.per_lane_hour) < 1:
        raise ValidationError({"lanes": _("At least one lane and one person an hour.")})
    _check_hours(site.campaign, data.get("opens", site.opens), data.get("closes", site.closes))
    site, _changed = model_update(site, data, actor=actor, message=gettext_noop("Sampling site changed"))
    return site


@transaction.atomic
def lane_staff_add(*, actor, site: Site, lane: int, role: str, user=None, worker=None) -> LaneStaff:
    """A user, or a worker from the workforce registry (issue 20), on a lane. A worker must be one the
    writer may see (else the answer of an unknown worker) and, where the policy makes sampling support a
    duty that needs a negative test, have one in their own results (through their resident record)."""
    if lane < 1 or lane > site.lanes:
        raise ValidationError({"lane": _("This site has lanes 1 to %(n)s.") % {"n": site.lanes}})
    if role not in LaneStaff.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if user is None and worker is None:
        raise ValidationError(_("Choose a worker or a user."))
    if worker is not None:
        from fangkong.core.scoping import user_can_see_path
        from fangkong.workforce.models import Duty
        from fangkong.workforce.services import negative_test_enforce

        if actor is not None and not user_can_see_path(actor, "workforce.view_worker", worker.area_path):
            raise ValidationError({"worker": _("Choose a worker in your jurisdiction.")})
        if worker.status != "active":
            raise ValidationError({"worker": _("This worker is not active.")})
        negative_test_enforce(worker=worker, duty=Duty.SAMPLING_SUPPORT)
        user = user or worker.user
        if LaneStaff.objects.filter(site=site, lane=lane, worker=worker).exists():
            raise ValidationError({"worker": _("Already on this lane.")})
    if user is not None and LaneStaff.objects.filter(site=site, lane=lane, user=user).exists():
        raise ValidationError({"user": _("Already on this lane.")})
    staff = LaneStaff.objects.create(
        site=site,
        lane=lane,
        user=user,
        worker=worker,
        role=role,
        area_id=site.area_id,
        area_path=site.area_path,
    )
    record(
        staff,
        "create",
        actor=actor,
        message=gettext_noop("%(user)s put on lane %(lane)s"),
        params={"user": worker.name if worker is not None else user.get_username(), "lane": lane},
    )
    return staff
