"""Demo care and health (issue 20), through the services: the workforce's seed calls `seed_care(ctx)`
once its workers and rosters exist. Insurance for most deployed workers (a few left uninsured, flagged),
rest days taken by some (others overdue), meals and equipment issued at the posts over three days,
today's health reports (one with a fever, flagged), a worker in the closure's supplies team and one on a
sampling lane."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import services
from .models import Worker

MAX_WORKERS = 300


def seed_care(ctx=None) -> dict:
    from fangkong.gates.models import Post, PostShift

    today = timezone.localdate()
    # Deployed workers first (an open assignment), then the rest of the active registry.
    workers = list(
        Worker.objects.filter(status=Worker.Status.ACTIVE)
        .select_related("area")
        .order_by("-assignments__start", "pk")
        .distinct()[:MAX_WORKERS]
    )
    workers = list(dict.fromkeys(workers))
    own = list(Worker.objects.filter(user__isnull=False, status=Worker.Status.ACTIVE).order_by("pk"))
    counts = {"insured": 0, "rest": 0, "issued": 0, "reports": 0}
    for i, w in enumerate(workers):
        if i % 25 == 4 and w.user_id is None:
            continue  # left uninsured: the workbench flags them
        services.insurance_enrol(
            actor=None,
            worker=w,
            insurer="中国人寿财产保险",
            policy_number=f"RS2020{w.pk:08d}",
            start=today - datetime.timedelta(days=20),
            end=today + datetime.timedelta(days=70),
        )
        counts["insured"] += 1
    for w in own:
        if not w.insurances.exists():
            services.insurance_enrol(
                actor=None,
                worker=w,
                insurer="中国人寿财产保险",
                policy_number=f"RS2020{w.pk:08d}",
                start=today - datetime.timedelta(days=20),
                end=today + datetime.timedelta(days=70),
            )
    for i, w in enumerate(workers):
        if i % 3 == 0 and i < 60:
            services.rest_day_record(actor=None, worker=w, date=today - datetime.timedelta(days=2 + i % 4))
            counts["rest"] += 1
        elif i % 3 == 1 and i < 60:
            services.rest_day_record(
                actor=None, worker=w, date=today + datetime.timedelta(days=1 + i % 5), taken=False
            )
    posts = list(Post.objects.filter(pk__in=PostShift.objects.values("post_id")).order_by("pk")[:12]) or list(
        Post.objects.order_by("pk")[:6]
    )
    for n, post in enumerate(posts):
        for days_ago in (2, 1, 0):
            services.care_issue_record(
                actor=None,
                post=post,
                date=today - datetime.timedelta(days=days_ago),
                meals=6 + (n + days_ago) % 4,
                masks=12 + 2 * ((n + days_ago) % 5),
                suits=(n + days_ago) % 3,
                gloves=8 + (n % 4),
            )
            counts["issued"] += 1
    reporters = own + [w for w in workers if w not in own][:12]
    for i, w in enumerate(reporters):
        fever = i == len(own)  # the first worker without an account reports a fever (flagged)
        try:
            services.health_report_submit(
                actor=None,
                worker=w,
                temperature="37.8" if fever else f"36.{4 + i % 5}",
                symptoms=["cough"] if fever else [],
            )
            counts["reports"] += 1
        except ValidationError:
            continue
    _overdue_rest(workers, today)
    demo_cadre()
    _support_and_lanes(workers)
    return counts


def _overdue_rest(workers, today) -> None:
    """Two workers who stood at a post eight days running with no rest (轮休 overdue on the workbench)."""
    from fangkong.gates.models import Post
    from fangkong.gates.services import shift_create

    done = 0
    for post in Post.objects.filter(active=True).order_by("pk"):
        if done >= 2:
            break
        w = next(
            (
                w
                for w in workers
                if w.user_id is None
                and post.area_path.startswith(w.area_path)
                and not w.shifts.exists()
                and not w.rest_days.exists()
            ),
            None,
        )
        if w is None:
            continue
        for days_ago in range(9, 1, -1):
            start = timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(8))
            )
            shift_create(
                actor=None, post=post, worker=w, start=start, end=start + datetime.timedelta(hours=8)
            )
        done += 1


def _support_and_lanes(workers) -> None:
    """A worker joins the open closure's supplies team and one stands on a sampling lane (issue 20: the
    other apps draw their people from the registry). Skipped quietly where the demo has neither."""
    from django.apps import apps

    if apps.is_installed("fangkong.support"):
        from fangkong.support import services as support_services
        from fangkong.support.models import Closure, Team

        closure = Closure.objects.filter(ended_at__isnull=True).order_by("pk").first()
        if closure is not None:
            team = Team.objects.filter(closure=closure, kind="supplies").first()
            for w in workers:
                if team is None:
                    break
                if not (
                    closure.area_path.startswith(w.area_path) or w.area_path.startswith(closure.area_path)
                ):
                    continue
                try:
                    support_services.team_member_add(actor=None, team=team, worker=w)
                    break
                except ValidationError:
                    continue
    if apps.is_installed("fangkong.screening"):
        from fangkong.screening import services as screening_services
        from fangkong.screening.models import Site

        site = Site.objects.order_by("pk").first()
        if site is not None:
            for w in workers:
                try:
                    screening_services.lane_staff_add(
                        actor=None, site=site, lane=1, role="registrar", worker=w
                    )
                    break
                except ValidationError:
                    continue


def demo_cadre() -> None:
    """The demo cadre (cadre_zgs, linked by the workforce seed) is a registered worker with a shift now at a post of their
    community, one tomorrow, insurance and today's health report: their own page (我的值守) shows it."""
    from fangkong.gates.models import Post
    from fangkong.gates.services import shift_create

    worker = Worker.objects.filter(user__username="cadre_zgs").select_related("user").first()
    if worker is None or worker.shifts.exists():
        return
    cadre = worker.user
    now = timezone.localtime()
    post = Post.objects.filter(area_path__startswith=worker.area_path, active=True).order_by("pk").first()
    if post is not None:
        start = now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=2)
        shift_create(
            actor=None, post=post, worker=worker, start=start, end=start + datetime.timedelta(hours=8)
        )
        tomorrow = start + datetime.timedelta(days=1)
        shift_create(
            actor=None, post=post, worker=worker, start=tomorrow, end=tomorrow + datetime.timedelta(hours=8)
        )
    today = timezone.localdate()
    services.insurance_enrol(
        actor=None,
        worker=worker,
        insurer="中国人寿财产保险",
        policy_number=f"RS2020{worker.pk:08d}",
        start=today - datetime.timedelta(days=20),
        end=today + datetime.timedelta(days=70),
    )
    services.rest_day_record(actor=None, worker=worker, date=today - datetime.timedelta(days=3))
    services.health_report_submit(actor=cadre, worker=worker, temperature="36.5", symptoms=[])
