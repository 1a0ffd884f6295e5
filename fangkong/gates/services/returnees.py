"""Returnee notices: submit, review, home inspection, decision, household and letter."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import crypto
from fangkong.core.audit import msgid, record, snapshot
from fangkong.core.identity import IdentityError, IdType, mask_id, mask_phone, validate_document
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path
from fangkong.policies.selectors import policy_value

from ..models import (
    FollowUp,
    HomeInspection,
    InspectionPhoto,
    ReturneeNotice,
)
from .passes import pass_issue

# -- returnees ----------------------------------------------------------------------------------------


def _tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(8))


@transaction.atomic
def returnee_notice_submit(
    *,
    actor=None,
    area,
    submitted_by: str,
    name: str,
    id_number: str,
    travel_from: str,
    id_type: str = IdType.RESIDENT,
    phone: str = "",
    arrival_date=None,
    address: str = "",
    submitter_name: str = "",
    submitter_phone: str = "",
    landlord_name: str = "",
    landlord_phone: str = "",
    employer: str = "",
) -> ReturneeNotice:
    """Advance notice (by the person, the landlord or the employer). Returns the notice with its code."""
    from fangkong.people.models import Person

    try:
        number = validate_document(id_type, id_number)
    except IdentityError as exc:
        raise ValidationError({"id_number": [str(exc)]}) from exc
    if submitted_by not in ReturneeNotice.SubmittedBy.values:
        raise ValidationError({"submitted_by": _("Unknown submitter.")})
    id_hash = crypto.blind_index(number, kind="id")
    # Link only a resident of the community the notice is for: a public form must not tie a notice
    # (and its follow-ups) to a resident of another community.
    person = Person.objects.filter(id_hash=id_hash, area_path__startswith=area.path).first()
    notice = ReturneeNotice(
        area=area,
        area_path=area.path,
        tracking_code=_tracking_code(),
        submitted_by=submitted_by,
        submitter_name=submitter_name,
        submitter_phone_masked=mask_phone(submitter_phone) if submitter_phone else "",
        name=name,
        id_type=id_type,
        id_number_enc=crypto.encrypt(number),
        id_hash=id_hash,
        id_masked=mask_id(number),
        phone_enc=crypto.encrypt(phone),
        phone_masked=mask_phone(phone) if phone else "",
        travel_from=travel_from,
        arrival_date=arrival_date,
        address=address,
        landlord_name=landlord_name,
        landlord_phone_enc=crypto.encrypt(landlord_phone),
        landlord_phone_masked=mask_phone(landlord_phone) if landlord_phone else "",
        employer=employer,
        person=person,
    )
    while ReturneeNotice.objects.filter(tracking_code=notice.tracking_code).exists():
        notice.tracking_code = _tracking_code()
    notice.save()
    record(
        notice,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("notice by %(by)s"),
        params={"by": msgid(ReturneeNotice.SubmittedBy(submitted_by).label)},
    )
    if person is not None:
        FollowUp.objects.filter(person=person, notice__isnull=True, status=FollowUp.Status.OPEN).update(
            notice=notice
        )
    return notice


def _stage(
    notice: ReturneeNotice, expected: tuple, *, actor, message: str, params: dict | None = None, **changes
) -> ReturneeNotice:
    n = ReturneeNotice.objects.select_for_update().get(pk=notice.pk)
    if n.stage not in expected:
        raise ValidationError(
            {"stage": _("Not possible at stage “%(stage)s”.") % {"stage": n.get_stage_display()}}
        )
    before = snapshot(n)
    for k, v in changes.items():
        setattr(n, k, v)
    n.save()
    record(n, ChangeLog.Action.UPDATE, actor=actor, before=before, message=message, params=params)
    return n


@transaction.atomic
def returnee_review(*, actor, notice: ReturneeNotice, accept: bool, note: str = "") -> ReturneeNotice:
    """Community review: accept for home inspection, or reject (e.g. a duplicate or false notice)."""
    stage = ReturneeNotice.Stage.INSPECTION if accept else ReturneeNotice.Stage.REJECTED
    return _stage(
        notice,
        (ReturneeNotice.Stage.NOTIFIED,),
        actor=actor,
        message=gettext_noop("review: %(note)s") if note else gettext_noop("reviewed"),
        params={"note": note} if note else None,
        stage=stage,
        decision_note=note,
    )


def observation_conditions(*, area_path: str, at=None) -> list[str]:
    return list(policy_value("returnee.observation.conditions", at=at, area=area_path))


@transaction.atomic
def home_inspection_record(
    *,
    actor,
    notice: ReturneeNotice,
    checklist: dict[str, bool],
    notes: str = "",
    photos: list | None = None,
    at: datetime.datetime | None = None,
) -> HomeInspection:
    """Check the home against the policy's observation conditions; every condition must be answered."""
    at = at or timezone.now()
    conditions = observation_conditions(area_path=notice.area_path, at=at)
    missing = [c for c in conditions if c not in checklist]
    if missing:
        raise ValidationError({"checklist": _("Answer every condition: %(c)s") % {"c": "、".join(missing)}})
    notice = ReturneeNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.stage not in (ReturneeNotice.Stage.INSPECTION, ReturneeNotice.Stage.NOTIFIED):
        raise ValidationError({"stage": _("The home is inspected before the decision.")})
    checklist = {c: bool(checklist[c]) for c in conditions}
    from ..photos import photo_caption, photo_clean

    # Every photo checked before anything is written: one bad file stores nothing.
    cleaned = [(photo_clean(f), photo_caption(f)) for f in photos or []]
    insp = HomeInspection.objects.create(
        notice=notice,
        area_id=notice.area_id,
        area_path=notice.area_path,
        inspector=actor if getattr(actor, "is_authenticated", False) else None,
        inspected_at=at,
        checklist=checklist,
        conditions_met=all(checklist.values()),
        notes=notes,
    )
    for content, caption in cleaned:
        InspectionPhoto.objects.create(
            inspection=insp,
            area_id=insp.area_id,
            area_path=insp.area_path,
            file=content,
            caption=caption,
        )
    record(insp, ChangeLog.Action.CREATE, actor=actor)
    if notice.stage == ReturneeNotice.Stage.NOTIFIED:
        _stage(
            notice,
            (ReturneeNotice.Stage.NOTIFIED,),
            actor=actor,
            message=gettext_noop("inspected"),
            stage=ReturneeNotice.Stage.INSPECTION,
        )
    return insp


