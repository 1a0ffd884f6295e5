"""Residents' requests: filed from the phone page, an entrance head, the phone line, observation's daily
reports or a door-knock visit; escalated when urgent or overdue; confirmed and rated by the resident."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core.audit import msgid, record, snapshot
from fangkong.core.models import ChangeLog
from fangkong.policies.selectors import PolicyMissing, policy_value

from ..models import (
    KIND_TEAM,
    OPEN_STATES,
    Closure,
    Escalation,
    Request,
    RequestKind,
    RequestState,
    RequestStep,
    Step,
    TeamMember,
)
from .common import OVERDUE_TARGETS_KEY, URGENT_TARGETS_KEY, _user, deadline_for

# Observation's needs (observation.models.Need) → request types.
NEED_KINDS = {
    "food": RequestKind.GROCERIES,
    "medicine": RequestKind.MEDICINE,
    "parcels": RequestKind.PARCELS,
    "rubbish": RequestKind.RUBBISH,
    "psychological": RequestKind.PSYCHOLOGICAL,
}


def _covering(area: Area, *, open_only: bool = True):
    paths = [area.path[:i] for i in range(4, len(area.path) + 1, 4)]
    qs = Closure.objects.filter(area_path__in=paths)
    if open_only:
        qs = qs.filter(ended_at__isnull=True)
    return qs.order_by("-area_path", "-start")


def closure_for(area: Area, *, open_only: bool = True) -> Closure | None:
    """The closure covering an area (the most specific one)."""
    return _covering(area, open_only=open_only).first()


def _vulnerable_entries(household_path: str):
    from fangkong.people.models import VulnerableEntry

    return VulnerableEntry.objects.filter(area_path__startswith=household_path, active=True)


def household_vulnerable(household_path: str) -> bool:
    return _vulnerable_entries(household_path).exists()


def _priority(kind: str, vulnerable: bool) -> int:
    if kind == RequestKind.URGENT_MEDICAL:
        return 0
    return 1 if vulnerable else 2


def _filing_checks(household: Area, kind: str, closure: Closure | None, person, at):
    """(closure, vulnerable, deadline) of a new request, or the ValidationError that refuses it. The closure
    is read again (it may have ended since the caller loaded it), with the household's vulnerability in
    the same query: the resident's phone page files under load (issue 23), every round trip counts."""
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("Choose a request type.")})
    if household.level != Level.HOUSEHOLD:
        raise ValidationError({"household": _("Choose a household.")})
    closures = Closure.objects.filter(pk=closure.pk) if closure is not None else _covering(household)
    closure = closures.annotate(household_vulnerable=Exists(_vulnerable_entries(household.path))).first()
    if closure is None or not household.path.startswith(closure.area_path):
        raise ValidationError({"household": _("This household is not inside an open closure.")})
    if not closure.is_open:
        raise ValidationError(
            {
                "household": _("The closure %(c)s has ended: call the community for help.")
                % {"c": closure.name}
            }
        )
    if person is not None and person.area_id != household.pk:
        raise ValidationError({"person": _("This resident does not live in this household.")})
    try:
        deadline = deadline_for(kind, at=at, area=household)
    except PolicyMissing as exc:
        raise ValidationError(
            _("No deadline policy for this request type: ask the district office.")
        ) from exc
    return closure, closure.household_vulnerable, deadline


