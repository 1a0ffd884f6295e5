"""The workforce (issue 20): deployment, rosters and check-in. Each bench is its own function; `run`
calls them in turn.

1. workforce.deploy: the district assigns WORKERS down-sunk cadres to every community of the seeded
   district by criteria in ONE action (`assign_by_criteria`: the available workers, the registry's
   population per community, a proportional share each, the assignments, the workers' teams and the
   change log), 丰台's 4,500 cadres to its 400 communities at default scale. Target < 10 s. The baseline,
   timed in the same run on the same rows, is the bare set-based write alone: one multi-row INSERT of the
   same assignments and one UPDATE of the same workers' teams, with no criteria, checks or change log.
   Both run inside a transaction that is rolled back, so the bench repeats on a reused database.
2. workforce.roster_week / roster_quality: rosters: a week's roster for N communities (400 at the default scale) through the service
   (`rosters_generate`: read each community's posts, team, rest days and kept shifts, solve, write the
   PostShift rows and one change-log entry per community). Target < 30 s. The greedy baseline (fewest shifts first) goes
   through the same service in the same run: its time is the ratio's baseline, and its roster is compared
   with the solver's on uncovered post-hours and the night-shift spread per worker (most minus fewest),
   printed side by side; the solver must be no worse on each.
3. workforce.checkin: check-in at a post at 50 concurrent workers, real HTTP (gunicorn, bench.gates.Server):
   each worker's phone opens the post's QR page and checks in (then out); p95 of the check-in POST
   < 100 ms when the 50 arrive within 5 s (paced), and the same all at one instant (burst); baseline: the
   minimal constant view of the same server at the same concurrency.
"""

from __future__ import annotations

import datetime
import http.client
import os
import random
import re
import threading
import time

from bench import common

WORKERS = {"tiny": 200, "small": 1_000, "default": 4_500, "large": 4_500}


def run(scale: str):
    common.ensure_district(scale)
    yield from deploy(scale)
    yield from roster_results(scale)
    yield from checkin_results(scale)


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


# == rosters and check-in (wf2) ==

ROSTER_PLAN = {
    "tiny": {"communities": 6, "rounds": 2, "time_limit": 0.5},
    "small": {"communities": 400, "rounds": 5, "time_limit": 0.5},
    "default": {"communities": 400, "rounds": 10, "time_limit": 0.5},
    "large": {"communities": 400, "rounds": 20, "time_limit": 0.5},
}
CHECKIN_CONCURRENCY = 50


