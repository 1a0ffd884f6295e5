"""Gates (issue 4): scan ingest and the gate verdict, through a real HTTP server.

1. Batch ingest through the API (gunicorn on loopback, batches of 1,000 realistic scans): scans/s, and
   the ratio to a bare COPY of the same number of rows into the same table in the same run. Target >= 0.30.
2. Single-scan API at 50 concurrent clients: requests/s and p99, and the ratio to a minimal Django view
   returning a constant on the same server. Target ratio >= 0.50, p99 < 50 ms. Measured saturated
   (closed loop) and paced (each client scanning every PACED_INTERVAL seconds): saturated p99 is
   queueing, the paced p99 is what a volunteer waits at a busy gate.
3. Verdict lookup (ID number → person → verdict with passes and policy): p99 < 10 ms on the seeded
   district (2,000,000 residents at the default scale).

The server runs this module's `wsgi_app`: the project's WSGI application plus one extra URL,
/bench/constant/, a minimal Django view (it goes through the same middleware), so that the baseline is
served by the same processes as the API.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from bench import common

ROOT = Path(__file__).resolve().parent.parent
PLAN = {
    "tiny": {"batches": 2, "codes": 200, "single_seconds": 1, "verdicts": 30, "load_seconds": 1},
    "small": {"batches": 8, "codes": 2000, "single_seconds": 8, "verdicts": 300, "load_seconds": 8},
    "default": {"batches": 20, "codes": 5000, "single_seconds": 15, "verdicts": 1000, "load_seconds": 12},
    "large": {"batches": 50, "codes": 10000, "single_seconds": 30, "verdicts": 3000, "load_seconds": 20},
}
LOAD_WORKERS = (1, 2, 3)
LOAD_CONNECTIONS = 48  # wrk connections: more than the workers' threads, so the server is saturated
PEAK_FACTOR = 3  # the busiest hour of a gate day carries 3x the day's average rate (morning and evening)
CONCURRENCY = 50
PACED_INTERVAL = 0.5  # seconds between one client's scans in the paced run: 100 scans/s offered
BATCH = 1000

_APP = None


def wsgi_app(environ, start_response):
    """The project's application with /bench/constant/ added (the baseline of benchmark 2)."""
    global _APP
    if _APP is None:
        from django.core.wsgi import get_wsgi_application

        app = get_wsgi_application()
        from django.http import HttpResponse
        from django.urls import clear_url_caches, path

        import fangkong.urls

        def constant(request):
            return HttpResponse(b'{"ok": true}', content_type="application/json")

        fangkong.urls.urlpatterns.insert(0, path("bench/constant/", constant))
        clear_url_caches()
        _APP = app
    return _APP(environ, start_response)


