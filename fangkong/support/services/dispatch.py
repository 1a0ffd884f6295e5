"""Dispatch: team leads assign requests or batch a building to one runner; runners record the steps
(picked up, card collected, bought, delivered with a photo, card returned) and failed attempts, online or
from their phone's offline queue (each item carries a client id; a retry is a no-op)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area
from fangkong.core import dates
from fangkong.core.audit import msgid, record, snapshot
from fangkong.core.middleware import NUL_MESSAGE, has_nul
from fangkong.core.models import ChangeLog

from ..models import (
    OPEN_STATES,
    DeliveryAttempt,
    Request,
    RequestState,
    RequestStep,
    RunnerBatch,
    Step,
    TeamMember,
)
from ..selectors import runner_requests
from .common import _user

MAX_SYNC = 200


def _check_member(req: Request, member: TeamMember) -> None:
    if not member.active or member.team.closure_id != req.closure_id:
        raise ValidationError(
            {"member": _("%(m)s is not an active member of this closure's teams.") % {"m": member}}
        )


@transaction.atomic
def request_assign(*, actor, request: Request, member: TeamMember) -> Request:
    """Assign (or reassign) an open request to a team member; also after the closure ended, so nothing
    open is lost."""
    req = Request.objects.select_for_update().get(pk=request.pk)
    if not req.is_open:
        raise ValidationError(
            _("This request is %(s)s: there is nothing to assign.") % {"s": req.get_state_display()}
        )
    _check_member(req, member)
    before = snapshot(req)
    req.assignee = member
    if req.state == RequestState.NEW:
        req.state = RequestState.ASSIGNED
    req.save(update_fields=["assignee", "state", "updated_at"])
    record(
        req,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("assigned to %(m)s"),
        params={"m": member.name},
    )
    return req


@transaction.atomic
def batch_assign(*, actor, closure, building: Area, member: TeamMember, kinds=None) -> RunnerBatch:
    """Every open request of a building not yet under way goes to one runner, as one batch."""
    if not building.path.startswith(closure.area_path):
        raise ValidationError({"building": _("This building is not inside the closure.")})
    if not member.active or member.team.closure_id != closure.pk:
        raise ValidationError(
            {"member": _("%(m)s is not an active member of this closure's teams.") % {"m": member}}
        )
    qs = Request.objects.select_for_update().filter(
        closure=closure,
        area_path__startswith=building.path,
        state__in=(RequestState.NEW, RequestState.ASSIGNED),
    )
    if kinds:
        qs = qs.filter(kind__in=kinds)
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("No open requests waiting in this building."))
    batch = RunnerBatch.objects.create(
        closure=closure, area=building, area_path=building.path, runner=member, made_by=_user(actor)
    )
    Request.objects.filter(pk__in=ids).update(
        assignee=member, batch=batch, state=RequestState.ASSIGNED, updated_at=timezone.now()
    )
    record(
        batch,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("%(n)s requests batched to %(m)s"),
        params={"n": len(ids), "m": member.name},
    )
    return batch


@dataclass
class StepResult:
    request: Request
    step: RequestStep | None
    created: bool
    message: str = ""


def _runner_check(req: Request, actor, on_behalf: bool) -> None:
    if on_behalf:
        return
    user = _user(actor)
    if req.assignee_id is None or user is None or req.assignee.user_id != user.pk:
        who = req.assignee.name if req.assignee_id else _("nobody yet")
        raise PermissionDenied(_("This task is assigned to %(w)s, not to you.") % {"w": who})


@transaction.atomic
def step_record(
    *,
    actor,
    request: Request,
    step: str,
    note: str = "",
    photo=None,
    client_id: str | None = None,
    at: datetime.datetime | None = None,
    on_behalf: bool = False,
) -> StepResult:
    """Record the next step of a request, timed and signed by the actor. A runner acts only on their own
    tasks (`on_behalf` is for workers holding the change permission, checked by the view). A step already
    recorded (a delivery confirmed twice, a retried sync) changes nothing and says so. Steps follow the
    type's order; "delivered" needs every step before it and marks the request delivered."""
    client_id = (client_id or "").strip()[:64] or None
    if client_id:
        done = RequestStep.objects.filter(client_id=client_id).select_related("request").first()
        if done is not None:
            return StepResult(done.request, done, False, _("Already recorded."))
    req = (
        Request.objects.select_for_update(of=("self",))
        .select_related("assignee", "closure")
        .get(pk=request.pk)
    )
    _runner_check(req, actor, on_behalf)
    expected = req.steps_expected()
    if step not in expected:
        raise ValidationError(
            {"step": _("This step does not apply to a %(k)s request.") % {"k": req.get_kind_display()}}
        )
    have = set(req.steps.values_list("step", flat=True))
    if step in have:
        existing = req.steps.get(step=step)
        label = Step(step).label
        return StepResult(
            req,
            existing,
            False,
            _("%(s)s was already recorded at %(t)s; nothing changed.")
            % {"s": label, "t": timezone.localtime(existing.at).strftime("%H:%M")},
        )
    if req.state == RequestState.CANCELLED:
        raise ValidationError(_("This request was cancelled."))
    missing = [s for s in expected[: expected.index(step)] if s not in have]
    if missing:
        raise ValidationError(
            {"step": _("First record: %(s)s.") % {"s": ", ".join(str(Step(s).label) for s in missing)}}
        )
    at = at or timezone.now()
    user = _user(actor)
    before = snapshot(req)
    row = RequestStep.objects.create(
        request=req,
        area_id=req.area_id,
        area_path=req.area_path,
        step=step,
        at=at,
        by=user,
        signed=(req.assignee.name if req.assignee_id and not on_behalf else str(user or ""))[:50],
        note=(note or "")[:300],
        client_id=client_id,
    )
    fields = ["updated_at"]
    if step == Step.DELIVERED:
        req.state, req.delivered_at = RequestState.DELIVERED, at
        fields += ["state", "delivered_at"]
        DeliveryAttempt.objects.create(
            request=req,
            area_id=req.area_id,
            area_path=req.area_path,
            runner=req.assignee,
            at=at,
            outcome=DeliveryAttempt.Outcome.DELIVERED,
            photo=photo or "",
        )
    elif req.state in (RequestState.NEW, RequestState.ASSIGNED) and step != Step.REGISTERED:
        req.state = RequestState.IN_PROGRESS
        fields.append("state")
    req.save(update_fields=fields)
    record(
        req,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("step: %(s)s"),
        params={"s": msgid(Step(step).label)},
    )
    return StepResult(req, row, True, _("%(s)s recorded.") % {"s": Step(step).label})


