"""Care of the workforce (issue 20): accident insurance enrolled, meals and protective equipment issued per
post and day, and rest days (轮休, 003) recorded. Each write checks that the writer may change the worker
or post it names: one outside their jurisdiction answers exactly like one that does not exist."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from ..models import CareIssue, Insurance, RestDay, Worker

# The most a post hands out in one day of each item: a typo of 10000 meals is refused, not counted.
MAX_ISSUED = 2000


def _actor_user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def writable(actor, obj, perm: str, *, field: str, message: str) -> None:
    """`obj` (a worker, a post) may be changed by `actor` with `perm` in its area; otherwise the same
    ValidationError as for an id that does not exist. `actor` None is the system (seed, jobs)."""
    if actor is None:
        return
    if not (actor.has_perm(perm) and user_can_see_path(actor, perm, obj.area_path)):
        raise ValidationError({field: message})


def _worker_checked(actor, worker: Worker, perm: str) -> Worker:
    writable(actor, worker, perm, field="worker", message=_("Choose a worker in your jurisdiction."))
    return worker


@transaction.atomic
def insurance_enrol(
    *,
    actor,
    worker: Worker,
    insurer: str,
    policy_number: str,
    start: datetime.date,
    end: datetime.date,
) -> Insurance:
    """Enrol a worker's accident insurance (人身意外保险, 001). The same policy number twice for one worker
    is the same enrolment (a retried form changes nothing); a policy that ends before it starts is refused."""
    _worker_checked(actor, worker, "workforce.add_insurance")
    insurer = (insurer or "").strip()[:100]
    policy_number = (policy_number or "").strip()[:60]
    if not insurer:
        raise ValidationError({"insurer": _("Name the insurer.")})
    if not policy_number:
        raise ValidationError({"policy_number": _("Give the policy number.")})
    if start is None or end is None or end < start:
        raise ValidationError({"end": _("The insurance must end on or after its start.")})
    existing = (
        Insurance.objects.select_for_update().filter(worker=worker, policy_number=policy_number).first()
    )
    if existing is not None:
        model_update(
            existing,
            {"insurer": insurer, "start": start, "end": end},
            actor=actor,
            message=gettext_noop("insurance dates corrected"),
        )
        return existing
    ins = Insurance.objects.create(
        worker=worker,
        area_id=worker.area_id,
        area_path=worker.area_path,
        insurer=insurer,
        policy_number=policy_number,
        start=start,
        end=end,
    )
    record(
        ins,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("insurance enrolled until %(end)s"),
        params={"end": end},
    )
    return ins


@transaction.atomic
def care_issue_record(
    *,
    actor,
    post,
    date: datetime.date | None = None,
    meals: int = 0,
    masks: int = 0,
    suits: int = 0,
    gloves: int = 0,
) -> CareIssue:
    """The meals and protective equipment issued at a post on a day (counts). One record per post and day:
    a second entry of the same day replaces the counts (the day's total as counted), so a retried form
    does not double them; each change is logged with the counts before."""
    writable(
        actor, post, "workforce.add_careissue", field="post", message=_("Choose a post in your jurisdiction.")
    )
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": _("Record what was issued, not what will be.")})
    counts = {"meals": meals, "masks": masks, "suits": suits, "gloves": gloves}
    for name, value in counts.items():
        if value is None:
            counts[name] = value = 0
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ISSUED:
            raise ValidationError({name: _("Enter a count from 0 to %(n)s.") % {"n": MAX_ISSUED}})
    if not any(counts.values()):
        raise ValidationError(_("Enter at least one count."))
    issue = CareIssue.objects.select_for_update().filter(post=post, date=date).first()
    if issue is not None:
        model_update(
            issue,
            {**counts, "issued_by": _actor_user(actor) or issue.issued_by},
            actor=actor,
            message=gettext_noop("counts issued corrected"),
        )
        return issue
    issue = CareIssue.objects.create(
        post=post,
        date=date,
        area_id=post.area_id,
        area_path=post.area_path,
        issued_by=_actor_user(actor),
        **counts,
    )
    record(issue, ChangeLog.Action.CREATE, actor=actor)
    return issue


@transaction.atomic
def rest_day_record(*, actor, worker: Worker, date: datetime.date, taken: bool = True) -> RestDay:
    """A rest day of a worker (轮休): planned (taken False) or had (taken True). One per worker and day:
    recording it again updates it. A rest day cannot be marked taken before the day."""
    _worker_checked(actor, worker, "workforce.add_restday")
    if date is None:
        raise ValidationError({"date": _("Give the date.")})
    if taken and date > timezone.localdate():
        raise ValidationError({"date": _("A rest day is taken on the day, not before.")})
    rest = RestDay.objects.select_for_update().filter(worker=worker, date=date).first()
    if rest is not None:
        model_update(rest, {"taken": taken}, actor=actor, message=gettext_noop("rest day updated"))
        return rest
    rest = RestDay.objects.create(
        worker=worker, date=date, taken=taken, area_id=worker.area_id, area_path=worker.area_path
    )
    record(
        rest,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("rest day taken") if taken else gettext_noop("rest day planned"),
    )
    return rest
