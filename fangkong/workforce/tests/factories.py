"""Leak-test factories of the workforce's models (core.testing.register_factory)."""

import datetime

from django.utils import timezone

from fangkong.core.testing import register_factory
from fangkong.workforce.models import (
    Assignment,
    Attendance,
    CareIssue,
    DeploymentRequest,
    Insurance,
    RegistrationLink,
    RestDay,
    Worker,
    WorkerHealthReport,
)


def _scoped(area):
    return {"area": area, "area_path": area.path}


@register_factory(Worker)
def make_worker(area, name=None, **extra):
    return Worker.objects.create(name=name or f"志愿者{Worker.objects.count() + 1}", **_scoped(area), **extra)


@register_factory(DeploymentRequest)
def make_request(area):
    return DeploymentRequest.objects.create(count=3, start=timezone.localdate(), **_scoped(area))


@register_factory(Assignment)
def make_assignment(area):
    return Assignment.objects.create(worker=make_worker(area), start=timezone.localdate(), **_scoped(area))


@register_factory(RegistrationLink)
def make_link(area):
    return RegistrationLink.objects.create(
        expires_at=timezone.now() + datetime.timedelta(days=7), **_scoped(area)
    )


@register_factory(Attendance)
def make_attendance(area):
    from fangkong.gates.tests.factories import make_shift

    shift = make_shift(area)
    worker = make_worker(area)
    return Attendance.objects.create(
        shift=shift, worker=worker, checked_in_at=timezone.now(), **_scoped(area)
    )


@register_factory(Insurance)
def make_insurance(area):
    today = timezone.localdate()
    return Insurance.objects.create(
        worker=make_worker(area),
        insurer="人保",
        policy_number=f"P{Insurance.objects.count() + 1}",
        start=today,
        end=today + datetime.timedelta(days=30),
        **_scoped(area),
    )


@register_factory(CareIssue)
def make_care_issue(area):
    from fangkong.gates.tests.factories import make_post

    return CareIssue.objects.create(post=make_post(area), date=timezone.localdate(), meals=3, **_scoped(area))


@register_factory(RestDay)
def make_rest_day(area):
    return RestDay.objects.create(
        worker=make_worker(area), date=timezone.localdate(), taken=True, **_scoped(area)
    )


@register_factory(WorkerHealthReport)
def make_health_report(area):
    return WorkerHealthReport.objects.create(
        worker=make_worker(area), date=timezone.localdate(), temperature="36.5", **_scoped(area)
    )
