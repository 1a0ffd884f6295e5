"""Risk areas (policy data with dates) and the 大数据排查 tasks they give."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog
from fangkong.people.models import Person

from .. import policy as tpolicy
from ..models import (
    RiskArea,
    ScreeningTask,
)
from .common import _user

# ------------------------------------------------------------------ risk areas and 大数据排查


@transaction.atomic
def risk_area_create(
    *, actor, level: str, valid_from, source: str, area=None, place=None, region: str = "", valid_to=None
) -> RiskArea:
    if level not in RiskArea.Level.values:
        raise ValidationError({"level": _("Unknown level.")})
    region = (region or "").strip()
    if sum(x is not None and x != "" for x in (area, place, region)) != 1:
        raise ValidationError(_("Name exactly one of: an area, a place, a region outside the district."))
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationError({"valid_to": _("The end is before the start.")})
    if not (source or "").strip():
        raise ValidationError({"source": _("Give the source (the notice that declared it).")})
    ra = RiskArea.objects.create(
        area=area,
        place=place,
        region=region[:60],
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source.strip()[:200],
        created_by=_user(actor),
    )
    record(ra, ChangeLog.Action.CREATE, actor=actor)
    return ra


@transaction.atomic
def risk_area_end(*, actor, risk_area: RiskArea, valid_to) -> RiskArea:
    if valid_to <= risk_area.valid_from:
        raise ValidationError({"valid_to": _("The end is before the start.")})
    risk_area, _changed = model_update(
        risk_area, {"valid_to": valid_to}, actor=actor, message=gettext_noop("risk area ended")
    )
    return risk_area


def risk_action(level: str, *, at=None) -> str:
    observe = tpolicy.value(tpolicy.RISK_OBSERVE.format(level=level), at=at)
    return ScreeningTask.Action.OBSERVATION if observe else ScreeningTask.Action.TESTING


@transaction.atomic
def screening_run(*, actor, risk_area: RiskArea) -> dict:
    """大数据排查 of one risk area: everyone whose scans put them in the area or place during its window,
    and arrivals from it as the gates recorded them (travel_from), each with the action the policy asks,
    as tasks of the community of their household. Running it again adds no duplicates."""
    from fangkong.gates.models import ReturneeNotice, ScanEvent, ScanVisitor

    action = risk_action(risk_area.level, at=risk_area.valid_from)
    if action not in ScreeningTask.Action.values:
        raise ValidationError(_("The policy asks for an unknown action: %(action)s") % {"action": action})
    end = risk_area.valid_to or timezone.now()
    scans = ScanEvent.objects.filter(
        person__isnull=False, scanned_at__gte=risk_area.valid_from, scanned_at__lt=end
    )
    # Visitors from other communities: their scans name nobody, the visitor link names them.
    visits = ScanVisitor.objects.filter(scanned_at__gte=risk_area.valid_from, scanned_at__lt=end)
    if risk_area.place_id:
        scans = scans.filter(place_id=risk_area.place_id)
        visits = visits.filter(place_id=risk_area.place_id)
    elif risk_area.area_id:
        scans = scans.filter(area_path__startswith=risk_area.area.path)
        visits = visits.filter(place__area_path__startswith=risk_area.area.path)
    else:
        scans = scans.filter(travel_from__contains=risk_area.region)
        visits = visits.filter(scan__travel_from__contains=risk_area.region)
    evidence: dict[int, dict] = {}
    found = [
        *scans.values_list("person_id", "place__name", "scanned_at"),
        *visits.values_list("person_id", "place__name", "scanned_at"),
    ]
    for pid, place_name, at in sorted(found, key=lambda r: r[2]):
        evidence.setdefault(
            pid, {"place": place_name, "at": timezone.localtime(at).isoformat(timespec="minutes")}
        )
    if risk_area.region:
        notices = ReturneeNotice.objects.filter(
            person__isnull=False, travel_from__contains=risk_area.region
        ).values_list("person_id", "travel_from", "arrival_date")
        for pid, frm, arrival in notices:
            if arrival is None or risk_area.valid_from.date() <= arrival <= timezone.localdate(end):
                evidence.setdefault(pid, {"place": frm, "at": arrival.isoformat() if arrival else ""})
    people = dict(Person.objects.filter(pk__in=evidence).values_list("pk", "area_id"))
    paths = dict(Person.objects.filter(pk__in=evidence).values_list("pk", "area_path"))
    before = ScreeningTask.objects.filter(risk_area=risk_area, action=action).count()
    ScreeningTask.objects.bulk_create(
        [
            ScreeningTask(
                area_id=people[pid],
                area_path=paths[pid],
                person_id=pid,
                risk_area=risk_area,
                action=action,
                evidence=ev,
            )
            for pid, ev in evidence.items()
            if pid in people
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    after = ScreeningTask.objects.filter(risk_area=risk_area, action=action).count()
    record(
        risk_area,
        ChangeLog.Action.UPDATE,
        actor=actor,
        message=gettext_noop("screening run: %(new)s new tasks, %(found)s people found"),
        params={"new": after - before, "found": len(evidence)},
    )
    return {"found": len(evidence), "new": after - before}


@transaction.atomic
def task_done(*, actor, task: ScreeningTask) -> ScreeningTask:
    task, _changed = model_update(
        task, {"state": ScreeningTask.State.DONE}, actor=actor, message=gettext_noop("done")
    )
    return task
