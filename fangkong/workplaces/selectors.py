"""Reads of workplaces, always through visible_to(viewer) (a workplace contact: their own workplace)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.people.models import Person

from .models import Plan, Room, StaffMember, Violation, Workplace

OPEN = Q(violations__resolved_at__isnull=True)


def workplace_list(*, viewer, perm: str | None = None) -> QuerySet[Workplace]:
    return (
        Workplace.objects.visible_to(viewer, perm)
        .select_related("area", "parent")
        .annotate(open_violations=Count("violations", filter=OPEN))
    )


def contact_workplaces(*, user) -> QuerySet[Workplace]:
    """The workplaces `user` is the safety contact of (and may see)."""
    return Workplace.objects.visible_to(user).filter(safety_contact_user=user)


def workplace_detail(*, viewer, workplace: Workplace) -> dict:
    """What the detail page shows beside the workplace: each list limited by the viewer's permissions."""

    def can(perm):
        return viewer.has_perm(perm)

    out = {
        "tenants": Workplace.objects.visible_to(viewer).filter(parent=workplace).order_by("name"),
        "plans": Plan.objects.visible_to(viewer).filter(workplace=workplace).select_related("approved_by")
        if can("workplaces.view_plan")
        else Plan.objects.none(),
        "staff": StaffMember.objects.visible_to(viewer)
        .filter(workplace=workplace)
        .select_related("room__dormitory")[:50]
        if can("workplaces.view_staffmember")
        else [],
        "staff_count": StaffMember.objects.visible_to(viewer).filter(workplace=workplace, active=True).count()
        if can("workplaces.view_staffmember")
        else 0,
        "rooms": Room.objects.visible_to(viewer)
        .filter(workplace=workplace)
        .select_related("dormitory")
        .annotate(open_violations=Count("violations", filter=Q(violations__resolved_at__isnull=True)))
        .order_by("dormitory__name", "number")
        if can("workplaces.view_room")
        else [],
        "violations": Violation.objects.visible_to(viewer)
        .filter(workplace=workplace, resolved_at__isnull=True)
        .select_related("room__dormitory", "policy")
        if can("workplaces.view_violation")
        else [],
    }
    return out


def workplace_colleagues(person) -> list[tuple[Person, str]]:
    """Staff-list colleagues of `person`: the same shift at the same workplace, or the same dormitory room
    (tracing's hook; the investigation's own scoping decides what it shows). Two queries."""
    mine = list(
        StaffMember.objects.filter(person=person, active=True).select_related("workplace", "room__dormitory")
    )
    if not mine:
        return []
    q = Q(pk__in=[])
    for m in mine:
        if m.shift:
            q |= Q(workplace_id=m.workplace_id, shift=m.shift)
        if m.room_id:
            q |= Q(room_id=m.room_id)
    found: dict[int, list[str]] = {}
    people: dict[int, Person] = {}
    for other in (
        StaffMember.objects.filter(q, active=True, person__isnull=False)
        .exclude(person=person)
        .select_related("person", "workplace", "room__dormitory")
        .order_by("pk")
    ):
        people[other.person_id] = other.person
        for m in mine:
            if m.shift and other.workplace_id == m.workplace_id and other.shift == m.shift:
                found.setdefault(other.person_id, []).append(_shift_text(m.workplace.name, m.shift))
            if m.room_id and other.room_id == m.room_id:
                found.setdefault(other.person_id, []).append(
                    _("same dormitory room (%(dorm)s %(room)s)")
                    % {"dorm": m.room.dormitory.name, "room": m.room.number}
                )
    return [(people[pid], "；".join(dict.fromkeys(reasons))) for pid, reasons in found.items()]


def _shift_text(workplace: str, shift: str) -> str:
    from .models import Shift

    label = dict(Shift.choices).get(shift)
    return _("same shift at %(workplace)s (%(shift)s)") % {"workplace": workplace, "shift": label or shift}