def _next_monday() -> datetime.date:
    from django.utils import timezone

    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def _roster_setup(n: int, monday: datetime.date):
    """N bench communities under one bench street: two or three posts each (a 24-hour gate, a 06–22 gate,
    sometimes an 08–20 patrol), 11–14 cadres assigned from last month, about one day in twelve a rest day."""
    from fangkong.areas import services as area_services
    from fangkong.areas.models import Area, Level, Place
    from fangkong.gates.models import Post
    from fangkong.workforce.models import Assignment, RestDay, Worker

    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    street = Area.objects.filter(parent=district, name="排班测试街道").first() or area_services.area_create(
        actor=None, parent=district, name="排班测试街道", level=Level.STREET
    )
    have = list(Area.objects.filter(parent=street, level=Level.COMMUNITY).order_by("path"))
    for i in range(len(have), n):
        have.append(
            area_services.area_create(
                actor=None, parent=street, name=f"排班社区{i + 1:03d}", level=Level.COMMUNITY
            )
        )
    communities = have[:n]
    staffed = set(Post.objects.filter(area__in=communities).values_list("area_id", flat=True))
    fresh = [c for c in communities if c.pk not in staffed]
    if not fresh:
        return communities
    rng = random.Random(20)
    places, posts, workers = [], [], []
    for c in fresh:
        gate = Place(area=c, area_path=c.path, kind=Place.Kind.GATE, name=f"{c.name}东门")
        west = Place(area=c, area_path=c.path, kind=Place.Kind.GATE, name=f"{c.name}西门")
        places += [gate, west]
    Place.objects.bulk_create(places)
    for k, c in enumerate(fresh):
        gate, west = places[2 * k], places[2 * k + 1]
        posts.append(Post(place=gate, area=c, area_path=c.path, name="东门岗", start_hour=0, end_hour=24))
        posts.append(Post(place=west, area=c, area_path=c.path, name="西门岗", start_hour=6, end_hour=22))
        if rng.random() < 0.5:
            posts.append(
                Post(
                    place=gate,
                    area=c,
                    area_path=c.path,
                    name="巡查岗",
                    duty="patrol",
                    start_hour=8,
                    end_hour=20,
                )
            )
        for j in range(rng.randint(11, 14)):
            workers.append(
                Worker(
                    area=c,
                    area_path=c.path,
                    name=f"干部{k:03d}{j:02d}",
                    kind=Worker.Kind.CADRE,
                    level=Worker.Level.DISTRICT,
                )
            )
    Post.objects.bulk_create(posts)
    Worker.objects.bulk_create(workers, batch_size=2000)
    start = monday - datetime.timedelta(days=30)
    Assignment.objects.bulk_create(
        [
            Assignment(worker=w, area_id=w.area_id, area_path=w.area_path, duty="gate", start=start)
            for w in workers
        ],
        batch_size=2000,
    )
    rest = [
        RestDay(worker=w, area_id=w.area_id, area_path=w.area_path, date=monday + datetime.timedelta(days=d))
        for w in workers
        for d in range(7)
        if rng.random() < 1 / 12
    ]
    RestDay.objects.bulk_create(rest, batch_size=2000)
    return communities


def roster_results(scale: str):
    from django.contrib.auth import get_user_model

    from fangkong.workforce import services

    plan = ROSTER_PLAN[scale]
    monday = _next_monday()
    with common.timer() as t_setup:
        communities = _roster_setup(plan["communities"], monday)
    common.say(f"workforce: {len(communities)} communities set up in {t_setup['s']:.1f}s")
    User = get_user_model()
    actor = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-roster", password=None
    )

    def clear():
        """Each run starts from an empty week (not timed): a week's first roster, not a replacement."""
        from fangkong.gates.models import PostShift

        PostShift.objects.filter(area__in=communities).delete()

    clear()
    with common.timer() as t_greedy:
        greedy = services.rosters_generate(
            actor=actor, communities=communities, monday=monday, solver="greedy"
        )
    clear()
    with common.timer() as t_solver:
        solved = services.rosters_generate(
            actor=actor, communities=communities, monday=monday, time_limit=plan["time_limit"]
        )
    g_unc = sum(r.roster.uncovered_post_hours for r in greedy)
    s_unc = sum(r.roster.uncovered_post_hours for r in solved)
    g_spread = [r.roster.night_spread for r in greedy]
    s_spread = [r.roster.night_spread for r in solved]
    shifts = sum(r.created for r in solved)
    yield common.result(
        "workforce.roster_week",
        "seconds",
        round(t_solver["s"], 2),
        "s",
        baseline=round(t_greedy["s"], 2),
        ratio=round(t_solver["s"] / t_greedy["s"], 2) if t_greedy["s"] else None,
        target="< 30",
        checked=round(t_solver["s"], 2),
        communities=len(communities),
        shifts=shifts,
        optimal=sum(1 for r in solved if r.roster.status == "optimal"),
        solve_s=round(sum(r.roster.seconds for r in solved), 2),
        greedy_solve_s=round(sum(r.roster.seconds for r in greedy), 2),
        per_community_ms=round(1000 * t_solver["s"] / max(len(communities), 1), 1),
        note="HiGHS MIP per community through the service (reads, solve, PostShift rows, change log); "
        "baseline: the greedy roster through the same service",
    )
    yield common.result(
        "workforce.roster_quality",
        "uncovered_post_hours",
        s_unc,
        "post-hours",
        baseline=g_unc,
        target="<= 0",
        checked=s_unc - g_unc,
        solver=s_unc,
        greedy=g_unc,
        note="solver vs greedy on the same week, communities and rules (solver minus greedy must be <= 0)",
    )
    yield common.result(
        "workforce.roster_quality",
        "night_spread_total",
        sum(s_spread),
        "night shifts",
        baseline=sum(g_spread),
        target="<= 0",
        checked=sum(s_spread) - sum(g_spread),
        solver_max=max(s_spread, default=0),
        greedy_max=max(g_spread, default=0),
        solver_mean=round(sum(s_spread) / max(len(s_spread), 1), 2),
        greedy_mean=round(sum(g_spread) / max(len(g_spread), 1), 2),
        worse_communities=sum(1 for a, b in zip(s_spread, g_spread, strict=True) if a > b),
        note="most minus fewest night shifts per worker, summed over the communities (solver minus greedy)",
    )
    common.say(
        f"workforce rosters: solver {t_solver['s']:.1f}s uncovered {s_unc} spread {sum(s_spread)} | "
        f"greedy {t_greedy['s']:.1f}s uncovered {g_unc} spread {sum(g_spread)}"
    )


