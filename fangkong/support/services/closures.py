"""Closures (封闭管理) and their seven service teams."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level, Place
from fangkong.core.audit import msgid, record, snapshot
from fangkong.core.models import ChangeLog
from fangkong.policies.selectors import PolicyMissing, policy_in_force, policy_value

from ..models import OPEN_STATES, Closure, NegativeCheck, Request, Team, TeamKind, TeamMember
from .common import NEGATIVE_DAYS_KEY, POLICY_KEYS, _user

CLOSABLE_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID, Level.BUILDING)


def closure_counts(area_path: str) -> dict[str, int]:
    """Everyone the closure affects, from the registry: residents, the vulnerable (active ledger entries),
    those under observation (an open order) and those without a phone on record."""
    from django.db.models import Count, Exists, OuterRef, Q

    from fangkong.people.models import Person, VulnerableEntry

    people = Person.objects.filter(area_path__startswith=area_path)
    vulnerable = VulnerableEntry.objects.filter(person=OuterRef("pk"), active=True)
    annotations = {"vul": Exists(vulnerable)}
    if apps.is_installed("fangkong.observation"):
        from fangkong.observation.models import OPEN_STATUSES, ObservationOrder

        annotations["obs"] = Exists(
            ObservationOrder.objects.filter(person=OuterRef("pk"), status__in=OPEN_STATUSES)
        )
    people = people.annotate(**annotations)
    agg = people.aggregate(
        affected=Count("pk"),
        vulnerable=Count("pk", filter=Q(vul=True)),
        unreachable=Count("pk", filter=Q(phone_hash="")),
        **({"observed": Count("pk", filter=Q(obs=True))} if "obs" in annotations else {}),
    )
    agg.setdefault("observed", 0)
    return agg


@transaction.atomic
def closure_declare(
    *,
    actor,
    area: Area,
    reason: str,
    name: str = "",
    start: datetime.datetime | None = None,
    checkpoints=(),
    duty_phone: str = "",
    medical_lead=None,
) -> Closure:
    """Declare `area` closed from `start`, with its checkpoints; opens the seven service teams and counts
    the people it affects. An area already inside an open closure cannot be closed twice."""
    if area.level not in CLOSABLE_LEVELS:
        raise ValidationError({"area": _("Choose a street, community, grid or building to close.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the closure.")})
    overlapping = Closure.objects.filter(ended_at__isnull=True).filter(
        area_path__in=[area.path[:i] for i in range(4, len(area.path) + 1, 4)]
    ) | Closure.objects.filter(ended_at__isnull=True, area_path__startswith=area.path)
    if overlapping.exists():
        raise ValidationError(
            {
                "area": _("This area is already inside an open closure: %(c)s")
                % {"c": overlapping.first().name}
            }
        )
    start = start or timezone.now()
    versions, sources = {}, []
    for key in POLICY_KEYS:
        try:
            p = policy_in_force(key, at=start, area=area)
        except PolicyMissing:
            continue
        versions[key] = p.version
        if p.source and p.source not in sources:
            sources.append(p.source)
    bad = [
        c
        for c in checkpoints
        if c.kind != Place.Kind.CHECKPOINT or not c.area_path.startswith(area.path[:12])
    ]
    if bad:
        raise ValidationError(
            {"checkpoints": _("Not a checkpoint of this area: %(p)s") % {"p": ", ".join(str(c) for c in bad)}}
        )
    closure = Closure.objects.create(
        area=area,
        area_path=area.path,
        name=(name or area.name)[:120],
        start=start,
        declared_by=_user(actor),
        reason=reason[:300],
        policy_source="；".join(sources)[:300],
        policy_versions=versions,
        duty_phone=duty_phone[:30],
        medical_lead=medical_lead,
        **closure_counts(area.path),
    )
    closure.checkpoints.set(checkpoints)
    Team.objects.bulk_create(
        [Team(closure=closure, kind=k, area_id=area.pk, area_path=area.path) for k in TeamKind.values]
    )
    record(
        closure,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("closure declared: %(n)s residents affected"),
        params={"n": closure.affected},
    )
    return closure


@transaction.atomic
def closure_end(*, actor, closure: Closure, reason: str = "") -> int:
    """End a closure. Its open requests are not lost: they stay on the board and in every list and can
    still be assigned and delivered (new requests are refused). Returns how many were still open."""
    closure = Closure.objects.select_for_update().get(pk=closure.pk)
    if not closure.is_open:
        raise ValidationError(_("This closure has already ended."))
    before = snapshot(closure)
    closure.ended_at = timezone.now()
    closure.ended_by = _user(actor)
    closure.end_reason = (reason or "").strip()[:300]
    closure.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
    still_open = Request.objects.filter(closure=closure, state__in=OPEN_STATES).count()
    record(
        closure,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("closure ended with %(n)s requests still open"),
        params={"n": still_open},
    )
    return still_open


def member_eligible(*, person_id: int | None, at: datetime.datetime, area) -> bool:
    """Where testing data exists (the screening app), a person may serve only with a negative result
    within the policy's window; without screening, or for a user with no resident record, everyone is."""
    if person_id is None or not apps.is_installed("fangkong.screening"):
        return True
    try:
        from fangkong.screening.selectors import negative_since
    except ImportError:
        return True
    days = int(policy_value(NEGATIVE_DAYS_KEY, at=at, area=area))
    return person_id in negative_since([person_id], at - datetime.timedelta(days=days))


