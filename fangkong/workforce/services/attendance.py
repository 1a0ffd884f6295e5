"""Attendance at posts (签到): each post's QR code, check-in and check-out by the rostered worker, late
check-ins marked, missing check-ins flagged to the community once per shift."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import record, record_bulk, snapshot
from fangkong.core.models import ChangeLog

from .. import selectors
from ..models import Attendance, MissedCheckIn, PostCode, Worker

EARLY_MINUTES = 30  # a worker may check in this long before the shift starts


class CheckInRefused(ValidationError):
    """A check-in or check-out refused; `code` says why (revoked, unknown, no_worker, not_rostered, twice,
    not_in)."""


def _refuse(message: str, code: str):
    raise CheckInRefused(message, code=code)


# -- post codes ------------------------------------------------------------------------------------------


@transaction.atomic
def post_code_issue(*, actor, post_id: int) -> PostCode:
    """A new check-in code for a post; the previous one stops working at once."""
    from fangkong.gates.models import Post

    post = Post.objects.visible_to(actor, "gates.change_post").select_for_update().filter(pk=post_id).first()
    if post is None:
        raise ValidationError(_("No such post."))
    now = timezone.now()
    for old in PostCode.objects.filter(post=post, active=True):
        before = snapshot(old)
        old.active, old.revoked_at = False, now
        old.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        old.save(update_fields=["active", "revoked_at", "revoked_by", "updated_at"])
        record(old, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("replaced"))
    code = PostCode.objects.create(
        post=post,
        area_id=post.area_id,
        area_path=post.area_path,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(code, ChangeLog.Action.CREATE, actor=actor)
    return code


@transaction.atomic
def post_code_revoke(*, actor, post_id: int) -> PostCode:
    """Stop the post's code (a lost or misused poster); check-ins need a new one."""
    code = (
        PostCode.objects.visible_to(actor, "workforce.change_postcode")
        .select_for_update()
        .filter(post_id=post_id, active=True)
        .first()
    )
    if code is None:
        raise ValidationError(_("This post has no code in use."))
    before = snapshot(code)
    code.active, code.revoked_at = False, timezone.now()
    code.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    code.save(update_fields=["active", "revoked_at", "revoked_by", "updated_at"])
    record(code, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("revoked"))
    return code


# -- check-in and out ----------------------------------------------------------------------------------------


def _coordinate(value, limit: int, name: str):
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({name: _("Not a coordinate.")}) from None
    if not d.is_finite() or abs(d) > limit:
        raise ValidationError({name: _("Not a coordinate.")})
    return d


def _resolve(token: str) -> PostCode:
    code = selectors.post_code_resolve(token)
    if code is None:
        _refuse(_("This check-in code is not known. Scan the code on the post again."), "unknown")
    if not code.active:
        _refuse(_("This post's code has been revoked. Ask the community for the new code."), "revoked")
    if not code.post.active:
        _refuse(_("This post is closed."), "revoked")
    return code


def _worker_of(actor) -> Worker:
    worker = Worker.objects.filter(user_id=getattr(actor, "pk", None)).first() if actor else None
    if worker is None:
        _refuse(_("Your account is not on any roster."), "no_worker")
    return worker


def attendance_check_in(
    *, actor, token: str, lat=None, lon=None, at: datetime.datetime | None = None
) -> Attendance:
    """Check in at the post the code names: only the worker rostered on it now, once per shift."""
    at = at or timezone.now()
    lat = _coordinate(lat, 90, "lat")
    lon = _coordinate(lon, 180, "lon")
    code = _resolve(token)
    post = code.post
    # The worker's shift on this post now, found by their account in one query (a check-in is a hot path).
    shift = selectors.shift_now_of_user(
        user_id=getattr(actor, "pk", None), post=post, at=at, early_minutes=EARLY_MINUTES
    )
    if shift is None:
        _worker_of(actor)  # no worker record at all: say so
        _refuse(
            _("You are not on the roster of %(post)s now. Check your roster, or ask the community.")
            % {"post": post.name},
            "not_rostered",
        )
    worker = shift.worker
    from fangkong.policies.selectors import policy_value

    late_after = int(policy_value("workforce.late_minutes", at=at, area=post.area_path))
    try:
        with transaction.atomic():
            att = Attendance.objects.create(
                shift=shift,
                worker=worker,
                area_id=shift.area_id,
                area_path=shift.area_path,
                checked_in_at=at,
                lat=lat,
                lon=lon,
                late=at > shift.start + datetime.timedelta(minutes=late_after),
                source=Attendance.Source.QR,
            )
            record(att, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("checked in at the post"))
            if at > shift.start:  # a missed check-in can only have been flagged once the shift began
                MissedCheckIn.objects.filter(shift=shift, resolved_at__isnull=True).update(
                    resolved_at=at, updated_at=timezone.now()
                )
    except IntegrityError:  # one check-in per shift (the unique constraint): twice in a row is refused
        existing = Attendance.objects.filter(shift=shift, worker=worker).first()
        if existing is not None and existing.checked_out_at is None:
            _refuse(
                _("You already checked in at %(time)s. Check out when your shift ends.")
                % {"time": timezone.localtime(existing.checked_in_at).strftime("%H:%M")},
                "twice",
            )
        _refuse(_("You already checked in and out of this shift."), "twice")
    att.shift = shift
    return att


