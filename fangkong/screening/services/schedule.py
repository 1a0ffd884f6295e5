"""Staggered slots (错峰分流): adapt the campaign's buildings and sites to the scheduler
(fangkong.screening.scheduling, HiGHS via highspy) and its queue simulation, store the plan beside the
naive one, publish it, and re-plan mid-campaign moving only the slots not yet started.

Coordinates: areas and places carry WGS-84 latitude/longitude; they become planar metres by an
equirectangular projection around the campaign's centre. A building without coordinates takes its
nearest ancestor's, a site without them its area's (and so on up the tree)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area
from fangkong.core.audit import record

from .. import policy
from ..models import Campaign, CoverageCount, SchedulePlan, Site, SlotAssignment, TargetPerson

SLOT_MINUTES = 30


class SchedulerMissing(ValidationError):
    pass


def _engine():
    try:
        from fangkong.screening import scheduling, simulation
    except ImportError as exc:  # the solver module or highspy not installed
        raise SchedulerMissing(_("The scheduler is not installed on this server.")) from exc
    return scheduling, simulation


def _coords_of_areas(area_ids: set[int]) -> dict[int, tuple[float, float] | None]:
    """(lat, lon) of each area, from itself or its nearest ancestor with coordinates."""
    areas = {a.pk: a for a in Area.objects.filter(pk__in=area_ids)}
    prefixes = {a.path[:i] for a in areas.values() for i in range(4, len(a.path), 4)}
    by_path = {
        p: (float(lat), float(lon))
        for p, lat, lon in Area.objects.filter(path__in=prefixes, latitude__isnull=False).values_list(
            "path", "latitude", "longitude"
        )
    }
    out = {}
    for pk, a in areas.items():
        if a.latitude is not None:
            out[pk] = (float(a.latitude), float(a.longitude))
            continue
        found = None
        for i in range(len(a.path) - 4, 0, -4):
            if a.path[:i] in by_path:
                found = by_path[a.path[:i]]
                break
        out[pk] = found
    return out


def campaign_inputs(campaign: Campaign):
    """(buildings, sites) in the scheduler's terms: people still to sample per building (target minus
    exempt minus sampled), households from the target, coordinates in metres."""
    scheduling, _sim = _engine()
    counts = {
        c.area_id: max(0, c.target - c.exempt - c.sampled)
        for c in CoverageCount.objects.filter(campaign=campaign)
    }
    households = dict(
        TargetPerson.objects.filter(campaign=campaign, state=TargetPerson.State.PENDING)
        .values("building_id")
        .annotate(n=Count("area_id", distinct=True))
        .values_list("building_id", "n")
    )
    sites = list(Site.objects.filter(campaign=campaign).select_related("place"))
    coords = _coords_of_areas(set(counts) | {s.place.area_id for s in sites})
    site_coords = {}
    for s in sites:
        if s.place.latitude is not None:
            site_coords[s.pk] = (float(s.place.latitude), float(s.place.longitude))
        else:
            site_coords[s.pk] = coords.get(s.place.area_id)
    known = [c for c in [*coords.values(), *site_coords.values()] if c]
    if not known:
        raise ValidationError(_("No coordinates for the buildings or the sites: add latitude and longitude."))
    lat0 = sum(c[0] for c in known) / len(known)
    lon0 = sum(c[1] for c in known) / len(known)

    def xy(c):
        return scheduling.project(*(c or (lat0, lon0)), lat0=lat0)  # the solver's own projection

    buildings = []
    for area_id, people in counts.items():
        if people <= 0:
            continue
        x, y = xy(coords.get(area_id))
        buildings.append(
            scheduling.Building(
                key=area_id,
                x=x,
                y=y,
                people=people,
                households=max(1, min(people, households.get(area_id, 1))),
            )
        )
    out_sites = []
    for s in sites:
        if s.kind == Site.Kind.MOBILE:
            continue  # home sampling takes no slots
        x, y = xy(site_coords.get(s.pk))
        out_sites.append(
            scheduling.Site(
                key=s.pk,
                x=x,
                y=y,
                lanes=s.lanes,
                per_lane_hour=s.per_lane_hour,
                opens=s.opens,
                closes=s.closes,
            )
        )
    return buildings, out_sites, {s.pk for s in sites if s.closed}


def first_slot_start(campaign: Campaign, *, now: datetime.datetime, slot_minutes: int) -> datetime.datetime:
    """The first slot a plan made at `now` may use: not before now plus the policy's notice lead (people
    must be told before they come), on the campaign's slot grid (from its start), so that a re-plan's
    slots line up with the published ones. A window with no slot left refuses the plan."""
    lead = int(policy.value(policy.NOTICE_MINUTES, at=now, area=campaign.area))
    earliest = now + datetime.timedelta(minutes=max(0, lead))
    start = campaign.starts
    if start < earliest:
        step = datetime.timedelta(minutes=slot_minutes)
        start += step * -(-(earliest - start) // step)  # whole slots, rounded up
    if start + datetime.timedelta(minutes=slot_minutes) > campaign.ends:
        raise ValidationError(
            _(
                "No slot is left in the campaign's window: slots start %(lead)s minutes after planning at the earliest."
            )
            % {"lead": lead}
        )
    return start


def published_plan(campaign: Campaign) -> SchedulePlan | None:
    return campaign.plans.filter(published_at__isnull=False).order_by("-version").first()


@transaction.atomic
def plan_generate(*, actor, campaign: Campaign, slot_minutes: int = SLOT_MINUTES) -> SchedulePlan:
    """Solve the campaign's plan (and the naive plan), simulate both and store them as a new version.
    Once a plan is published, the slots already started stay as they are (`fixed`); a closed site
    takes no new slots."""
    scheduling, simulation = _engine()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.target_computed_at is None:
        raise ValidationError(_("Compute the target population first."))
    if campaign.state == Campaign.State.FINISHED:
        raise ValidationError(_("The campaign is finished."))
    buildings, sites, closed = campaign_inputs(campaign)
    open_sites = [s for s in sites if s.key not in closed]
    if not open_sites:
        raise ValidationError(_("Add at least one open sampling site first."))
    now = timezone.now()
    start = first_slot_start(campaign, now=now, slot_minutes=slot_minutes)
    fixed: dict[int, tuple[int, datetime.datetime]] = {}
    current = published_plan(campaign)
    if current is not None:
        # Buildings whose slot has started, or starts within the notice lead (they are told and on their
        # way), keep it (site and first slot, their people as planned); the others are placed again.
        kept: dict[int, list] = {}
        for s in current.slots.filter(start__lt=start).order_by("start"):
            kept.setdefault(s.area_id, []).append(s)
        buildings = [b for b in buildings if b.key not in kept]
        for area_id, slots in kept.items():
            fixed[area_id] = (slots[0].site_id, slots[0].start)
            people = sum(s.people for s in slots)
            buildings.append(scheduling.Building(key=area_id, x=0.0, y=0.0, people=people, households=1))
    if not buildings:
        raise ValidationError(_("Nobody left to schedule."))
    try:
        planned = scheduling.plan(
            buildings,
            sites,
            start=start,
            end=campaign.ends,
            slot_minutes=slot_minutes,
            fixed=fixed,
            closed_sites=closed,
        )
        movable = [b for b in buildings if b.key not in fixed]
        naive = scheduling.naive_plan(
            movable, open_sites, start=start, end=campaign.ends, slot_minutes=slot_minutes
        )
        sim_p = simulation.simulate(planned, sites, seed=1)
        sim_n = simulation.simulate(naive, open_sites, seed=1)
        chart = simulation.chart_data(sim_p, sim_n, tz=timezone.get_current_timezone())
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    version = (campaign.plans.aggregate(m=Max("version"))["m"] or 0) + 1
    plan = SchedulePlan.objects.create(
        campaign=campaign,
        version=version,
        solver=str(planned.solver)[:60],
        status=str(planned.status)[:60],
        seconds=float(planned.seconds),
        mean_wait=sim_p.mean_wait,
        max_wait=sim_p.max_wait,
        naive_mean_wait=sim_n.mean_wait,
        naive_max_wait=sim_n.max_wait,
        chart={**chart, "unplaced": len(getattr(planned, "unplaced", []) or [])},
        area_id=campaign.area_id,
        area_path=campaign.area_path,
    )
    paths = dict(
        Area.objects.filter(pk__in={a.building for a in planned.assignments}).values_list("pk", "path")
    )
    rows = [
        SlotAssignment(
            plan=plan,
            site_id=a.site,
            start=a.start,
            end=a.end,
            people=a.people,
            area_id=a.building,
            area_path=paths.get(a.building, ""),
        )
        for a in planned.assignments
    ]
    SlotAssignment.objects.bulk_create(rows, batch_size=2000)
    record(
        plan,
        "create",
        actor=actor,
        message=gettext_noop(
            "Schedule v%(v)s generated (%(solver)s): max wait %(max)s min, naive %(naive)s min"
        ),
        params={
            "v": version,
            "solver": plan.solver.split("(")[0].strip(),
            "max": round(plan.max_wait or 0, 1),
            "naive": round(plan.naive_max_wait or 0, 1),
        },
    )
    return plan


@transaction.atomic
def plan_publish(*, actor, plan: SchedulePlan) -> SchedulePlan:
    """Make the plan the one residents and notices show; a draft campaign becomes scheduled."""
    plan = SchedulePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.published_at is not None:
        return plan
    current = published_plan(plan.campaign)
    if current is not None and current.version > plan.version:
        raise ValidationError(_("A newer schedule is already published."))
    plan.published_at = timezone.now()
    plan.save(update_fields=["published_at", "updated_at"])
    campaign = plan.campaign
    if campaign.state == Campaign.State.DRAFT:
        campaign.state = Campaign.State.SCHEDULED
        campaign.save(update_fields=["state", "updated_at"])
    record(
        plan,
        "update",
        actor=actor,
        message=gettext_noop("Schedule v%(v)s published"),
        params={"v": plan.version},
    )
    return plan


def slots_for_building(campaign: Campaign, building_id: int):
    plan = published_plan(campaign)
    if plan is None:
        return []
    return list(plan.slots.filter(area_id=building_id).select_related("site__place").order_by("start"))
