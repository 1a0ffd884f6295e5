"""Writes of the investigation. Each function is one transaction and writes its change-log record."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, msgid, record, record_bulk
from fangkong.core.models import ChangeLog
from fangkong.people.models import Person, PersonStatus

from . import hooks, selectors
from . import policy as tpolicy
from .models import (
    Case,
    CaseLink,
    CaseSource,
    Classification,
    Cluster,
    Contact,
    ContactKind,
    RiskArea,
    ScreeningTask,
    Severity,
    TimelineEntry,
    Whereabouts,
)

CASE_STATUS = {
    Classification.PRELIMINARY: PersonStatus.PRELIMINARY_POSITIVE,
    Classification.CONFIRMED: PersonStatus.CONFIRMED,
    Classification.ASYMPTOMATIC: PersonStatus.CONFIRMED,
}
MAX_PAST = datetime.timedelta(days=60)


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _check_dates(*, sample_date, onset_date) -> None:
    today = timezone.localdate()
    if sample_date is None:
        raise ValidationError({"sample_date": _("Give the sample date.")})
    if not today - MAX_PAST <= sample_date <= today:
        raise ValidationError(
            {"sample_date": _("A sample date within the last %(days)d days.") % {"days": MAX_PAST.days}}
        )
    if onset_date is not None and not (today - MAX_PAST <= onset_date <= today):
        raise ValidationError(
            {"onset_date": _("An onset date within the last %(days)d days.") % {"days": MAX_PAST.days}}
        )


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
    from fangkong.gates.models import ScanEvent

    start, end = tpolicy.lookback(case)
    t0 = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    t1 = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()))
    scans = ScanEvent.objects.filter(
        person_id=case.person_id, scanned_at__gte=t0, scanned_at__lt=t1
    ).values_list("pk", "place_id", "place__name", "scanned_at", "direction")
    rows = []
    for pk, place_id, place_name, at, direction in scans:
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


# ------------------------------------------------------------------ contacts


def _merge(existing: list, new: list) -> list:
    have = {str(sorted(e.items())) for e in existing}
    return existing + [e for e in new if str(sorted(e.items())) not in have]


@transaction.atomic
def candidates_find(*, actor, case: Case) -> int:
    """List the candidate contacts of a case with the reason for each: the household, co-presence at a
    place over the look-back window (policy window and minimum overlap), the workplace hook. Contacts
    already confirmed or dismissed keep their state (new evidence is added). Returns how many are new."""
    return candidates_find_many(actor=actor, cases=[case])


def candidates_find_many(*, actor, cases) -> int:
    """The same for many cases at once: one co-presence query for all of them."""
    cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("person", "person__area"))
    if not cases:
        return 0
    with transaction.atomic():
        found: dict[tuple[int, int], tuple[str, list]] = {}

        def add(case, person_id, kind, evidence):
            if person_id == case.person_id:
                return
            key = (case.pk, person_id)
            if key in found:
                found[key] = (found[key][0], found[key][1] + evidence)
            else:
                found[key] = (kind, evidence)

        # Household: everyone registered in the same household area.
        by_household: dict[int, list] = {}
        for pid, area_id in Person.objects.filter(area_id__in={c.person.area_id for c in cases}).values_list(
            "pk", "area_id"
        ):
            by_household.setdefault(area_id, []).append(pid)
        for case in cases:
            for pid in by_household.get(case.person.area_id, []):
                add(
                    case,
                    pid,
                    ContactKind.HOUSEHOLD,
                    [{"kind": "household", "household": case.person.area.full_name()}],
                )
        # Co-presence: one set-based query over the scans of all the cases' people.
        window, min_overlap = tpolicy.window(area=cases[0].area_path)
        starts, ends = zip(*(tpolicy.lookback(c) for c in cases), strict=True)
        t0 = timezone.make_aware(datetime.datetime.combine(min(starts), datetime.time()))
        t1 = timezone.make_aware(
            datetime.datetime.combine(max(ends) + datetime.timedelta(days=1), datetime.time())
        )
        pairs = selectors.copresence(
            person_ids=[c.person_id for c in cases], start=t0, end=t1, window=window, min_overlap=min_overlap
        )
        for case in cases:
            for other, evidence in pairs.get(case.person_id, {}).items():
                add(case, other, ContactKind.COPRESENCE, evidence)
            for colleague, reason in hooks.workplace_colleagues(case.person):
                add(case, colleague.pk, ContactKind.WORKPLACE, [{"kind": "workplace", "reason": reason}])
        if not found:
            return 0
        people = {
            p.pk: p
            for p in Person.objects.filter(pk__in={pid for _c, pid in found}).only(
                "pk", "area_id", "area_path"
            )
        }
        case_by_id = {c.pk: c for c in cases}
        existing = {
            (c.case_id, c.person_id): c
            for c in Contact.objects.filter(case_id__in=case_by_id, person_id__in=people).select_for_update()
        }
        new, changed = [], []
        for (case_id, pid), (kind, evidence) in found.items():
            overlap = max((e.get("overlap", 0) for e in evidence), default=0) or None
            if (case_id, pid) in existing:
                c = existing[(case_id, pid)]
                merged = _merge(c.evidence or [], evidence)
                if merged != c.evidence:
                    c.evidence = merged
                    c.overlap_minutes = max(c.overlap_minutes or 0, overlap or 0) or None
                    changed.append(c)
                continue
            p = people[pid]
            case = case_by_id[case_id]
            new.append(
                Contact(
                    area_id=p.area_id,
                    area_path=p.area_path,
                    case_id=case_id,
                    case_area_path=case.area_path,
                    person_id=pid,
                    kind=kind,
                    evidence=evidence,
                    overlap_minutes=overlap,
                )
            )
        Contact.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        if changed:
            Contact.objects.bulk_update(changed, ["evidence", "overlap_minutes"], batch_size=2000)
        for case in cases:
            n = sum(1 for c in new if c.case_id == case.pk)
            record(
                case,
                ChangeLog.Action.UPDATE,
                actor=actor,
                message=gettext_noop("%(n)s new candidate contacts listed"),
                params={"n": n},
            )
        return len(new)


@transaction.atomic
def contact_name(*, actor, case: Case, person, note: str = "") -> Contact:
    """A person the case names (met, visited): a candidate with the note as its reason."""
    if not isinstance(person, Person) or person.pk is None:
        raise ValidationError({"person": _("Unknown resident.")})
    if person.pk == case.person_id:
        raise ValidationError({"person": _("The case cannot be their own contact.")})
    evidence = [{"kind": "named", "note": (note or "").strip()[:200]}]
    contact = Contact.objects.select_for_update().filter(case=case, person=person).first()
    if contact is not None:
        contact.evidence = _merge(contact.evidence or [], evidence)
        contact.save(update_fields=["evidence", "updated_at"])
        return contact
    contact = Contact.objects.create(
        area_id=person.area_id,
        area_path=person.area_path,
        case=case,
        case_area_path=case.area_path,
        person=person,
        kind=ContactKind.NAMED,
        evidence=evidence,
    )
    record(contact, ChangeLog.Action.CREATE, actor=actor)
    return contact


def order_type_for(degree: str, *, area=None) -> tuple[str, str]:
    """(order type, reason) of a confirmed contact's observation order, from policy."""
    from fangkong.observation.models import OrderType

    secondary = degree == Contact.Degree.SECONDARY
    key = tpolicy.SECONDARY_CENTRALIZED if secondary else tpolicy.CLOSE_CENTRALIZED
    order_type = OrderType.CENTRALIZED if tpolicy.value(key, area=area) else OrderType.HOME
    return order_type, ("secondary_contact" if secondary else "close_contact")


