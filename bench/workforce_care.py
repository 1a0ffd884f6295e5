"""Workforce care and figures (issue 20, wf3).

workforce_care.figures: the briefing section's `compute` (needed, deployed, on duty, shifts and attended,
hours, rest overdue) for every community of the district, timed alternately with one grouped count of the
workers per community (core.figures.count_by_community), so that the ratio is of one moment of this
machine. workforce_care.rest_overdue_list: GET /workforce/care/?rest_overdue=true (the workbench's "rest
days overdue" list, rest due computed in SQL per worker) for a street coordinator, against the resident
list's first page. The district's demo workers are used when the seed made them; otherwise a few hundred
workers with a week of shifts are written first (direct inserts: the timed reads do not depend on how).
"""

from __future__ import annotations

import datetime

from bench import common


def _workers(n: int) -> int:
    from django.utils import timezone

    from fangkong.areas.models import Area, Level, Place
    from fangkong.gates.models import Post, PostShift
    from fangkong.workforce.models import Assignment, Worker

    if Worker.objects.count() >= n:
        return Worker.objects.count()
    communities = list(Area.objects.filter(level=Level.COMMUNITY).order_by("path"))
    today = timezone.localdate()
    posts = {}
    for c in communities:
        place = Place.objects.filter(area_path__startswith=c.path).first() or Place.objects.create(
            area=c, kind=Place.Kind.GATE, name=f"{c.name}东门"
        )
        posts[c.pk] = Post.objects.filter(area_path__startswith=c.path).first() or Post.objects.create(
            place=place, area=c, name=f"{c.name}东门岗"
        )
    workers = Worker.objects.bulk_create(
        [
            Worker(
                name=f"志愿者{i}",
                area=communities[i % len(communities)],
                area_path=communities[i % len(communities)].path,
            )
            for i in range(n)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                worker=w, area_id=w.area_id, area_path=w.area_path, start=today - datetime.timedelta(days=8)
            )
            for w in workers
        ]
    )
    shifts = []
    for i, w in enumerate(workers):
        post = posts[w.area_id]
        for d in range(8):
            start = timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=d), datetime.time(i % 3 * 8))
            )
            shifts.append(
                PostShift(
                    post=post,
                    area_id=post.area_id,
                    area_path=post.area_path,
                    worker=w,
                    start=start,
                    end=start + datetime.timedelta(hours=8),
                )
            )
    PostShift.objects.bulk_create(shifts, batch_size=5000)
    return Worker.objects.count()


def run(scale: str):
    common.ensure_district(scale)
    from django.test import Client
    from django.utils import timezone

    from fangkong.accounts import services as accounts
    from fangkong.accounts.models import Role, User
    from fangkong.areas.models import Area, Level
    from fangkong.core.figures import count_by_community
    from fangkong.workforce import figures
    from fangkong.workforce.models import Worker

    workers = _workers({"tiny": 200, "small": 1000}.get(scale, 4500))
    communities = list(Area.objects.filter(level=Level.COMMUNITY))
    now = timezone.now()

    def compute():
        figures.compute(now, communities)

    def grouped():
        count_by_community(Worker.objects.all(), communities)

    times = common.interleaved({"compute": compute, "grouped": grouped}, n=10, warmup=1)
    c, g = common.summary_ms(times["compute"]), common.summary_ms(times["grouped"])
    yield common.result(
        "workforce_care.figures",
        "median",
        c["median"],
        "ms",
        baseline=g["median"],
        ratio=round(c["median"] / g["median"], 2) if g["median"] else None,
        p95_ms=c["p95"],
        communities=len(communities),
        workers=workers,
    )

    street = Area.objects.filter(level=Level.STREET).order_by("path").first()
    name = f"bench-care-{street.pk}"
    user = User.objects.filter(username=name).first()
    if user is None:
        user = accounts.user_create(actor=None, username=name, password="bench-pass-123")
        accounts.scope_add(
            actor=None, user=user, area=street, role=Role.objects.get(code="street_coordinator")
        )
    client = Client()
    client.force_login(user)

    def overdue():
        r = client.get("/workforce/care/?rest_overdue=true")
        assert r.status_code == 200, r.status_code

    def residents():
        r = client.get("/people/")
        assert r.status_code == 200, r.status_code

    times = common.interleaved({"overdue": overdue, "residents": residents}, n=20, warmup=2)
    o, r = common.summary_ms(times["overdue"]), common.summary_ms(times["residents"])
    yield common.result(
        "workforce_care.rest_overdue_list",
        "p95",
        o["p95"],
        "ms",
        baseline=r["p95"],
        ratio=round(o["p95"] / r["p95"], 2) if r["p95"] else None,
        target="< 300",  # a list: "lists and pages p95 < 300 ms" (issue 23), on the p95 itself
        checked=o["p95"],
        median_ms=o["median"],
        street_workers=Worker.objects.filter(area_path__startswith=street.path).count(),
    )