@transaction.atomic
def returnee_decide(*, actor, notice: ReturneeNotice, decision: str, note: str = "") -> ReturneeNotice:
    """Home observation needs an inspection with every condition met; postponing closes the case."""
    if decision not in ReturneeNotice.Decision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    if decision == ReturneeNotice.Decision.HOME:
        last = notice.inspections.order_by("-inspected_at").first()
        if last is None or not last.conditions_met:
            raise ValidationError(
                {"decision": _("Home observation needs an inspection with every condition met.")}
            )
    stage = (
        ReturneeNotice.Stage.POSTPONED
        if decision == ReturneeNotice.Decision.POSTPONE
        else ReturneeNotice.Stage.DECIDED
    )
    return _stage(
        notice,
        (ReturneeNotice.Stage.INSPECTION,),
        actor=actor,
        message=gettext_noop("decision: %(decision)s"),
        params={"decision": msgid(ReturneeNotice.Decision(decision).label)},
        stage=stage,
        decision=decision,
        decision_note=note,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=timezone.now(),
    )


ORDER_TYPES = {
    ReturneeNotice.Decision.HOME: "home",
    ReturneeNotice.Decision.EMPLOYER: "employer_centralized",
    ReturneeNotice.Decision.CENTRALIZED: "centralized",
}


def returnee_community(notice: ReturneeNotice):
    """The community (社区) a notice was sent to: its own area or the community above it."""
    from fangkong.areas.models import Area, Level

    if notice.area.level == Level.COMMUNITY:
        return notice.area
    found = Area.objects.filter(path__in=notice.area.ancestor_paths(), level=Level.COMMUNITY).first()
    return found or notice.area