@transaction.atomic
def contacts_confirm(*, actor, contacts, degree: str = Contact.Degree.CLOSE, start=None) -> dict:
    """Confirm many contacts in one action: each gets its observation order (type and end from policy)
    in the community of the person's household. A contact already confirmed (or dismissed) is reported
    and left alone, so a double click or a retry orders no one twice. Returns {"confirmed": [...],
    "orders": [...], "skipped": [(contact, why)]}."""
    from fangkong.observation import services as observation

    if degree not in Contact.Degree.values:
        raise ValidationError({"degree": _("Unknown degree.")})
    ids = [c.pk for c in contacts]
    rows = list(
        Contact.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("person", "case")
        .order_by("pk")
    )
    if (
        degree == Contact.Degree.SECONDARY
        and rows
        and not tpolicy.secondary_tracked(area=rows[0].case.area_path)
    ):
        raise ValidationError({"degree": _("Secondary contacts are not tracked under the policy in force.")})
    out = {"confirmed": [], "orders": [], "skipped": []}
    now = timezone.now()
    start = start or timezone.localdate()
    for c in rows:
        if c.state == Contact.State.CONFIRMED:
            out["skipped"].append((c, _("already confirmed")))
            continue
        if c.person_id == c.case.person_id:
            out["skipped"].append((c, _("this is the case")))
            continue
        order_type, reason = order_type_for(degree, area=c.area_path)
        order = observation.order_create(
            actor=actor,
            person=c.person,
            order_type=order_type,
            reason=reason,
            source=f"tracing.Contact:{c.pk}",
            start=start,
        )
        c.state, c.degree, c.order = Contact.State.CONFIRMED, degree, order
        c.decided_by, c.decided_at = _user(actor), now
        out["confirmed"].append(c)
        out["orders"].append(order)
    if out["confirmed"]:
        Contact.objects.bulk_update(
            out["confirmed"], ["state", "degree", "order", "decided_by", "decided_at", "updated_at"]
        )
        record_bulk(
            out["confirmed"],
            ChangeLog.Action.UPDATE,
            actor=actor,
            message=gettext_noop("confirmed as %(degree)s"),
            params={"degree": msgid(Contact.Degree(degree).label)},
        )
    return out