# ---------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workers: int = 2, threads: int = 8):
        self.port = _free_port()
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench.gates:wsgi_app",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--log-level",
                "warning",
                "--backlog",
                "256",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = self.get("/bench/constant/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, url, headers=None):
        c = self.conn()
        try:
            c.request("GET", url, headers=headers or {})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def post_json(conn, url, body, token):
    data = json.dumps(body).encode()
    conn.request(
        "POST",
        url,
        body=data,
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    r = conn.getresponse()
    return r.status, r.read()


# ---------------------------------------------------------------------------------------------------------


def _setup(plan):
    """A gate in a seeded community, a volunteer with a token, and the ID numbers of residents to scan."""
    from rest_framework.authtoken.models import Token

    from fangkong.accounts.models import User
    from fangkong.areas.models import Area, Level, Place
    from fangkong.core import crypto
    from fangkong.core.testing import make_user
    from fangkong.gates import services
    from fangkong.people.models import Person

    community = Area.objects.filter(level=Level.COMMUNITY).order_by("path").first()
    gate = Place.objects.filter(area=community, name="bench gate").first() or Place.objects.create(
        area=community, kind=Place.Kind.GATE, name="bench gate"
    )
    user = User.objects.filter(username="bench-gate").first() or make_user(
        "gate_volunteer", community, username="bench-gate"
    )
    token, _ = Token.objects.get_or_create(user=user)
    people = list(Person.objects.filter(area_path__startswith=community.path)[: plan["codes"]])
    # Give a third of them a pass so that the verdicts are a realistic mix.
    for p in people[::3]:
        if not p.gate_passes.exists():
            services.pass_issue(actor=None, person=p, confirm=True)
    codes = [crypto.decrypt(p.id_number_enc) for p in people]
    return gate, token.key, codes, people


def _scans(gate, codes, n, rng):
    from django.utils import timezone

    now = timezone.now().isoformat()
    return [
        {
            "client_id": str(uuid.uuid4()),
            "place": gate.pk,
            "code": rng.choice(codes),
            "temperature": str(round(rng.gauss(36.5, 0.4), 1)),
            "direction": rng.choice(["in", "out"]),
            "scanned_at": now,
        }
        for _ in range(n)
    ]


def _copy_rows(gate, people, n, rng):
    """The baseline of benchmark 1: a COPY of n prepared scan rows (every column the ingest writes, ids
    from the table's sequence as the batch's own COPY draws them) into gates_scanevent itself, with its
    indexes and unique key, in the same run, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.gates.services import SCAN_COLUMNS

    now = timezone.now()
    values = {
        "place_id": gate.pk,
        "area_id": gate.area_id,
        "area_path": gate.area_path,
        "entry": "id",
        "entered_masked": "110101********1234",
        "direction": "in",
        "verdict": "allow",
        "reasons": "[]",
        "post_id": None,
        "volunteer_id": None,
        "travel_from": "",
        "scanned_at": now,
        "received_at": now,
        "request_id": "",
    }
    rows = [
        [
            uuid.uuid4()
            if c == "client_id"
            else rng.choice(people).pk
            if c == "person_id"
            else round(rng.gauss(36.5, 0.4), 1)
            if c == "temperature"
            else values[c]
            for c in SCAN_COLUMNS
        ]
        for _ in range(n)
    ]
    cols = ", ".join(SCAN_COLUMNS)
    with transaction.atomic(), connection.cursor() as cur:
        with common.timer() as t:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence('gates_scanevent', 'id')) FROM generate_series(1, %s)",
                [n],
            )
            ids = [r[0] for r in cur.fetchall()]
            with cur.cursor.copy(f"COPY gates_scanevent (id, {cols}) FROM STDIN") as copy:
                for pk, r in zip(ids, rows, strict=True):
                    copy.write_row([pk, *r])
        transaction.set_rollback(True)
    return t["s"]


def batch_phases(gate, token_user, codes, rng, batches: int) -> dict:
    """Where a batch's time goes, measured in this process on fresh batches of the same shape through the
    same service the endpoint calls: read/parse (the JSON body), validate (field checks, entry
    classification, the one round trip of lookups, the verdicts), write (the COPY or INSERT), side
    effects (follow-ups and referrals). Over HTTP the rest is the server (gunicorn, DRF, answer)."""
    from fangkong.gates.services import scans

    spent = {"parse": 0.0, "validate": 0.0, "write": 0.0, "side_effects": 0.0}
    wrapped = {}

    def timed(name, fn):
        def inner(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.perf_counter() - t0

        return inner

    for name, phase in (
        ("_insert_scans", "write"),
        ("_followups_for_refusals", "side_effects"),
        ("_referrals_for_fever", "side_effects"),
    ):
        wrapped[name] = getattr(scans, name)
        setattr(scans, name, timed(phase, wrapped[name]))
    total = 0.0
    try:
        for _ in range(batches):
            body = json.dumps({"scans": _scans(gate, codes, BATCH, rng)}).encode()
            t0 = time.perf_counter()
            items = json.loads(body)["scans"]
            t1 = time.perf_counter()
            scans.scan_batch_record(actor=token_user, items=items)
            t2 = time.perf_counter()
            spent["parse"] += t1 - t0
            total += t2 - t0
    finally:
        for name, fn in wrapped.items():
            setattr(scans, name, fn)
    spent["validate"] = total - spent["parse"] - spent["write"] - spent["side_effects"]
    return {k: round(v / batches * 1000, 1) for k, v in spent.items()} | {
        "total": round(total / batches * 1000, 1)
    }


def batch_results(server, gate, token, codes, people, plan):
    from rest_framework.authtoken.models import Token

    from fangkong.gates.models import ScanEvent

    rng = random.Random(4)
    payloads = [_scans(gate, codes, BATCH, rng) for _ in range(plan["batches"])]
    conn = server.conn()
    post_json(conn, "/api/gates/scans/batch/", {"scans": _scans(gate, codes, 50, rng)}, token)  # warm up
    before = ScanEvent.objects.count()
    t0 = time.perf_counter()
    for body in payloads:
        status, content = post_json(conn, "/api/gates/scans/batch/", {"scans": body}, token)
        if status != 200:
            raise AssertionError(f"batch: {status} {content[:300]!r}")
    api_s = time.perf_counter() - t0
    conn.close()
    sent = BATCH * plan["batches"]
    landed = ScanEvent.objects.count() - before
    api_rate = sent / api_s
    # The retry of the same batches writes nothing (exactly once).
    conn = server.conn()
    status, content = post_json(conn, "/api/gates/scans/batch/", {"scans": payloads[0]}, token)
    dup = json.loads(content)["duplicate"] if status == 200 else None
    conn.close()
    copy_s = _copy_rows(gate, people, sent, rng)
    copy_rate = sent / copy_s
    phases = batch_phases(gate, Token.objects.get(key=token).user, codes, rng, max(1, plan["batches"] // 2))
    phases["http_and_server"] = round(api_s / plan["batches"] * 1000 - phases["total"], 1)
    yield common.result(
        "gates.batch_ingest",
        "scans_per_s",
        round(api_rate),
        "scans/s",
        baseline=round(copy_rate),
        ratio=round(api_rate / copy_rate, 3),
        target=">= 0.50",
        scans=sent,
        landed=landed,
        batch=BATCH,
        retry_duplicates=dup,
        phases_ms_per_batch=phases,
        note="baseline: COPY of as many prepared rows into gates_scanevent (indexes, unique key) in the same "
        "run, rolled back; phases measured in-process on batches of the same shape",
    )


def single_results(server, gate, token, codes, plan):
    rng = random.Random(5)
    seconds = plan["single_seconds"]

    def load(url_body, interval=0.0):
        """CONCURRENCY clients on keep-alive connections; each sends its next request as soon as the
        last is answered, or with `interval`, at that pace (a gate volunteer scans every few seconds)."""
        lat: list[float] = []
        errors = [0]
        stop_at = time.perf_counter() + seconds

        def client(i):
            local = random.Random(i)
            conn = server.conn()
            next_at = time.perf_counter() + local.random() * interval
            while time.perf_counter() < stop_at:
                if interval:
                    time.sleep(max(0.0, next_at - time.perf_counter()))
                    next_at += interval
                t0 = time.perf_counter()
                try:
                    status, _ = url_body(conn, local)
                    if status >= 400:
                        errors[0] += 1
                except (OSError, http.client.HTTPException):
                    errors[0] += 1
                    conn.close()
                    conn = server.conn()
                    continue
                lat.append(time.perf_counter() - t0)
            conn.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CONCURRENCY)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        return len(lat) / elapsed, lat, errors[0]

    def scan(conn, local):
        body = {
            "client_id": str(uuid.uuid4()),
            "place": gate.pk,
            "code": local.choice(codes),
            "temperature": "36.6",
            "direction": "in",
            "scanned_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        }
        return post_json(conn, "/api/gates/scans/", body, token)

    def constant(conn, local):
        conn.request("GET", "/bench/constant/")
        r = conn.getresponse()
        r.read()
        return r.status, None

    rng.random()
    base_rps, base_lat, _e = load(constant)
    rps, lat, errors = load(scan)
    paced_rps, paced_lat, paced_errors = load(scan, interval=PACED_INTERVAL)
    p99 = common.percentile(lat, 99) * 1000
    yield common.result(
        "gates.single_scan",
        "requests_per_s",
        round(rps, 1),
        "req/s",
        baseline=round(base_rps, 1),
        ratio=round(rps / base_rps, 3),
        target=">= 0.50",
        concurrency=CONCURRENCY,
        errors=errors,
        note="baseline: minimal Django view returning a constant, same gunicorn",
    )
    yield common.result(
        "gates.single_scan",
        "p99_ms",
        round(p99, 1),
        "ms",
        target="< 50",
        p50_ms=round(common.percentile(lat, 50) * 1000, 1),
        baseline_p99_ms=round(common.percentile(base_lat, 99) * 1000, 1),
        concurrency=CONCURRENCY,
        note="saturated: every client sends its next scan the moment the last is answered, so p99 "
        "is mostly queueing (Little's law: 50 clients / throughput); the baseline's own p99 is above",
    )
    yield common.result(
        "gates.single_scan",
        "p99_ms_paced",
        round(common.percentile(paced_lat, 99) * 1000, 1),
        "ms",
        target="< 50",
        p50_ms=round(common.percentile(paced_lat, 50) * 1000, 1),
        requests_per_s=round(paced_rps, 1),
        errors=paced_errors,
        concurrency=CONCURRENCY,
        note=f"the same 50 clients, each scanning every {PACED_INTERVAL} s (a busy gate post)",
    )


def verdict_results(gate, codes, plan, state):
    from django.utils import timezone

    from fangkong.gates import selectors

    rng = random.Random(6)
    sample = [rng.choice(codes) for _ in range(plan["verdicts"])]
    now = timezone.now()

    def one(code):
        return selectors.verdict_for_code(code, place=gate, temperature="36.6", at=now)

    for c in sample[:20]:
        one(c)
    lat = []
    for c in sample:
        t0 = time.perf_counter()
        one(c)
        lat.append(time.perf_counter() - t0)
    yield common.result(
        "gates.verdict",
        "p99_ms",
        round(common.percentile(lat, 99) * 1000, 2),
        "ms",
        target="< 10",
        p50_ms=round(common.percentile(lat, 50) * 1000, 2),
        n=len(lat),
        residents=state.get("residents"),
    )


WRK_SCRIPT = """
-- One gate scan per request: a unique client id (no retry), a resident's ID number, the bench gate.
local codes = {%(codes)s}
local place, token = %(place)d, "%(token)s"
local n, counter = 0, 0
function setup(thread) counter = counter + 1; thread:set("tid", counter) end  -- a global in that thread
function init(args) math.randomseed(tid * 7919 + os.time()) end
function request()
  n = n + 1
  local cid = string.format("%%08x-%%04x-4%%03x-8%%03x-%%012x", math.random(0, 0x7fffffff), tid, n %% 4096,
                            math.random(0, 4095), n)
  local body = string.format('{"client_id":"%%s","place":%%d,"code":"%%s","temperature":"36.5","direction":"in"}',
                             cid, place, codes[math.random(#codes)])
  return wrk.format("POST", "/api/gates/scans/", {["Content-Type"] = "application/json",
                    ["Authorization"] = "Token " .. token}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%%d,"seconds":%%f,"p50_us":%%d,"p99_us":%%d,"errors":%%d,' ..
    '"error_kinds":{"status":%%d,"connect":%%d,"read":%%d,"write":%%d,"timeout":%%d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout, e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def _cpu_seconds(pids) -> dict[int, float]:
    """utime + stime of each process still running (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return out


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (/proc/stat): what other work took is the rest."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [r[0] for r in cur.fetchall()]


def load_results(gate, token, codes, plan):
    """Issue 23: the single scan under wrk (C, one process, LOAD_CONNECTIONS keep-alive connections) against
    gunicorn with 1, 2 and 3 workers on one port and one PostgreSQL: scans/s, p50/p99 and where the CPU
    goes (PostgreSQL backends of this database, the gunicorn workers, wrk itself), until the database is
    the limit. The machine has 2 cores; every process of the run shares them."""
    import shutil
    import tempfile

    if shutil.which("wrk") is None:
        yield common.result(
            "gates.load_curve", "skipped", 0, "", note="wrk is not installed (apt install wrk)"
        )
        return
    seconds = plan["load_seconds"]
    script = WRK_SCRIPT % {
        "codes": ", ".join(json.dumps(c) for c in codes[:2000]),
        "place": gate.pk,
        "token": token,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    curve = []
    try:
        for workers in LOAD_WORKERS:
            server = Server(workers=workers)
            try:
                for _ in range(2):  # every worker opens its connection and warms its caches
                    conn = server.conn()
                    for c in codes[:20]:
                        post_json(conn, "/api/gates/scans/", {"place": gate.pk, "code": c}, token)
                    conn.close()
                gunicorn = [server.proc.pid, *_children(server.proc.pid)]
                before_pg, before_web = _cpu_seconds(_backends()), _cpu_seconds(gunicorn)
                busy0 = _machine_busy()
                t0 = time.perf_counter()
                proc = subprocess.Popen(
                    [
                        "wrk",
                        "-t",
                        "2",
                        "-c",
                        str(LOAD_CONNECTIONS),
                        "-d",
                        f"{seconds}s",
                        "-s",
                        f.name,
                        f"http://127.0.0.1:{server.port}/",
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                out = proc.stdout.read()
                _pid, _status, usage = os.wait4(proc.pid, 0)
                proc.returncode = 0
                elapsed = time.perf_counter() - t0
                busy = _machine_busy() - busy0
                after_pg, after_web = _cpu_seconds(_backends()), _cpu_seconds(gunicorn)
            finally:
                server.stop()
            line = next((x for x in out.splitlines() if x.startswith("WRK ")), None)
            if line is None:
                raise AssertionError(f"wrk said: {out[-500:]}")
            w = json.loads(line[4:])
            pg = sum(v - before_pg.get(pid, 0.0) for pid, v in after_pg.items())
            web = sum(v - before_web.get(pid, 0.0) for pid, v in after_web.items())
            rate = w["requests"] / w["seconds"]
            client = usage.ru_utime + usage.ru_stime
            curve.append(
                {
                    "workers": workers,
                    "scans_per_s": round(rate),
                    "p50_ms": round(w["p50_us"] / 1000, 1),
                    "p99_ms": round(w["p99_us"] / 1000, 1),
                    "errors": w["errors"],
                    "error_kinds": {k: v for k, v in w["error_kinds"].items() if v},
                    "pg_cores": round(pg / elapsed, 2),
                    "web_cores": round(web / elapsed, 2),
                    "wrk_cores": round(client / elapsed, 2),
                    "pg_share": round(pg / max(pg + web + client, 1e-9), 2),
                    "machine_busy_cores": round(busy / elapsed, 2),
                    "pg_cpu_ms_per_scan": round(pg / max(w["requests"], 1) * 1000, 3),
                    "web_cpu_ms_per_scan": round(web / max(w["requests"], 1) * 1000, 3),
                }
            )
    finally:
        os.unlink(f.name)
    best = max(curve, key=lambda r: r["scans_per_s"])
    # What the CPU alone would allow on an unshared machine of this size: the cores over what one scan
    # costs the server and the database (measured where they cost least: the least contended step).
    cheapest = min(curve, key=lambda r: r["pg_cpu_ms_per_scan"] + r["web_cpu_ms_per_scan"])
    cpu_ms = cheapest["pg_cpu_ms_per_scan"] + cheapest["web_cpu_ms_per_scan"]
    cores = os.cpu_count() or 1
    for row in curve:
        yield common.result(
            "gates.load_curve",
            f"scans_per_s_{row['workers']}w",
            row["scans_per_s"],
            "scans/s",
            **{k: v for k, v in row.items() if k != "scans_per_s"},
            connections=LOAD_CONNECTIONS,
            note="wrk on loopback, unique client ids; pg/web cores = CPU seconds per second of the run",
        )
    yield common.result(
        "gates.load_curve",
        "scans_per_day",
        round(best["scans_per_s"] * 86400 / PEAK_FACTOR),
        "scans/day",
        best_workers=best["workers"],
        best_scans_per_s=best["scans_per_s"],
        peak_factor=PEAK_FACTOR,
        cpu_ms_per_scan=round(cpu_ms, 3),
        cpu_bound_scans_per_s=round(cores * 1000 / cpu_ms) if cpu_ms else None,
        cpu_bound_scans_per_day=round(cores * 1000 / cpu_ms * 86400 / PEAK_FACTOR) if cpu_ms else None,
        note=f"best rate x 86,400 s / {PEAK_FACTOR} (the busiest hour carries {PEAK_FACTOR}x the day's average)",
    )


def run(scale: str):
    plan = PLAN[scale]
    state = common.ensure_district(scale)
    from fangkong.gates import partitions

    partitions.partitions_ensure()
    gate, token, codes, people = _setup(plan)
    yield from verdict_results(gate, codes, plan, state)
    server = Server()
    try:
        yield from batch_results(server, gate, token, codes, people, plan)
        yield from single_results(server, gate, token, codes, plan)
    finally:
        server.stop()
    yield from load_results(gate, token, codes, plan)