def request_create(
    *,
    actor,
    household: Area,
    kind: str,
    source: str,
    note: str = "",
    person=None,
    contact_phone: str = "",
    client_id: str | None = None,
    source_ref: str = "",
    closure: Closure | None = None,
    at: datetime.datetime | None = None,
) -> Request:
    """File a request for a household of an open closure. With a `client_id` (the phone page's form, an
    offline queue) a retry returns the request already filed instead of a second one. Vulnerable
    households come first; an urgent medical request escalates at once."""
    client_id = (client_id or "").strip()[:64] or None
    try:
        return _request_file(
            actor=actor,
            household=household,
            kind=kind,
            source=source,
            note=note,
            person=person,
            contact_phone=contact_phone,
            client_id=client_id,
            source_ref=source_ref,
            closure=closure,
            at=at or timezone.now(),
        )
    except IntegrityError:
        # A retry of a request already filed (its client id is taken), or two sends of the same form at
        # once where the other one won: the filing's transaction (a savepoint when nested) is rolled
        # back, return the one filed. No SELECT first and no savepoint of its own: a new filing from the
        # phone page is one transaction of five statements.
        existing = Request.objects.filter(client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return existing


@transaction.atomic
def _request_file(
    *, actor, household, kind, source, note, person, contact_phone, client_id, source_ref, closure, at
) -> Request:
    try:
        closure, vulnerable, deadline = _filing_checks(household, kind, closure, person, at)
    except ValidationError:
        # A retry of a request already filed gets it back, even when the closure has ended since.
        existing = Request.objects.filter(client_id=client_id).first() if client_id else None
        if existing is not None:
            return existing
        raise
    req = Request.objects.create(
        area=household,
        area_path=household.path,
        closure=closure,
        person=person,
        kind=kind,
        source=source,
        source_ref=source_ref[:80],
        note=(note or "").strip()[:500],
        contact_phone=(contact_phone or "").strip()[:20],
        deadline=deadline,
        urgent=kind == RequestKind.URGENT_MEDICAL,
        vulnerable=vulnerable,
        priority=_priority(kind, vulnerable),
        client_id=client_id,
        created_by=_user(actor),
    )
    RequestStep.objects.create(
        request=req,
        area_id=req.area_id,
        area_path=req.area_path,
        step=Step.REGISTERED,
        at=at,
        by=_user(actor),
    )
    record(
        req,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("%(kind)s request filed from %(source)s"),
        params={"kind": msgid(RequestKind(kind).label), "source": msgid(Request.Source(source).label)},
    )
    if req.urgent:
        _escalate(req, why=Escalation.Why.URGENT, key=URGENT_TARGETS_KEY, at=at)
    return req


def _contact(req: Request, target: str) -> str:
    c = req.closure
    if target == Escalation.Target.DUTY_PHONE:
        return c.duty_phone
    if target == Escalation.Target.MEDICAL_LEAD:
        return str(c.medical_lead or "")
    lead = (
        TeamMember.objects.filter(team__closure=c, team__kind=KIND_TEAM[req.kind], lead=True, active=True)
        .order_by("pk")
        .first()
    )
    return f"{lead.name} {lead.phone}".strip() if lead else ""


def _escalate(req: Request, *, why: str, key: str, at: datetime.datetime) -> list[Escalation]:
    try:
        targets = policy_value(key, at=at, area=req.area_path)
    except PolicyMissing:
        targets = []
    rows = [
        Escalation(
            request=req,
            area_id=req.area_id,
            area_path=req.area_path,
            target=t,
            why=why,
            contact=_contact(req, t)[:80],
            at=at,
        )
        for t in targets
        if t in Escalation.Target.values
    ]
    made = Escalation.objects.bulk_create(rows, ignore_conflicts=True)
    Request.objects.filter(pk=req.pk, escalated_at__isnull=True).update(escalated_at=at)
    req.escalated_at = req.escalated_at or at
    if made:
        record(
            req,
            ChangeLog.Action.UPDATE,
            actor=None,
            message=gettext_noop("escalated (%(why)s) to %(to)s"),
            params={"why": msgid(Escalation.Why(why).label), "to": ", ".join(targets)},
        )
    return made


@transaction.atomic
def requests_escalate_overdue(*, at: datetime.datetime | None = None) -> int:
    """The overdue scan: every open request past its deadline is escalated to its team lead (once).
    Returns how many requests were newly escalated."""
    at = at or timezone.now()
    due = (
        Request.objects.filter(state__in=OPEN_STATES, deadline__lt=at)
        .exclude(escalations__why=Escalation.Why.OVERDUE)
        .select_related("closure")
    )
    n = 0
    for req in due:
        if _escalate(req, why=Escalation.Why.OVERDUE, key=OVERDUE_TARGETS_KEY, at=at):
            n += 1
    return n


@transaction.atomic
def request_confirm(
    *, actor, request: Request, rating: int | None = None, comment: str = ""
) -> tuple[Request, bool]:
    """The resident confirms receipt (and may rate, 1 to 5). Confirming again changes nothing; returns the
    request and whether this call confirmed it."""
    req = Request.objects.select_for_update().get(pk=request.pk)
    if rating not in (None, ""):
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
    else:
        rating = None
    if req.state == RequestState.CONFIRMED:
        if rating is not None and req.rating is None:
            req.rating, req.rating_note = rating, (comment or "")[:300]
            req.save(update_fields=["rating", "rating_note", "updated_at"])
        return req, False
    if req.state != RequestState.DELIVERED:
        raise ValidationError(_("This request has not been delivered yet."))
    before = snapshot(req)
    req.state = RequestState.CONFIRMED
    req.confirmed_at = timezone.now()
    if rating is not None:
        req.rating, req.rating_note = rating, (comment or "")[:300]
    req.save(update_fields=["state", "confirmed_at", "rating", "rating_note", "updated_at"])
    record(
        req, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("receipt confirmed")
    )
    return req, True


@transaction.atomic
def request_cancel(*, actor, request: Request, reason: str) -> Request:
    req = Request.objects.select_for_update().get(pk=request.pk)
    if not req.is_open:
        raise ValidationError(_("Only an open request can be cancelled."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    before = snapshot(req)
    req.state = RequestState.CANCELLED
    req.save(update_fields=["state", "updated_at"])
    record(
        req,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("cancelled: %(r)s"),
        params={"r": reason.strip()[:200]},
    )
    return req


def requests_from_needs(report) -> list[Request]:
    """Observation's hand-off: one request per need of a daily report whose household is inside an open
    closure (idempotent per report and need). Households outside any closure return nothing: the care
    group handles them as before."""
    household = report.area
    if household.level != Level.HOUSEHOLD or closure_for(household) is None:
        return []
    made = []
    for need in report.needs:
        kind = NEED_KINDS.get(need, RequestKind.OTHER)
        made.append(
            request_create(
                actor=None,
                household=household,
                kind=kind,
                source=Request.Source.OBSERVATION,
                source_ref=f"observation.HealthReport:{report.pk}",
                person=report.order.person,
                note=report.needs_note,
                client_id=f"obs-{report.pk}-{need}",
            )
        )
    return made
