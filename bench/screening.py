"""Mass testing (issue 11, "Benchmarks"). Benchmark 1 (the scheduler) lives in bench/_screening_plan.py
and is yielded from here when that file exists.

2. screening.lab_import: a laboratory file of TUBES ten-person tubes (100,000 at default scale = 1,000,000
   person results; 10,000 at small) through services.lab_file_import (read, check every row, write the
   results, the tubes, the per-building counts and the people's results, all or nothing). rows/s, with a
   COPY of the same rows, already prepared, into screening_labresult itself (its indexes and constraints),
   rolled back, in the same run as the baseline (target ratio ≥ 0.50); the phases (read, validate,
   write, side effects) printed apart.
   The file holds 1,000 positive tubes (100 at small): `screening.positive_flag` is the time from the end
   of the result writes until every member of those tubes is flagged (retest list, status), target < 10 s.
3. screening.coverage_page / coverage_api: the coverage page and its API for the district during that
   campaign (every resident a target, the samples above recorded), p95 of 30 requests each, target < 500 ms
   (they read the maintained per-building counts, not the samples).

Samples and tubes are inserted set-based (INSERT … SELECT from the seeded residents): the lane's own speed
is not what these figures measure.
"""

from __future__ import annotations

import importlib.util
import io
import time
import uuid

from bench import common

TUBES = {"tiny": 100, "small": 10_000, "default": 100_000, "large": 100_000}
POSITIVE = {"tiny": 5, "small": 100, "default": 1_000, "large": 1_000}
PER_TUBE = 10
REQUESTS = 30


def run(scale: str):
    if importlib.util.find_spec("bench._screening_plan") is not None:
        from bench import _screening_plan

        res = _screening_plan.run(scale)
        yield from (res if not isinstance(res, dict) else [res])
    common.ensure_district(scale)
    campaign, user = _campaign()
    tubes = _samples(campaign, TUBES[scale])
    yield from _import(scale, campaign, tubes)
    yield from _coverage(campaign, user)


def _campaign():
    import datetime

    from django.utils import timezone

    from fangkong.accounts import services as account_services
    from fangkong.accounts.models import Role, User
    from fangkong.areas.models import Area, Level
    from fangkong.screening import services

    district = Area.objects.filter(level=Level.DISTRICT).first()
    now = timezone.now()
    t0 = time.perf_counter()
    c = services.campaign_create(
        actor=None,
        name="bench 全员核酸",
        area=district,
        starts=now - datetime.timedelta(hours=2),
        ends=now + datetime.timedelta(hours=22),
    )
    n = services.campaign_target_compute(actor=None, campaign=c)
    common.say(f"screening: target of {n} residents computed in {time.perf_counter() - t0:.1f}s")
    community = Area.objects.filter(level=Level.COMMUNITY).first()
    services.site_create(actor=None, campaign=c, name="bench 采样点", area=community, lanes=20)
    services.campaign_state_set(actor=None, campaign=c, state="running")
    user = User.objects.filter(username="bench-screening").first()
    if user is None:
        user = account_services.user_create(actor=None, username="bench-screening", password="x-bench-x-123")
        account_services.scope_add(
            actor=None, user=user, area=district, role=Role.objects.get(code="district_admin")
        )
    return c, User.objects.get(pk=user.pk)


