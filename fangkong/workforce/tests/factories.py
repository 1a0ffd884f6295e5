"""Leak-test factories for the workforce (direct inserts; the services are tested on their own)."""

import datetime
import itertools

from django.utils import timezone
from faker import Faker

from fangkong.core import crypto
from fangkong.core.identity import mask_id, mask_phone
from fangkong.core.testing import register_factory
from fangkong.workforce.models import (
    Assignment,
    Attendance,
    CareIssue,
    DeploymentRequest,
    Insurance,
    MissedCheckIn,
    PostCode,
    RegistrationLink,
    RestDay,
    Worker,
    WorkerHealthReport,
)

_fake = Faker("zh_CN")
_fake.seed_instance(20)
_n = itertools.count(1)


def identity(number: str | None = None, phone: str | None = None) -> dict:
    number = number or _fake.ssn()
    while Worker.objects.filter(id_hash=crypto.blind_index(number, kind="id")).exists():
        number = _fake.ssn()
    phone = phone or f"158{next(_n) + 4000:08d}"  # never a masked leak-test phone (139****0001)
    return {
        "id_number_enc": crypto.encrypt(number),
        "id_hash": crypto.blind_index(number, kind="id"),
        "id_masked": mask_id(number),
        "phone_enc": crypto.encrypt(phone),
        "phone_hash": crypto.blind_index(phone, kind="phone"),
        "phone_masked": mask_phone(phone),
    }


def make_worker(area, **extra):
    fields = {"name": _fake.name(), "kind": Worker.Kind.CADRE, "home_unit": "区发改委", **identity(), **extra}
    return Worker.objects.create(area=area, **fields)


@register_factory(Worker)
def make_registration(area):
    """The leak test's worker is a registration to review, so that every list of workers (the registry
    and the review list) shows it."""
    return make_worker(area, status=Worker.Status.PENDING, kind=Worker.Kind.VOLUNTEER)


@register_factory(RegistrationLink)
def make_link(area, **extra):
    return RegistrationLink.objects.create(
        area=area, expires_at=timezone.now() + datetime.timedelta(days=7), title=f"报名{next(_n)}", **extra
    )


@register_factory(DeploymentRequest)
def make_request(area, **extra):
    return DeploymentRequest.objects.create(
        area=area, count=5, duties=["gate"], start=timezone.localdate(), **extra
    )


@register_factory(Assignment)
def make_assignment(area, **extra):
    return Assignment.objects.create(
        area=area, worker=make_worker(area), duty="gate", start=timezone.localdate(), **extra
    )


@register_factory(Attendance)
def make_attendance(area):
    from fangkong.gates.tests.factories import make_shift

    shift = make_shift(area)
    return Attendance.objects.create(
        area=area, shift=shift, worker=make_worker(area), checked_in_at=timezone.now()
    )


@register_factory(Insurance)
def make_insurance(area):
    today = timezone.localdate()
    return Insurance.objects.create(
        area=area,
        worker=make_worker(area),
        insurer="人保",
        policy_number=f"P{next(_n):06d}",
        start=today,
        end=today + datetime.timedelta(days=90),
    )


@register_factory(CareIssue)
def make_care_issue(area):
    from fangkong.gates.tests.factories import make_post

    return CareIssue.objects.create(
        area=area, post=make_post(area), date=timezone.localdate(), meals=3, masks=6
    )


@register_factory(RestDay)
def make_rest_day(area):
    return RestDay.objects.create(area=area, worker=make_worker(area), date=timezone.localdate())


# -- rosters and attendance (wf2) --


def make_post24(area, *, name="东门岗", staff_needed=1, start_hour=0, end_hour=24):
    from fangkong.gates.models import Post
    from fangkong.gates.tests.factories import make_gate

    return Post.objects.create(
        place=make_gate(area),
        area=area,
        name=name,
        staff_needed=staff_needed,
        start_hour=start_hour,
        end_hour=end_hour,
    )


def make_rostered_shift(area, *, worker=None, start=None, hours=8, post=None):
    from fangkong.gates.models import PostShift

    worker = worker or make_worker(area)
    start = start or timezone.now() - datetime.timedelta(hours=1)
    post = post or make_post24(area)
    return PostShift.objects.create(
        post=post,
        area=post.area,
        worker=worker,
        volunteer=worker.user,
        start=start,
        end=start + datetime.timedelta(hours=hours),
    )


@register_factory(PostCode)
def make_post_code(area):
    post = make_post24(area, name=f"签到岗{area.pk}")
    return PostCode.objects.create(post=post, area=post.area)


@register_factory(MissedCheckIn)
def make_missed(area):
    shift = make_rostered_shift(area)
    return MissedCheckIn.objects.create(
        shift=shift, worker=shift.worker, area=shift.area, flagged_at=timezone.now()
    )


@register_factory(WorkerHealthReport)
def make_health_report(area):
    return WorkerHealthReport.objects.create(
        area=area, worker=make_worker(area), date=timezone.localdate(), temperature="36.5"
    )