def volunteer_resident(*, closure: Closure, name: str, phone: str):
    """The resident of the closed area a named volunteer is: same phone (through the HMAC index) and same
    name. None when the volunteer cannot be found there (no phone given, not registered, another name)."""
    from fangkong.core import crypto
    from fangkong.core.identity import normalise_phone
    from fangkong.people.models import Person

    digits = normalise_phone(phone) if any(ch.isdigit() for ch in phone or "") else ""
    if not digits or not name:
        return None
    return (
        Person.objects.filter(
            area_path__startswith=closure.area_path,
            phone_hash=crypto.blind_index(digits, kind="phone"),
            name=name,
        )
        .order_by("pk")
        .first()
    )


def _served_paths(user) -> list[str]:
    from fangkong.accounts.models import Scope

    return list(Scope.objects.filter(user=user).values_list("area_path", flat=True))


@transaction.atomic
def team_member_add(
    *,
    actor,
    team: Team,
    user=None,
    person=None,
    name: str = "",
    phone: str = "",
    lead: bool = False,
    worker=None,
) -> TeamMember:
    """A user or a named volunteer joins a team (the closure's area). A user must serve the closed area
    (a scope in it, or above it: the street's doctor). A named volunteer is looked up among the closure's
    residents: found, they need a recent negative test where testing data exists; not found, they join
    marked as unchecked, so the team lead sees who could not be checked.

    A worker from the workforce registry (issue 20) brings their name, phone, account and resident record;
    they must be one the writer may see and serve in or above the closed area (else the same answer as an
    unknown worker), and the negative-test rule is checked against their own results."""
    if worker is not None:
        worker = _worker_for_team(actor, team, worker)
        user = user or worker.user
        person = person or worker.person
        name = name or worker.name
        if TeamMember.objects.filter(team=team, worker=worker, active=True).exists():
            raise ValidationError({"worker": _("%(u)s is already in this team.") % {"u": worker.name}})
    if user is not None and not name:
        name = getattr(user, "display_name", "") or user.get_full_name() or user.username
    name = name or (person.name if person else "")
    name = name.strip()[:50]
    phone = (phone or "").strip()[:20]
    if not name:
        raise ValidationError({"name": _("Give the member's name or choose a user.")})
    if not team.closure.is_open:
        raise ValidationError(_("This closure has ended."))
    if user is not None and worker is None:
        served = _served_paths(user)
        if not any(team.area_path.startswith(p) or p.startswith(team.area_path) for p in served):
            # The same answer as the form's for a user it does not offer.
            raise ValidationError({"user": _("Choose a user who serves this area.")})
    if user is not None and TeamMember.objects.filter(team=team, user=user, active=True).exists():
        raise ValidationError({"user": _("%(u)s is already in this team.") % {"u": user}})
    check = ""
    if user is None or worker is not None:
        if worker is None:
            person = person or volunteer_resident(closure=team.closure, name=name, phone=phone)
        check = NegativeCheck.UNCHECKED
    if person is not None:
        if not member_eligible(person_id=person.pk, at=timezone.now(), area=team.area):
            raise ValidationError(
                {
                    ("worker" if worker is not None else "person"): _(
                        "%(n)s has no negative test within the policy's window and may not serve yet."
                    )
                    % {"n": name}
                }
            )
        if apps.is_installed("fangkong.screening"):
            check = NegativeCheck.NEGATIVE
    member = TeamMember.objects.create(
        team=team,
        area_id=team.area_id,
        area_path=team.area_path,
        user=user,
        person=person,
        worker=worker,
        name=name,
        phone=phone,
        lead=lead,
        test_check=check,
    )
    record(
        member,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("joined the %(t)s team"),
        params={"t": msgid(TeamKind(team.kind).label)},
    )
    return member


def _worker_for_team(actor, team: Team, worker):
    """The worker if the writer may see them and they serve in or above the team's area (their team's
    community, or the street they were sent to); else the answer of a worker that does not exist."""
    from fangkong.core.scoping import user_can_see_path

    unknown = ValidationError({"worker": _("Choose a worker in your jurisdiction.")})
    if actor is not None and not (
        user_can_see_path(actor, "workforce.view_worker", worker.area_path)
        and user_can_see_path(actor, "support.add_teammember", worker.area_path)
    ):
        raise unknown
    if not (team.area_path.startswith(worker.area_path) or worker.area_path.startswith(team.area_path)):
        raise ValidationError({"worker": _("Choose a worker who serves this area.")})
    if worker.status != "active":
        raise ValidationError({"worker": _("This worker is not active.")})
    return worker


@transaction.atomic
def team_member_remove(*, actor, member: TeamMember) -> TeamMember:
    before = snapshot(member)
    member.active = False
    member.save(update_fields=["active", "updated_at"])
    record(member, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("left the team"))
    return member