def _samples(campaign, n_tubes: int) -> int:
    """n_tubes closed ten-person tubes and their samples (set-based), counts maintained as the lane would."""
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.screening.models import Site

    site = Site.objects.filter(campaign=campaign).first()
    now = timezone.now()
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """INSERT INTO screening_tube (created_at, updated_at, area_id, area_path, campaign_id, site_id, barcode,
                                           capacity, count, state, closed_at)
               SELECT %s, %s, %s, %s, %s, %s, 'B' || lpad(g::text, 9, '0'), 10, 10, 'closed', %s
               FROM generate_series(1, %s) AS g""",
            [now, now, site.area_id, site.area_path, campaign.pk, site.pk, now, n_tubes],
        )
        # Fresh rows, stale statistics: without these the planner expects one tube and one target and
        # joins 10,000 × 100,000 rows in a nested loop (minutes of setup, outside the figures).
        cur.execute("ANALYZE screening_tube")
        cur.execute("ANALYZE screening_targetperson")
        cur.execute(
            """WITH t AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM screening_tube
                          WHERE campaign_id = %s),
                    p AS (SELECT person_id, building_id, area_id, area_path,
                                 row_number() OVER (ORDER BY area_path, id) - 1 AS rn
                          FROM screening_targetperson WHERE campaign_id = %s)
               INSERT INTO screening_sample (created_at, updated_at, area_id, area_path, campaign_id, person_id,
                                             tube_id, building_id, client_id, sampled_at)
               SELECT %s, %s, p.area_id, p.area_path, %s, p.person_id, t.id, p.building_id,
                      md5(p.person_id::text || '-' || %s::text)::uuid, %s
               FROM p JOIN t ON t.rn = p.rn / 10""",
            [campaign.pk, campaign.pk, now, now, campaign.pk, campaign.pk, now],
        )
        samples = cur.rowcount
        cur.execute(
            """UPDATE screening_targetperson SET state = 'sampled'
               WHERE campaign_id = %s AND person_id IN (SELECT person_id FROM screening_sample WHERE campaign_id = %s)""",
            [campaign.pk, campaign.pk],
        )
        cur.execute(
            """UPDATE screening_coveragecount c SET sampled = x.n, pending_results = x.n
               FROM (SELECT building_id, count(*) AS n FROM screening_sample WHERE campaign_id = %s
                     GROUP BY building_id) x
               WHERE c.campaign_id = %s AND c.area_id = x.building_id""",
            [campaign.pk, campaign.pk],
        )
        # A reused database keeps the statuses an earlier run's positive pools set: put those people
        # back, or the next run flags people who already have the status (no change, nothing logged).
        cur.execute(
            """UPDATE people_person SET status = 'normal'
               WHERE status <> 'normal' AND id IN (SELECT person_id FROM people_statuschange
                                                   WHERE source LIKE 'screening.Campaign:%%')"""
        )
        # Members of positive pools are in home observation by an order (source "screening.Tube:<id>"):
        # end those orders too, or the next run skips the people who already hold one.
        cur.execute(
            """UPDATE people_person SET status = 'normal'
               WHERE status <> 'normal' AND id IN (SELECT person_id FROM observation_observationorder
                                                   WHERE source LIKE 'screening.Tube:%%')"""
        )
        cur.execute(
            """UPDATE observation_observationorder SET status = 'ended'
               WHERE source LIKE 'screening.Tube:%%' AND status IN ('planned', 'active', 'extended')"""
        )
        for t in ("screening_tube", "screening_sample", "screening_targetperson", "screening_coveragecount"):
            cur.execute(f"ANALYZE {t}")
    # The lanes take hours to sample a district, and autovacuum clears the targets' old versions meanwhile;
    # the one UPDATE above leaves them all at once. Clear them as autovacuum would have, or the import's
    # members' results find no room on their pages for HOT updates (migration screening 0006).
    with connection.cursor() as cur:
        cur.execute("VACUUM screening_targetperson")
    common.say(f"screening: {n_tubes} tubes, {samples} samples inserted in {time.perf_counter() - t0:.1f}s")
    return n_tubes


