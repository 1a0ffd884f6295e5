"""Reads of the workforce's care and health (issue 20): rest days due against taken (轮休, 003), workers
without valid insurance on an active assignment, the negative-test rule of a duty, and a worker's own
page. Always scoped by the caller (`visible_to`) or for one worker."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.policies.selectors import policy_value, policy_values_by_area

from .models import Assignment, Insurance, RestDay, Worker, WorkerHealthReport

REST_EVERY_KEY = "workforce.rest.every_days"
NEGATIVE_DUTIES_KEY = "workforce.negative_test.duties"
NEGATIVE_DAYS_KEY = "workforce.negative_test.days"
POLICY_KEYS = (REST_EVERY_KEY, NEGATIVE_DUTIES_KEY, NEGATIVE_DAYS_KEY)


class TestCheck(models.TextChoices):
    NOT_REQUIRED = "not_required", _("no test needed for this duty")
    NEGATIVE = "negative", _("negative test checked")
    MISSING = "missing", _("no recent negative test")
    UNCHECKED = "unchecked", _("no testing data to check")


# -- negative test ----------------------------------------------------------------------------------


def negative_test_required(duty: str, *, at: datetime.datetime | None = None, area=None) -> bool:
    duties = policy_value(NEGATIVE_DUTIES_KEY, at=at, area=area) or []
    return duty in duties


def negative_test_status(*, worker: Worker, duty: str | None, at: datetime.datetime | None = None) -> str:
    """What the worker's own results say for `duty` (None: any duty that needs a test): not required, a
    negative result within the policy's window, none (missing), or unchecked (no registry record to
    look in, or no screening app)."""
    from django.apps import apps

    at = at or timezone.now()
    if duty is not None and not negative_test_required(duty, at=at, area=worker.area_path):
        return TestCheck.NOT_REQUIRED
    if worker.person_id is None or not apps.is_installed("fangkong.screening"):
        return TestCheck.UNCHECKED
    from fangkong.screening.selectors import negative_since

    days = int(policy_value(NEGATIVE_DAYS_KEY, at=at, area=worker.area_path))
    found = negative_since([worker.person_id], at - datetime.timedelta(days=days))
    return TestCheck.NEGATIVE if worker.person_id in found else TestCheck.MISSING


# -- rest days --------------------------------------------------------------------------------------


def _rest_every(at=None):
    """The policy's "one rest day per N days on duty" as an SQL expression of the worker's area (the
    most specific area's version wins, as policy_in_force does)."""
    values = policy_values_by_area(REST_EVERY_KEY, at=at)
    whens = [
        When(area_path__startswith=path, then=Value(max(int(v), 1)))
        for path, v in sorted(values.items(), key=lambda kv: -len(kv[0]))
        if path
    ]
    default = Value(max(int(values.get("", 7)), 1))
    return Case(*whens, default=default, output_field=IntegerField()) if whens else default


def with_rest(qs, *, at: datetime.datetime | None = None):
    """Workers annotated with `duty_days` (days with a shift started by `at`), `rest_taken`, `rest_due`
    (one per N duty days, policy) and `rest_overdue` (due minus taken, at least 0)."""
    from fangkong.gates.models import PostShift

    at = at or timezone.now()
    days = (
        PostShift.objects.filter(worker=OuterRef("pk"), start__lte=at)
        .annotate(day=TruncDate("start"))
        .values("worker")
        .annotate(n=Count("day", distinct=True))
        .values("n")
    )
    taken = (
        RestDay.objects.filter(worker=OuterRef("pk"), taken=True, date__lte=timezone.localtime(at).date())
        .values("worker")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = qs.annotate(
        duty_days=Coalesce(Subquery(days, output_field=IntegerField()), 0),
        rest_taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0),
        rest_every=_rest_every(at),
    ).annotate(rest_due=F("duty_days") / F("rest_every"))
    return qs.annotate(
        rest_overdue=Case(
            When(rest_due__gt=F("rest_taken"), then=F("rest_due") - F("rest_taken")),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def rest_summary(worker: Worker, *, at: datetime.datetime | None = None) -> dict:
    row = with_rest(Worker.objects.filter(pk=worker.pk), at=at).values(
        "duty_days", "rest_taken", "rest_due", "rest_overdue", "rest_every"
    )[0]
    row["planned"] = list(
        RestDay.objects.filter(worker=worker, taken=False, date__gte=timezone.localdate()).values_list(
            "date", flat=True
        )[:7]
    )
    return row


# -- insurance --------------------------------------------------------------------------------------


def on_assignment_q(day: datetime.date) -> Q:
    """Workers with an assignment running on `day`."""
    return Q(
        Exists(
            Assignment.objects.filter(worker=OuterRef("pk"), start__lte=day).filter(
                Q(end__isnull=True) | Q(end__gte=day)
            )
        )
    )


def insured_q(day: datetime.date) -> Q:
    return Q(Exists(Insurance.objects.filter(worker=OuterRef("pk"), start__lte=day, end__gte=day)))


def uninsured(qs, day: datetime.date | None = None):
    """Active workers on an assignment running on `day` with no insurance covering it (flagged)."""
    day = day or timezone.localdate()
    return qs.filter(on_assignment_q(day), status=Worker.Status.ACTIVE).exclude(insured_q(day))


def insurance_current(worker: Worker, day: datetime.date | None = None) -> Insurance | None:
    day = day or timezone.localdate()
    return worker.insurances.filter(start__lte=day, end__gte=day).order_by("-end").first()


# -- the worker's own page --------------------------------------------------------------------------


def week_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Monday 00:00 to next Monday 00:00 (local) of the week of `day`."""
    monday = day - datetime.timedelta(days=day.weekday())
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time()))
    return start, start + datetime.timedelta(days=7)


def hours_between(shifts, start: datetime.datetime, end: datetime.datetime) -> float:
    """Hours of `shifts` (objects with start and end) that fall inside [start, end)."""
    total = 0.0
    for s in shifts:
        a, b = max(s.start, start), min(s.end, end)
        if b > a:
            total += (b - a).total_seconds() / 3600
    return round(total, 1)


def my_duty(worker: Worker, *, at: datetime.datetime | None = None) -> dict:
    """What the worker's own phone page shows: the week's roster, hours this week (rostered and done so
    far), rest days, insurance, today's health report and the negative-test check."""
    from fangkong.gates.models import PostShift

    at = at or timezone.now()
    day = timezone.localtime(at).date()
    start, end = week_bounds(day)
    shifts = list(
        PostShift.objects.filter(worker=worker, end__gt=start, start__lt=end + datetime.timedelta(days=7))
        .select_related("post", "post__place")
        .order_by("start")
    )
    week = [s for s in shifts if s.start < end]
    assignment = (
        worker.assignments.filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("area")
        .order_by("-start")
        .first()
    )
    check = (
        negative_test_status(worker=worker, duty=assignment.duty, at=at)
        if assignment
        else TestCheck.NOT_REQUIRED
    )
    return {
        "worker": worker,
        "shifts": shifts,
        "now_shift": next((s for s in shifts if s.start <= at < s.end), None),
        "hours_week": hours_between(week, start, end),
        "hours_done": hours_between(week, start, min(at, end)),
        "week_start": timezone.localtime(start).date(),
        "rest": rest_summary(worker, at=at),
        "insurance": insurance_current(worker, day),
        "on_assignment": Worker.objects.filter(on_assignment_q(day), pk=worker.pk).exists(),
        "assignment": assignment,
        "report_today": WorkerHealthReport.objects.filter(worker=worker, date=day).first(),
        # The negative-test rule of the worker's duty, read from their own results (not required: none).
        "test_check": check,
        "test_check_label": TestCheck(check).label,
    }