# ---------------------------------------------------------------------------------------------------------
# Check-in


def _checkin_setup(rounds: int):
    """One bench community with `rounds` posts (each with its code), 50 cadres with accounts, each rostered
    on every post now (a new post each round, so that every round is a first check-in), and a session each."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from fangkong.areas import services as area_services
    from fangkong.areas.models import Area, Level, Place
    from fangkong.gates.models import Post, PostShift
    from fangkong.workforce.models import PostCode, Worker

    User = get_user_model()
    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    street = Area.objects.filter(parent=district, name="签到测试街道").first() or area_services.area_create(
        actor=None, parent=district, name="签到测试街道", level=Level.STREET
    )
    community = area_services.area_create(
        actor=None,
        parent=street,
        name=f"签到社区{Area.objects.filter(parent=street).count() + 1}",
        level=Level.COMMUNITY,
    )
    place = Place.objects.create(area=community, kind=Place.Kind.GATE, name="签到测试门")
    posts = [
        Post.objects.create(place=place, area=community, name=f"岗{r + 1}", start_hour=0, end_hour=24)
        for r in range(rounds)
    ]
    codes = [PostCode.objects.create(post=p, area=community) for p in posts]
    stamp = int(time.time())
    users = User.objects.bulk_create(
        [User(username=f"bench-checkin-{stamp}-{i}", password="!") for i in range(CHECKIN_CONCURRENCY)]
    )
    workers = Worker.objects.bulk_create(
        [
            Worker(area=community, area_path=community.path, name=f"签到干部{i}", user=u)
            for i, u in enumerate(users)
        ]
    )
    now = timezone.now()
    PostShift.objects.bulk_create(
        [
            PostShift(
                post=p,
                area=community,
                area_path=community.path,
                worker=w,
                volunteer=w.user,
                start=now - datetime.timedelta(minutes=5),
                end=now + datetime.timedelta(hours=8),
            )
            for w in workers
            for p in posts
        ]
    )
    backend = "fangkong.accounts.backends.RoleBackend"
    sessions = []
    for u in users:
        u = User.objects.get(pk=u.pk)
        s = SessionStore()
        s[SESSION_KEY] = str(u.pk)
        s[BACKEND_SESSION_KEY] = backend
        s[HASH_SESSION_KEY] = u.get_session_auth_hash()
        s.create()
        sessions.append(s.session_key)
    return [c.token for c in codes], sessions


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


PACED_WINDOW = 5.0  # seconds over which the 50 workers of a paced round arrive (a shift change at 50 posts)


def _checkin_load(server, tokens, sessions, cookie_name, *, window: float):
    """50 clients; each round every client opens its post's page, checks in (timed), checks out, and
    fetches the constant view (baseline). `window` 0: all at once (burst); else each client starts its
    round at a random moment within `window` seconds."""
    lat_in: list[float] = []
    lat_out: list[float] = []
    lat_base: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CHECKIN_CONCURRENCY)

    def client(i):
        conn = [server.conn()]
        cookies = {cookie_name: sessions[i]}
        rng = random.Random(i)

        def send(method, url, body=None):
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                conn[0].request(method, url, body=body, headers=headers)
                r = conn[0].getresponse()
            except (OSError, http.client.HTTPException):
                # An idle keep-alive connection closed by the server (the phone comes back later): reconnect.
                conn[0].close()
                conn[0] = server.conn()
                conn[0].request(method, url, body=body, headers=headers)
                r = conn[0].getresponse()
            data = r.read()
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    cookies[name.strip()] = rest.split(";", 1)[0]
            return r.status, data

        for token in tokens:
            barrier.wait()
            if window:
                time.sleep(rng.random() * window)
                # A phone that scans a code later opens its own connection.
                conn[0].close()
                conn[0] = server.conn()
            url = f"/workforce/c/{token}/"
            status, page = send("GET", url)
            m = _CSRF.search(page.decode("utf-8", "replace"))
            if status != 200 or not m:
                with lock:
                    errors.append(f"GET {status}")
                continue
            csrf = m.group(1)
            t0 = time.perf_counter()
            status, _ = send("POST", url, f"csrfmiddlewaretoken={csrf}&action=in&lat=39.85&lon=116.28")
            dt = time.perf_counter() - t0
            with lock:
                (lat_in.append(dt) if status == 302 else errors.append(f"in {status}"))
            t0 = time.perf_counter()
            status, _ = send("POST", url, f"csrfmiddlewaretoken={csrf}&action=out")
            dt = time.perf_counter() - t0
            with lock:
                (lat_out.append(dt) if status == 302 else errors.append(f"out {status}"))
            t0 = time.perf_counter()
            status, _ = send("GET", "/bench/constant/")
            with lock:
                lat_base.append(time.perf_counter() - t0)
        conn[0].close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CHECKIN_CONCURRENCY)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat_in, lat_out, lat_base, errors, time.perf_counter() - t0


def checkin_results(scale: str):
    from django.conf import settings

    from bench.gates import Server

    rounds = ROSTER_PLAN[scale]["rounds"]
    server = Server()
    try:
        for mode, window in (("paced", PACED_WINDOW), ("burst", 0.0)):
            tokens, sessions = _checkin_setup(rounds)
            lat_in, lat_out, lat_base, errors, elapsed = _checkin_load(
                server, tokens, sessions, settings.SESSION_COOKIE_NAME, window=window
            )
            p95 = common.percentile(lat_in, 95) * 1000
            base95 = common.percentile(lat_base, 95) * 1000
            yield common.result(
                "workforce.checkin",
                "p95_ms" if mode == "paced" else "p95_ms_burst",
                round(p95, 1),
                "ms",
                baseline=round(base95, 1),
                ratio=round(p95 / base95, 2) if base95 else None,
                target="< 100" if mode == "paced" else None,
                checked=round(p95, 1),
                p50_ms=round(common.percentile(lat_in, 50) * 1000, 1),
                checkout_p95_ms=round(common.percentile(lat_out, 95) * 1000, 1),
                checkins=len(lat_in),
                errors=len(errors),
                error_sample=errors[:3],
                concurrency=CHECKIN_CONCURRENCY,
                seconds=round(elapsed, 1),
                note=(
                    f"50 workers' phones, each round all 50 arrive within {PACED_WINDOW:g} s (a shift change): "
                    "GET the post's QR page, POST check-in (timed), POST check-out; a new post each round"
                    if mode == "paced"
                    else "the same 50 phones all at the same instant (closed loop): p95 is mostly queueing on "
                    "2 gunicorn processes; the constant view's own p95 under the same load is the baseline"
                ),
            )
    finally:
        server.stop()
