"""Cases: open (the screening hand-off or by hand), update, assign; their timeline."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog
from fangkong.people.models import Person

from .. import policy as tpolicy
from ..models import (
    Case,
    CaseSource,
    Classification,
    Severity,
    TimelineEntry,
    Whereabouts,
)
from .common import CASE_STATUS, _check_dates, _user

# ------------------------------------------------------------------ cases


@transaction.atomic
def case_open(
    *,
    actor,
    person,
    sample_date,
    lab="",
    source="manual",
    source_ref="",
    onset_date=None,
    classification="preliminary",
) -> Case:
    """Open a case for a resident with a positive result (the screening app's hand-off or by hand).
    Idempotent on (person, source, source_ref) when source_ref is given: a re-sent lab file opens no
    second case. The transfer deadline comes from policy; the timeline is pre-filled from the scans and
    the registry; the person's status follows the classification."""
    if not isinstance(person, Person) or person.pk is None:
        raise ValidationError(
            {"person": _("Unknown resident: open a case only for a person in the registry.")}
        )
    if source not in CaseSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    if classification not in Classification.values or classification == Classification.EXCLUDED:
        raise ValidationError(
            {"classification": _("A case opens as preliminary positive, confirmed or asymptomatic.")}
        )
    source_ref = (source_ref or "").strip()[:120]
    if source_ref:
        existing = Case.objects.filter(person=person, source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    _check_dates(sample_date=sample_date, onset_date=onset_date)
    hours = int(tpolicy.value(tpolicy.TRANSFER_HOURS, area=person.area_path))
    try:
        with transaction.atomic():
            case = Case.objects.create(
                area_id=person.area_id,
                area_path=person.area_path,
                person=person,
                classification=classification,
                onset_date=onset_date,
                sample_date=sample_date,
                lab=(lab or "")[:120],
                source=source,
                source_ref=source_ref,
                transfer_deadline=timezone.now() + datetime.timedelta(hours=hours),
                opened_by=_user(actor),
            )
    except IntegrityError:  # the same file sent twice at once: the other request opened it
        return Case.objects.get(person=person, source=source, source_ref=source_ref)
    record(case, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("case opened"))
    _person_status(case, actor=actor)
    timeline_prefill(actor=actor, case=case)
    return case


def _person_status(case: Case, *, actor) -> None:
    from fangkong.people.services import person_status_set

    status = CASE_STATUS.get(case.classification)
    if status and case.person.status != status:
        person_status_set(
            actor=actor,
            person=case.person,
            status=status,
            reason=_("Case %(number)s: %(classification)s")
            % {"number": case.number, "classification": case.get_classification_display()},
            source=f"tracing.Case:{case.pk}",
        )


@transaction.atomic
def case_update(
    *,
    actor,
    case: Case,
    classification: str | None = None,
    severity: str | None = None,
    whereabouts: str | None = None,
    onset_date=None,
    notes: str | None = None,
) -> Case:
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    data = {}
    if classification is not None:
        if classification not in Classification.values:
            raise ValidationError({"classification": _("Unknown classification.")})
        data["classification"] = classification
    if severity is not None:
        if severity not in Severity.values:
            raise ValidationError({"severity": _("Unknown severity.")})
        data["severity"] = severity
    if whereabouts is not None:
        if whereabouts not in Whereabouts.values:
            raise ValidationError({"whereabouts": _("Unknown whereabouts.")})
        data["whereabouts"] = whereabouts
        if whereabouts != Whereabouts.HOME and case.transferred_at is None:
            data["transferred_at"] = timezone.now()
    if onset_date is not None:
        _check_dates(sample_date=case.sample_date, onset_date=onset_date)
        data["onset_date"] = onset_date
    if notes is not None:
        data["notes"] = notes
    case, changed = model_update(case, data, actor=actor, message=gettext_noop("case updated"))
    if changed and "classification" in data:
        _person_status(case, actor=actor)
    return case


@transaction.atomic
def case_assign(*, actor, case: Case, users) -> Case:
    """Assign the investigators (the team that may open this case wherever they work)."""
    before = sorted(case.investigators.values_list("pk", flat=True))
    case.investigators.set(users)
    after = sorted(u.pk for u in users)
    if before != after:
        record(
            case,
            ChangeLog.Action.UPDATE,
            actor=actor,
            message=gettext_noop("investigators: %(names)s"),
            params={"names": "、".join(sorted(u.display_name or u.username for u in users))},
        )
    return case


# ------------------------------------------------------------------ timeline


@transaction.atomic
def timeline_prefill(*, actor, case: Case) -> int:
    """Timeline rows from the person's gate scans over the look-back window and from the registry
    (the household; the workplace when recorded). Running it again adds only what is new."""
    from fangkong.gates.models import ScanEvent, ScanVisitor

    start, end = tpolicy.lookback(case)
    t0 = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    t1 = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()))
    scans = ScanEvent.objects.filter(
        person_id=case.person_id, scanned_at__gte=t0, scanned_at__lt=t1
    ).values_list("pk", "place_id", "place__name", "scanned_at", "direction")
    # Scans at gates of other communities name nobody; the visitor link says they were the case's.
    visits = ScanVisitor.objects.filter(
        person_id=case.person_id, scanned_at__gte=t0, scanned_at__lt=t1
    ).values_list("scan_id", "place_id", "place__name", "scanned_at", "scan__direction")
    rows = []
    for pk, place_id, place_name, at, direction in [*scans, *visits]:
        local = timezone.localtime(at)
        rows.append(
            TimelineEntry(
                area_id=case.area_id,
                area_path=case.area_path,
                case=case,
                day=local.date(),
                place_id=place_id,
                text=f"{place_name} · {_('in') if direction == 'in' else _('out')}",
                time_from=local.time().replace(second=0, microsecond=0),
                source=TimelineEntry.Source.SCAN,
                scan_id=pk,
            )
        )
    household = case.person.area.full_name()
    rows.append(
        TimelineEntry(
            area_id=case.area_id,
            area_path=case.area_path,
            case=case,
            day=start,
            text=_("Lives at %(household)s") % {"household": household},
            source=TimelineEntry.Source.REGISTRY,
        )
    )
    before = TimelineEntry.objects.filter(case=case).count()
    TimelineEntry.objects.bulk_create(rows, ignore_conflicts=True)
    made = TimelineEntry.objects.filter(case=case).count() - before
    if made:
        record(
            case,
            ChangeLog.Action.UPDATE,
            actor=actor,
            message=gettext_noop("timeline pre-filled from %(scans)s scans"),
            params={"scans": len(rows) - 1},
        )
    return made


@transaction.atomic
def timeline_add(
    *, actor, case: Case, day, place=None, text: str = "", time_from=None, time_to=None
) -> TimelineEntry:
    text = (text or "").strip()
    if place is None and not text:
        raise ValidationError({"text": _("Give a place or say where.")})
    start, end = tpolicy.lookback(case)
    if day is None or not start <= day <= end:
        raise ValidationError(
            {"day": _("A day in the look-back window, %(start)s to %(end)s.") % {"start": start, "end": end}}
        )
    if time_from and time_to and time_to < time_from:
        raise ValidationError({"time_to": _("The end is before the start.")})
    entry = TimelineEntry.objects.create(
        area_id=case.area_id,
        area_path=case.area_path,
        case=case,
        day=day,
        place=place,
        text=text[:200],
        time_from=time_from,
        time_to=time_to,
        source=TimelineEntry.Source.TOLD,
        added_by=_user(actor),
    )
    record(entry, ChangeLog.Action.CREATE, actor=actor)
    return entry