@transaction.atomic
def attempt_failed(
    *, actor, request: Request, reason: str, client_id: str | None = None, at=None, on_behalf: bool = False
) -> tuple[DeliveryAttempt, bool]:
    """A failed delivery attempt with its reason; the request stays open with its runner."""
    client_id = (client_id or "").strip()[:64] or None
    if client_id:
        done = DeliveryAttempt.objects.filter(client_id=client_id).first()
        if done is not None:
            return done, False
    req = Request.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=request.pk)
    _runner_check(req, actor, on_behalf)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the delivery failed.")})
    if req.state not in OPEN_STATES:
        raise ValidationError(_("This request is %(s)s.") % {"s": req.get_state_display()})
    attempt = DeliveryAttempt.objects.create(
        request=req,
        area_id=req.area_id,
        area_path=req.area_path,
        runner=req.assignee,
        at=at or timezone.now(),
        outcome=DeliveryAttempt.Outcome.FAILED,
        reason=reason[:300],
        client_id=client_id,
    )
    # Logged on the request: the attempt's photo field has no JSON snapshot.
    record(
        req,
        ChangeLog.Action.UPDATE,
        actor=actor,
        message=gettext_noop("delivery failed: %(r)s"),
        params={"r": reason[:200]},
    )
    return attempt, True


def runner_sync(*, actor, items: list[dict]) -> list[dict]:
    """The runner page's offline queue: each item {client_id, request, action (a step or "failed"),
    reason?, at?} on its own (one bad item is rejected alone). Answers per item, in order:
    {client_id, status: "ok" | "duplicate" | "rejected", message}."""
    out = []
    for item in items[:MAX_SYNC]:
        cid = str(item.get("client_id") or "")[:64]
        res = {"client_id": cid}
        try:
            if not cid:
                raise ValidationError(_("Every item needs a client_id."))
            if has_nul(item):  # refused here, not for the whole backlog (RefuseNulMiddleware lets it by)
                raise ValidationError(NUL_MESSAGE)
            try:
                # Looked up among what the runner may act on: another community's id reads as unknown.
                req = runner_requests(user=_user(actor)).get(pk=int(item.get("request")))
            except (TypeError, ValueError, OverflowError, Request.DoesNotExist) as exc:
                raise ValidationError(_("Unknown request.")) from exc
            try:  # the one parser of dates (core.dates): an impossible time rejects the item
                at = dates.parse_datetime(item.get("at") or None)
            except dates.DateError as exc:
                raise ValidationError(exc.message) from None
            if at is not None and timezone.is_naive(at):
                at = timezone.make_aware(at)
            if at is not None and at > timezone.now() + datetime.timedelta(minutes=5):
                at = None
            action = str(item.get("action") or "")
            if action == "failed":
                _attempt, created = attempt_failed(
                    actor=actor, request=req, reason=str(item.get("reason") or ""), client_id=cid, at=at
                )
                res.update(status="ok" if created else "duplicate", message="")
            else:
                r = step_record(
                    actor=actor,
                    request=req,
                    step=action,
                    client_id=cid,
                    at=at,
                    note=str(item.get("note") or ""),
                )
                res.update(status="ok" if r.created else "duplicate", message=r.message)
        except (ValidationError, PermissionDenied) as exc:
            msgs = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            res.update(status="rejected", message="；".join(msgs))
        out.append(res)
    return out