def _file(n_tubes: int, positive: int) -> bytes:
    from django.utils import timezone

    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    buf = io.StringIO()
    buf.write("试管条码,检测结果,检测时间,检测机构\n")
    step = max(1, n_tubes // positive)
    for g in range(1, n_tubes + 1):
        result = "阳性" if (g - 1) % step == 0 and (g - 1) // step < positive else "阴性"
        buf.write(f"B{g:09d},{result},{stamp},丰台区疾控中心实验室\n")
    return buf.getvalue().encode("utf-8")


def _bare_copy(campaign, data: bytes) -> float:
    """The baseline: the same rows, already prepared (tube ids looked up, the result and time parsed, the
    import's columns), COPYed into screening_labresult itself with its indexes and constraints, in a
    transaction rolled back. Preparing them is outside the timing."""
    from django.db import transaction
    from django.utils import timezone

    from fangkong.core import imports as core_imports
    from fangkong.core.ingest import copy_rows
    from fangkong.screening.models import LabImport, LabResult
    from fangkong.screening.services import results as R

    class _Rollback(Exception):
        pass

    rows = core_imports.read_rows(data, filename="x.csv", aliases=R.ALIASES)
    elapsed = 0.0
    try:
        with transaction.atomic():
            report = R.ResultReport()
            todo = R.check_rows(campaign, rows, report)
            assert report.ok and len(todo) == len(rows), report.row_errors[:3]
            imp = LabImport.objects.create(filename="baseline", rows=len(rows), area_id=campaign.area_id,
                                           area_path=campaign.area_path)  # fmt: skip
            prepared = R.lab_rows(todo, imp.pk, campaign, timezone.now())
            t0 = time.perf_counter()
            copy_rows(LabResult._meta.db_table, R.LAB_COLUMNS, prepared)
            elapsed = time.perf_counter() - t0
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _import(scale: str, campaign, n_tubes: int):
    from fangkong.people.models import Person
    from fangkong.screening import services
    from fangkong.screening.models import RetestItem
    from fangkong.screening.services import results as results_module

    positive = POSITIVE[scale]
    data = _file(n_tubes, positive)
    copy_s = min(_bare_copy(campaign, data) for _i in range(3 if scale != "tiny" else 1))
    marks = {}
    original = results_module._positives

    def timed_positives(*args, **kwargs):
        marks["start"] = time.perf_counter()
        original(*args, **kwargs)
        marks["end"] = time.perf_counter()

    results_module._positives = timed_positives
    try:
        t0 = time.perf_counter()
        imp = services.lab_file_import(
            actor=None, campaign=campaign, data=data, filename=f"bench-{uuid.uuid4()}.csv"
        )
        total = time.perf_counter() - t0
    finally:
        results_module._positives = original
    if not imp.ok:
        raise SystemExit(f"screening bench: the import was refused: {str(imp.report)[:500]}")
    flagged = RetestItem.objects.filter(campaign=campaign).count()
    statuses = (
        Person.objects.filter(pk__in=RetestItem.objects.filter(campaign=campaign).values("person_id"))
        .exclude(status="normal")
        .count()
    )
    phases = imp.phases
    common.say(
        f"screening: import of {n_tubes} rows in {total:.2f}s (COPY into screening_labresult {copy_s:.3f}s); "
        f"{flagged} flagged, {statuses} with their status; phases {phases}"
    )
    yield common.result(
        "screening.lab_import",
        "rows_per_s",
        round(n_tubes / total),
        "rows/s",
        baseline=round(n_tubes / copy_s),
        ratio=round(copy_s / total, 3),
        target=">= 0.50",
        rows=n_tubes,
        person_results=n_tubes * PER_TUBE,
        seconds=round(total, 3),
        copy_s=round(copy_s, 3),
        read_s=phases.get("read"),
        validate_s=phases.get("validate"),
        write_s=phases.get("write"),
        side_effects_s=phases.get("side_effects"),
        side_effects_counts_s=phases.get("counts"),
        side_effects_negative_members_s=phases.get("negative_members"),
        side_effects_positives_s=phases.get("positives"),
        note="lab_file_import (read, check, COPY, tube states, counts, members' results, positive pools) vs "
        "COPY of the same prepared rows into screening_labresult, rolled back",
    )
    ratio_without = copy_s / (total - (phases.get("positives") or 0))
    yield common.result(
        "screening.lab_import_without_positives",
        "ratio",
        round(ratio_without, 3),
        "",
        note="the same import with the positive pools' follow-up (observation orders, statuses: "
        "screening.positive_flag) left out of the time",
    )
    flag_s = marks["end"] - marks["start"]
    yield common.result(
        "screening.positive_flag",
        "seconds",
        round(flag_s, 2),
        "s",
        target="< 10",
        positive_tubes=positive,
        people_flagged=flagged,
        people_with_status=statuses,
    )


def _coverage(campaign, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    page_url = f"/screening/campaigns/{campaign.pk}/coverage/?level=community"
    api_url = f"/api/screening/campaigns/{campaign.pk}/coverage/?level=community"
    for url in (page_url, api_url):
        r = client.get(url)
        if r.status_code != 200:
            raise SystemExit(f"screening bench: {url} answered {r.status_code}")
    times = common.interleaved(
        {"page": lambda: client.get(page_url), "api": lambda: client.get(api_url)}, n=REQUESTS
    )
    for name, values in times.items():
        s = common.summary_ms(values)
        yield common.result(
            f"screening.coverage_{name}",
            "p95_ms",
            s["p95"],
            "ms",
            target="< 500",
            **{k: v for k, v in s.items() if k != "p95"},
        )