def returnee_household_resolve(
    *, actor, notice: ReturneeNotice, household=None, building: str = "", entrance: str = "", room: str = ""
):
    """The household a returnee is registered under: one chosen within the notice's community, or one
    created there (building / entrance / room, reusing the parts that exist) through the areas service.
    A notice sent for a household already needs neither."""
    from fangkong.areas.models import Area, Level
    from fangkong.areas.services import area_create

    community = returnee_community(notice)
    if household is not None:
        if household.level != Level.HOUSEHOLD or not household.path.startswith(community.path):
            raise ValidationError(
                {"household": _("Choose a household within %(c)s.") % {"c": community.name}}
            )
        if actor is not None and not user_can_see_path(actor, "people.add_person", household.path):
            raise ValidationError({"household": _("This household is outside your jurisdiction.")})
        return household
    building, entrance, room = (x.strip()[:100] for x in (building, entrance, room))
    if building or room:
        if not (building and room):
            raise ValidationError({"room": _("Give at least the building and the room.")})
        if actor is not None and not user_can_see_path(actor, "people.add_person", community.path):
            raise ValidationError({"household": _("This community is outside your jurisdiction.")})
        parent = community
        for name, level in ((building, Level.BUILDING), (entrance, Level.ENTRANCE), (room, Level.HOUSEHOLD)):
            if not name:
                continue  # a bungalow block has no entrances: the room hangs on the building
            scope = Area.objects.filter(path__startswith=parent.path, level=level, name=name)
            # A building may sit under a grid: look through the whole community for it; below, children.
            found = (
                (scope if level == Level.BUILDING else scope.filter(parent=parent)).order_by("path").first()
            )
            parent = found or area_create(actor=actor, parent=parent, name=name, level=level)
        return parent
    if notice.area.level == Level.HOUSEHOLD:
        return notice.area
    raise ValidationError(
        {"household": _("Choose the household the returnee lives in, or add it (building, entrance, room).")}
    )


def _person_for_notice(*, actor, notice: ReturneeNotice, household=None):
    from fangkong.people.models import Person

    person = notice.person if notice.person_id else Person.objects.filter(id_hash=notice.id_hash).first()
    if person is not None and not person.area_path.startswith(notice.area_path):
        # Signing writes only inside the notice's community: a pass or an order for a resident of
        # another community is that community's decision (or follows a transfer of the resident).
        raise ValidationError(
            {
                "person": _(
                    "This ID number belongs to a resident registered with another community. Ask that "
                    "community to take over the notice, or move the resident here first; no pass or "
                    "order was issued."
                )
            }
        )
    if person is None:
        from fangkong.people.services import person_create

        # The registry's own service: validation, encryption, pinyin and change log in one place.
        person = person_create(
            actor=actor,
            household=household,
            name=notice.name,
            id_number=crypto.decrypt(notice.id_number_enc),
            id_type=notice.id_type,
            phone=crypto.decrypt(notice.phone_enc),
            return_status=Person.Return.NOT_RETURNED,
            notes=f"返京申报 {notice.tracking_code}",
        )
    return person


def returnee_needs_household(notice: ReturneeNotice) -> bool:
    """Whether signing must be told the household: the returnee is not in the registry yet and the notice
    names no household."""
    from fangkong.areas.models import Level
    from fangkong.people.models import Person

    if notice.person_id or notice.area.level == Level.HOUSEHOLD:
        return False
    return not Person.objects.filter(id_hash=notice.id_hash).exists()


@transaction.atomic
def returnee_letter_sign(
    *,
    actor,
    notice: ReturneeNotice,
    signed_by: str,
    household=None,
    building: str = "",
    entrance: str = "",
    room: str = "",
) -> ReturneeNotice:
    """The responsibility letter (责任书) is signed: issue the pass and hand over to observation.

    A returnee not yet in the registry is registered under `household` (chosen within the community) or
    a household made from building / entrance / room. The order starts on the arrival date given in
    the notice (observation counts from arrival), today when the notice gave none."""
    from fangkong.observation.services import order_create

    notice = _stage(
        notice,
        (ReturneeNotice.Stage.DECIDED,),
        actor=actor,
        message=gettext_noop("letter signed"),
        letter_signed_at=timezone.now(),
        letter_signed_by=signed_by[:50],
    )
    home = None
    if returnee_needs_household(notice):
        home = returnee_household_resolve(
            actor=actor, notice=notice, household=household, building=building, entrance=entrance, room=room
        )
    elif notice.area.level == "household":
        home = notice.area
    person = _person_for_notice(actor=actor, notice=notice, household=home)
    source = f"gates.ReturneeNotice:{notice.pk}"
    # The letter is the confirmation: the returnee's observation order is created right below.
    p = pass_issue(actor=actor, person=person, source=source, confirm=True)
    order = order_create(
        actor=actor,
        person=person,
        order_type=ORDER_TYPES[notice.decision],
        reason="returnee",
        source=source,
        start=notice.arrival_date or timezone.localdate(),
    )
    return _stage(
        notice,
        (ReturneeNotice.Stage.DECIDED,),
        actor=actor,
        message=gettext_noop("pass issued, observation ordered"),
        stage=ReturneeNotice.Stage.COMPLETED,
        person=person,
        issued_pass=p,
        observation_order=f"{order._meta.label}:{order.pk}",
    )