@transaction.atomic
def attendance_check_out(*, actor, token: str, at: datetime.datetime | None = None) -> Attendance:
    at = at or timezone.now()
    code = _resolve(token)
    worker = _worker_of(actor)
    att = (
        Attendance.objects.select_for_update()
        .filter(worker=worker, shift__post=code.post, checked_out_at__isnull=True)
        .order_by("-checked_in_at")
        .first()
    )
    if att is None:
        _refuse(_("You are not checked in at %(post)s.") % {"post": code.post.name}, "not_in")
    before = snapshot(att)
    att.checked_out_at = max(at, att.checked_in_at)
    att.save(update_fields=["checked_out_at", "updated_at"])
    record(
        att,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("checked out of the post"),
    )
    return att


# -- missing check-ins -------------------------------------------------------------------------------------


def missed_checkins_flag(*, at: datetime.datetime | None = None, actor=None) -> int:
    """Flag every rostered shift that started `workforce.missed_minutes` ago (per area, from policy) with no
    check-in yet; one flag per shift whatever how often this runs. Returns the number of new flags."""
    from fangkong.gates.models import PostShift
    from fangkong.policies.selectors import policy_values_by_area, value_for_path

    at = at or timezone.now()
    values = policy_values_by_area("workforce.missed_minutes", at=at)
    shortest = min(int(v) for v in values.values()) if values else 30
    candidates = list(
        PostShift.objects.filter(
            worker__isnull=False,
            start__lte=at - datetime.timedelta(minutes=shortest),
            start__gte=at - datetime.timedelta(hours=24),
            end__gt=at - datetime.timedelta(hours=1),
            attendances__isnull=True,
            missed_checkin__isnull=True,
        ).select_related("post", "worker")
    )

    def minutes(path: str) -> int:
        v = value_for_path(values, path)
        return shortest if v is None else int(v)

    rows = [
        MissedCheckIn(shift=s, worker=s.worker, area_id=s.area_id, area_path=s.area_path, flagged_at=at)
        for s in candidates
        if s.start <= at - datetime.timedelta(minutes=minutes(s.area_path))
    ]
    if not rows:
        return 0
    with transaction.atomic():
        created = MissedCheckIn.objects.bulk_create(rows, ignore_conflicts=True)
        saved = list(MissedCheckIn.objects.filter(shift__in=[r.shift for r in created], flagged_at=at))
        record_bulk(
            saved, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("missed check-in flagged")
        )
    return len(saved)


@transaction.atomic
def attendance_record_manual(
    *, actor, shift_id: int, checked_in_at: datetime.datetime, checked_out_at: datetime.datetime | None = None
) -> Attendance:
    """The community enters a check-in by hand (a phone without signal, a worker without an account):
    the shift must be one the actor may change and must have its worker; once per shift."""
    from fangkong.gates.models import PostShift
    from fangkong.policies.selectors import policy_value

    shift = (
        PostShift.objects.visible_to(actor, "gates.change_postshift")
        .select_related("worker")
        .filter(pk=shift_id, worker__isnull=False)
        .first()
    )
    if shift is None:
        raise ValidationError(_("No such shift."))
    if checked_in_at is None or checked_out_at is not None and checked_out_at < checked_in_at:
        raise ValidationError({"checked_out_at": _("The check-out must be after the check-in.")})
    if checked_in_at > timezone.now() + datetime.timedelta(minutes=5) or checked_in_at >= shift.end:
        raise ValidationError(
            {"checked_in_at": _("The check-in must fall before the shift ends, and not in the future.")}
        )
    late_after = int(policy_value("workforce.late_minutes", at=checked_in_at, area=shift.area_path))
    try:
        with transaction.atomic():
            att = Attendance.objects.create(
                shift=shift,
                worker=shift.worker,
                area_id=shift.area_id,
                area_path=shift.area_path,
                checked_in_at=checked_in_at,
                checked_out_at=checked_out_at,
                late=checked_in_at > shift.start + datetime.timedelta(minutes=late_after),
                source=Attendance.Source.MANUAL,
            )
    except IntegrityError:
        raise ValidationError(_("This shift already has its check-in.")) from None
    record(att, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("check-in entered by hand"))
    MissedCheckIn.objects.filter(shift=shift, resolved_at__isnull=True).update(
        resolved_at=checked_in_at, updated_at=timezone.now()
    )
    return att
