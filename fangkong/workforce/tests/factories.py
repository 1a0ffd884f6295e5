"""Factories of the workforce's records for the standing tests (core.testing.register_factory)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fangkong.core.testing import register_factory
from fangkong.workforce.models import MissedCheckIn, PostCode, Worker


def make_worker(area, *, name=None, user=None, **extra) -> Worker:
    return Worker.objects.create(
        area=area,
        name=name or f"干部{Worker.objects.count() + 1}",
        kind=extra.pop("kind", Worker.Kind.CADRE),
        level=extra.pop("level", Worker.Level.DISTRICT),
        status=Worker.Status.ACTIVE,
        user=user,
        **extra,
    )


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
