"""The workforce (issue 20): deployment, rosters and check-in. Each bench is its own function; `run`
calls them in turn.

1. workforce.deploy: the district assigns WORKERS down-sunk cadres to every community of the seeded
   district by criteria in ONE action (`assign_by_criteria`: the available workers, the registry's
   population per community, a proportional share each, the assignments, the workers' teams and the
   change log), 丰台's 4,500 cadres to its 400 communities at default scale. Target < 10 s. The baseline,
   timed in the same run on the same rows, is the bare set-based write alone: one multi-row INSERT of the
   same assignments and one UPDATE of the same workers' teams, with no criteria, checks or change log.
   Both run inside a transaction that is rolled back, so the bench repeats on a reused database.
"""

from __future__ import annotations

import os

from bench import common

WORKERS = {"tiny": 200, "small": 1_000, "default": 4_500, "large": 4_500}


def run(scale: str):
    common.ensure_district(scale)
    yield from deploy(scale)


def _district_admin():
    from fangkong.accounts import services as accounts
    from fangkong.accounts.models import Role, User
    from fangkong.areas.models import Area, Level

    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    name = f"bench-workforce-{district.pk}"
    user = User.objects.filter(username=name).first()
    if user is None:
        user = accounts.user_create(actor=None, username=name, password="bench-pass-123")
        accounts.scope_add(actor=None, user=user, area=district, role=Role.objects.get(code="district_admin"))
    return User.objects.get(pk=user.pk), district


def _cadres(district, n: int) -> list[int]:
    """`n` district-level cadres waiting at the district (bulk insert, valid encrypted numbers)."""
    from faker import Faker

    from fangkong.core import crypto
    from fangkong.core.identity import mask_id, mask_phone
    from fangkong.workforce.models import Worker

    def ids():
        return list(
            Worker.objects.filter(home_unit="bench-unit", area=district)
            .order_by("id")
            .values_list("id", flat=True)
        )

    have = ids()
    while len(have) < n:  # a rerun with more workers adds the missing ones (new numbers each round)
        fake = Faker("zh_CN")
        fake.seed_instance(2020 + len(have))
        rows = []
        for i in range(n - len(have)):
            number = fake.ssn(min_age=25, max_age=58)
            phone = f"186{len(have) + i:08d}"
            rows.append(
                Worker(
                    area=district,
                    area_path=district.path,
                    name=fake.name(),
                    kind=Worker.Kind.CADRE,
                    level=Worker.Level.DISTRICT,
                    home_unit="bench-unit",
                    id_number_enc=crypto.encrypt(number),
                    id_hash=crypto.blind_index(number, kind="id"),
                    id_masked=mask_id(number),
                    phone_enc=crypto.encrypt(phone),
                    phone_hash=crypto.blind_index(phone, kind="phone"),
                    phone_masked=mask_phone(phone),
                )
            )
        Worker.objects.bulk_create(
            rows, batch_size=2000, ignore_conflicts=True
        )  # a repeated number is skipped
        have = ids()
    return have[:n]


class _Rollback(Exception):
    pass


def _rolled_back(fn):
    """Run `fn` in a transaction, then roll it back; returns (seconds, fn's result)."""
    from django.db import transaction

    out = {}
    try:
        with transaction.atomic():
            with common.timer() as t:
                out["result"] = fn()
            out["s"] = t["s"]
            raise _Rollback
    except _Rollback:
        pass
    return out["s"], out["result"]


def deploy(scale: str):
    from django.db import connection
    from django.utils import timezone

    from fangkong.areas.models import Area, Level
    from fangkong.workforce import selectors, services
    from fangkong.workforce.models import Assignment, Duty, Worker

    admin, district = _district_admin()
    # BENCH_WORKFORCE_WORKERS overrides the count (e.g. the 4,500 on the small district).
    n = int(os.environ.get("BENCH_WORKFORCE_WORKERS") or WORKERS[scale])
    ids = _cadres(district, n)
    communities = list(
        Area.objects.filter(level=Level.COMMUNITY, path__startswith=district.path).order_by("path")
    )
    common.say(f"workforce.deploy: {len(ids)} cadres to {len(communities)} communities")
    today = timezone.localdate()

    def by_criteria():
        return services.assign_by_criteria(
            actor=admin, count=n, criterion="population", kind=Worker.Kind.CADRE, duty=Duty.GATE, start=today
        )

    def bare():
        # The same rows, written set-based with nothing else: the floor any deployment pays.
        shares = services.allocate(n, [1.0] * len(communities))
        it = iter(ids)
        rows, moves = [], []
        for area, k in zip(communities, shares, strict=True):
            for _i in range(k):
                wid = next(it)
                rows.append(
                    Assignment(
                        worker_id=wid, area_id=area.pk, area_path=area.path, duty=Duty.GATE, start=today
                    )
                )
                moves.append((wid, area.pk, area.path))
        Assignment.objects.bulk_create(rows, batch_size=2000)
        services.deployment._update_teams(moves, timezone.now())
        return len(rows)

    def scores():
        return selectors.community_scores(communities=communities, criteria=["population"])

    # Warm the connection and the plans once, then time each alternately, rolled back every time.
    _rolled_back(bare)
    criteria_s, _ = _rolled_back(scores)
    times = {"criteria": [], "bare": []}
    result = None
    for _round in range(3 if scale in ("tiny", "small") else 2):
        s, result = _rolled_back(by_criteria)
        times["criteria"].append(s)
        s, _n = _rolled_back(bare)
        times["bare"].append(s)
    value = min(times["criteria"])
    baseline = min(times["bare"])
    yield common.result(
        "workforce.deploy",
        "seconds",
        round(value, 3),
        "s",
        baseline=round(baseline, 3),
        ratio=round(value / baseline, 2) if baseline else None,
        target="< 10",
        checked=value,
        workers=result.assigned,
        communities=len(result.per_community),
        communities_in_district=len(communities),
        criteria_query_s=round(criteria_s, 3),
        runs_s=[round(x, 3) for x in times["criteria"]],
        baseline_runs_s=[round(x, 3) for x in times["bare"]],
        database=connection.vendor,
        residents=common.STATE.get("residents"),
        note=common.STATE.get("note", ""),
    )