@transaction.atomic
def contacts_dismiss(*, actor, contacts, reason: str = "") -> int:
    ids = [c.pk for c in contacts]
    rows = list(Contact.objects.select_for_update().filter(pk__in=ids, state=Contact.State.CANDIDATE))
    now = timezone.now()
    for c in rows:
        c.state, c.decided_by, c.decided_at = Contact.State.DISMISSED, _user(actor), now
    Contact.objects.bulk_update(rows, ["state", "decided_by", "decided_at", "updated_at"])
    record_bulk(
        rows,
        ChangeLog.Action.UPDATE,
        actor=actor,
        message=gettext_noop("dismissed: %(reason)s"),
        params={"reason": reason},
    )
    return len(rows)


# ------------------------------------------------------------------ chains


def _downstream(case_id: int) -> set[int]:
    """Every case reachable from `case_id` along source → case links."""
    edges: dict[int, list[int]] = {}
    for src, dst in CaseLink.objects.values_list("source_id", "case_id"):
        edges.setdefault(src, []).append(dst)
    seen, todo = set(), [case_id]
    while todo:
        n = todo.pop()
        for m in edges.get(n, []):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


@transaction.atomic
def case_link(*, actor, source: Case, case: Case, kind: str, evidence: str) -> CaseLink:
    """Record the likely source of a case. A link that would close a loop (A → B → A) is refused."""
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Unknown contact type.")})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Give the evidence.")})
    if source.pk == case.pk:
        raise ValidationError({"source": _("A case cannot be its own source.")})
    # Serialise link writes so two investigators cannot close a loop at the same moment.
    list(Case.objects.select_for_update().filter(pk__in=[source.pk, case.pk]).values_list("pk", flat=True))
    if CaseLink.objects.filter(source=source, case=case).exists():
        raise ValidationError({"source": _("This link is already recorded.")})
    if source.pk in _downstream(case.pk):
        raise ValidationError(
            {
                "source": _("%(source)s already descends from %(case)s: the link would make a loop.")
                % {"source": source.number, "case": case.number}
            }
        )
    link = CaseLink.objects.create(
        area_id=case.area_id,
        area_path=case.area_path,
        source=source,
        case=case,
        kind=kind,
        evidence=evidence.strip()[:300],
        decided_by=_user(actor),
    )
    record(link, ChangeLog.Action.CREATE, actor=actor)
    return link


@transaction.atomic
def cluster_create(*, actor, name: str, area, cases=(), notes: str = "") -> Cluster:
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the cluster a name.")})
    cluster = Cluster.objects.create(
        area=area, area_path=area.path, name=name.strip()[:120], notes=notes, created_by=_user(actor)
    )
    record(cluster, ChangeLog.Action.CREATE, actor=actor)
    if cases:
        cluster_add(actor=actor, cluster=cluster, cases=cases)
    return cluster


@transaction.atomic
def cluster_add(*, actor, cluster: Cluster, cases) -> int:
    rows = list(Case.objects.filter(pk__in=[c.pk for c in cases]).exclude(cluster=cluster))
    for c in rows:
        model_update(c, {"cluster": cluster}, actor=actor, message=gettext_noop("added to a cluster"))
    return len(rows)


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
    from fangkong.gates.models import ReturneeNotice, ScanEvent

    action = risk_action(risk_area.level, at=risk_area.valid_from)
    if action not in ScreeningTask.Action.values:
        raise ValidationError(_("The policy asks for an unknown action: %(action)s") % {"action": action})
    end = risk_area.valid_to or timezone.now()
    scans = ScanEvent.objects.filter(
        person__isnull=False, scanned_at__gte=risk_area.valid_from, scanned_at__lt=end
    )
    if risk_area.place_id:
        scans = scans.filter(place_id=risk_area.place_id)
    elif risk_area.area_id:
        scans = scans.filter(area_path__startswith=risk_area.area.path)
    else:
        scans = scans.filter(travel_from__contains=risk_area.region)
    evidence: dict[int, dict] = {}
    for pid, place_name, at in scans.order_by("scanned_at").values_list(
        "person_id", "place__name", "scanned_at"
    ):
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
