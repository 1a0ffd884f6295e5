"""Place codes, posts and shifts, and seals on homes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import msgid, record, snapshot
from fangkong.core.models import ChangeLog

from .. import selectors
from ..models import (
    PlaceCode,
    Post,
    PostShift,
    Seal,
    SealCheck,
)

# -- place codes --------------------------------------------------------------------------------------


@transaction.atomic
def place_code_rotate(*, actor, place) -> PlaceCode:
    """Issue a new signed token for a place; the previous one stops working at once."""
    from fangkong.areas.models import Place

    place = Place.objects.select_for_update().get(pk=place.pk)
    now = timezone.now()
    last = PlaceCode.objects.filter(place=place).order_by("-version").first()
    for old in PlaceCode.objects.filter(place=place, active=True):
        before = snapshot(old)
        old.active, old.rotated_at = False, now
        old.save(update_fields=["active", "rotated_at", "updated_at"])
        record(old, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("rotated"))
    code = PlaceCode.objects.create(
        place=place,
        area_id=place.area_id,
        area_path=place.area_path,
        version=(last.version + 1) if last else 1,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(code, ChangeLog.Action.CREATE, actor=actor)
    return code


def place_code_for(*, actor, place) -> PlaceCode:
    return selectors.place_code_current(place) or place_code_rotate(actor=actor, place=place)


# -- posts and shifts ---------------------------------------------------------------------------------


# The hours a post is staffed when none are given: by its kind (Post.start_hour/end_hour).
POST_HOURS = {Post.Kind.DAY: (8, 20), Post.Kind.NIGHT: (20, 8), Post.Kind.GARAGE: (0, 24)}


@transaction.atomic
def post_create(
    *,
    actor,
    place,
    name: str,
    kind: str = Post.Kind.DAY,
    duty: str | None = None,
    staff_needed: int = 1,
    start_hour: int | None = None,
    end_hour: int | None = None,
) -> Post:
    default_start, default_end = POST_HOURS.get(kind, (0, 24))
    post = Post(
        place=place,
        area_id=place.area_id,
        area_path=place.area_path,
        name=name,
        kind=kind,
        duty=duty or Post._meta.get_field("duty").default,
        staff_needed=staff_needed,
        start_hour=default_start if start_hour is None else start_hour,
        end_hour=default_end if end_hour is None else end_hour,
    )
    post.full_clean()
    post.save()
    record(post, ChangeLog.Action.CREATE, actor=actor)
    return post


@transaction.atomic
def shift_create(
    *,
    actor,
    post: Post,
    volunteer=None,
    start: datetime.datetime,
    end: datetime.datetime,
    worker=None,
) -> PostShift:
    """A shift of a worker on a post. Give the worker (the registry's record) or the volunteer's user
    account: a user without a worker record gets one (workforce.worker_for_user), so every shift has its
    worker; the volunteer is the worker's user when only the worker is given."""
    from fangkong.workforce.services import worker_for_user

    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if worker is None:
        if volunteer is None:
            raise ValidationError({"volunteer": _("Choose who is on the shift.")})
        worker = worker_for_user(actor=actor, user=volunteer, area=post.area)
    elif volunteer is None:
        volunteer = worker.user
    shift = PostShift.objects.create(
        post=post,
        area_id=post.area_id,
        area_path=post.area_path,
        volunteer=volunteer,
        worker=worker,
        start=start,
        end=end,
    )
    record(shift, ChangeLog.Action.CREATE, actor=actor)
    return shift


# -- seals --------------------------------------------------------------------------------------------


@transaction.atomic
def seal_create(
    *,
    actor,
    area,
    reason: str,
    slip_number: str = "",
    person=None,
    sealed_at: datetime.datetime | None = None,
    note: str = "",
) -> Seal:
    seal = Seal(
        area=area,
        area_path=area.path,
        reason=reason,
        slip_number=slip_number,
        person=person,
        sealed_at=sealed_at or timezone.now(),
        note=note,
        sealed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    seal.full_clean()
    seal.save()
    record(seal, ChangeLog.Action.CREATE, actor=actor)
    return seal


@transaction.atomic
def seal_check_record(
    *, actor, seal: Seal, result: str, note: str = "", checked_at: datetime.datetime | None = None
) -> SealCheck:
    if result not in SealCheck.Result.values:
        raise ValidationError({"result": _("Intact or breached.")})
    check = SealCheck.objects.create(
        seal=seal,
        area_id=seal.area_id,
        area_path=seal.area_path,
        result=result,
        note=note,
        checked_at=checked_at or timezone.now(),
        checked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        check,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("seal check: %(result)s"),
        params={"result": msgid(SealCheck.Result(result).label)},
    )
    return check


@transaction.atomic
def seal_remove(*, actor, seal: Seal) -> Seal:
    s = Seal.objects.select_for_update().get(pk=seal.pk)
    before = snapshot(s)
    s.removed_at = timezone.now()
    s.save(update_fields=["removed_at", "updated_at"])
    record(s, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("removed"))
    return s
