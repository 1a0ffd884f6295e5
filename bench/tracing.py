"""Investigation (issue 12, "Benchmarks"), group `tracing`:

1. tracing.copresence_1 / tracing.copresence_100: candidate contacts of one case, and of 100 cases at once
   (services.candidates_find_many: household, the one co-presence self-join, evidence, the Contact rows and
   their change log — rolled back), over 10 million scans in 14 days on the 2 M district (SCALE=small:
   proportionally fewer, 500,000 scans for 100,000 residents). Baseline: the bare SQL self-join of the same
   window on the same table (SELECT count(*) …), in the same run; ratio = bare / ours.
2. tracing.graph_api: the chain graph's data (GET /api/tracing/graph/) for 20,000 cases and 100,000
   contacts (SCALE=small: 2,000 and 10,000), values() rows only; baseline = the three bare SELECTs.
3. tracing.bulk_confirm: 1,000 candidate contacts confirmed into observation orders
   (services.contacts_confirm, orders from policy) plus their merged letter PDF, rolled back.
Scans are streamed in by COPY (time-ordered, as gates send them); cases and contacts are inserted straight into
the tables (INSERT ... SELECT)."""

from __future__ import annotations

import datetime
import statistics
import time

from bench import common

SCANS = {"tiny": 500, "small": 500_000, "default": 10_000_000, "large": 10_000_000}
# Cases of the many-cases co-presence figure (a few at tiny, where every scan shares a place with many).
CASES = {"tiny": 2, "small": 100, "default": 100, "large": 100}
GRAPH = {
    "tiny": (100, 500),
    "small": (2_000, 10_000),
    "default": (20_000, 100_000),
    "large": (20_000, 100_000),
}
# Contacts closed at once (observation orders and the merged letter PDF).
REPEATS = {"tiny": 1, "small": 3, "default": 3, "large": 3}  # timed runs of each figure (the median)
BULK = {"tiny": 50, "small": 1_000, "default": 1_000, "large": 1_000}
DAYS = 14


class _Rollback(Exception):
    pass


def run(scale: str):
    common.ensure_district(scale)
    n = SCANS[scale]
    from fangkong.gates.models import ScanEvent

    if ScanEvent.objects.filter(request_id="bench:tracing").exists():  # --reuse: the scans are there
        common.say("tracing: reusing the scans of an earlier run")
    else:
        common.say(f"tracing: inserting {n} scans over {DAYS} days")
        t0 = time.perf_counter()
        places = _insert_scans(n)
        common.say(f"  inserted in {time.perf_counter() - t0:.1f}s at {places} places")
    yield from _copresence(scale)
    yield from _graph(scale)
    yield from _graph_render(scale)
    yield from _bulk(scale)


def _insert_scans(n: int) -> int:
    """n scans over DAYS days, streamed in by one COPY (data generation only: the 10 M scans of the default
    scale took most of this group's 20 minutes as one INSERT ... SELECT of random rows). The rows arrive in
    time order (as a day of gates sends them) with time-ordered client ids, so each day partition and its
    indexes fill in turn instead of all at random."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.areas.models import Place
    from fangkong.gates import partitions
    from fangkong.gates.models import ScanEvent
    from fangkong.people.models import Person

    today = timezone.localdate()
    start = today - datetime.timedelta(days=DAYS)
    if connection.vendor == "postgresql" and partitions.is_partitioned():
        partitions.partitions_ensure(start=start, days=DAYS + 2)
    table = ScanEvent._meta.db_table
    places = list(Place.objects.order_by("pk").values_list("pk", "area_id", "area_path"))
    place_cols = [f"{pk}\t{area}\t{path}" for pk, area, path in places]
    people = np.array(Person.objects.order_by("pk").values_list("pk", flat=True), dtype=np.int64)
    t0 = timezone.make_aware(datetime.datetime.combine(start, datetime.time(6)))
    epoch0 = np.datetime64(int(t0.timestamp()), "s")
    rng = np.random.default_rng(1)
    columns = (
        "client_id, place_id, area_id, area_path, person_id, entry, entered_masked, direction, verdict, "
        "reasons, travel_from, scanned_at, received_at, request_id"
    )
    serial = 0
    with transaction.atomic(), connection.cursor() as cur:
        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for day in range(DAYS):
                todo = n // DAYS + (1 if day < n % DAYS else 0)
                while todo > 0:  # in chunks, so that memory stays flat whatever n
                    size = min(todo, 250_000)
                    todo -= size
                    secs = np.sort(rng.integers(0, 16 * 3600, size)) + day * 86400
                    stamps = np.datetime_as_string(epoch0 + secs, unit="s", timezone="UTC")
                    ks = rng.integers(0, len(places), size)
                    ms = people[rng.integers(0, len(people), size)]
                    lines = [
                        f"b0000000-0000-4000-8000-{serial + i:012x}\t{place_cols[k]}\t{m}\tpass\t\tin\tallow\t[]\t"
                        f"\t{ts}\t{ts}\tbench:tracing\n"
                        for i, (k, m, ts) in enumerate(
                            zip(ks.tolist(), ms.tolist(), stamps.tolist(), strict=True)
                        )
                    ]
                    serial += size
                    copy.write("".join(lines))
        cur.execute(f"ANALYZE {table}")
    return len(places)


def _case_people(k: int, scans: int) -> list[int]:
    """k people spread over the bench scans (every n-th scan, n small enough for k of them at any scale),
    in a hashed order so that they come from across the district: in id order they were all neighbours
    of the first community, whose residents the gates group's load test has just scanned tens of
    thousands of times within a minute at one gate of the same database."""
    from django.db import connection

    from fangkong.gates.models import ScanEvent

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT person_id FROM (SELECT DISTINCT person_id FROM {ScanEvent._meta.db_table} "
            "WHERE request_id = 'bench:tracing' AND id %% %s = 0) AS p "
            "ORDER BY md5(person_id::text), person_id LIMIT %s",
            [max(1, min(997, scans // (4 * k))), k],
        )
        return [r[0] for r in cur.fetchall()]


def _open_cases(person_ids):
    """Bench cases (lab "bench"), opened straight into the table; reused by a --reuse run."""
    from django.utils import timezone

    from fangkong.people.models import Person
    from fangkong.tracing.models import Case

    today = timezone.localdate()
    people = Person.objects.filter(pk__in=person_ids).only("pk", "area_id", "area_path")
    return Case.objects.bulk_create(
        [
            Case(area_id=p.area_id, area_path=p.area_path, person_id=p.pk, sample_date=today, lab="bench")
            for p in people
        ]
    )


def _bare_join(person_ids, window, min_overlap) -> tuple[float, int]:
    from django.db import connection
    from django.utils import timezone

    from fangkong.gates.models import ScanEvent

    table = ScanEvent._meta.db_table
    today = timezone.localdate()
    t0 = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=DAYS), datetime.time())
    )
    t1 = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
    delta = window - min_overlap
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT count(*) FROM {table} c JOIN {table} o ON o.place_id = c.place_id
                  AND o.scanned_at BETWEEN c.scanned_at - make_interval(mins => %s)
                                       AND c.scanned_at + make_interval(mins => %s)
                  AND o.person_id <> c.person_id
                WHERE c.person_id = ANY(%s) AND c.scanned_at >= %s AND c.scanned_at < %s""",
            [delta, delta, list(person_ids), t0, t1],
        )
        pairs = cur.fetchone()[0]
    return time.perf_counter() - start, pairs


def _ours(cases) -> tuple[float, int]:
    from django.db import transaction

    from fangkong.tracing import services

    out = {}
    start = time.perf_counter()
    try:
        with transaction.atomic():
            out["n"] = services.candidates_find_many(actor=None, cases=cases)
            out["s"] = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return out["s"], out["n"]


def _copresence(scale: str):
    from fangkong.tracing import policy as tpolicy

    window, min_overlap = tpolicy.window()
    people = _case_people(CASES[scale], SCANS[scale])
    cases = _open_cases(people)
    for label, chosen, target in (("copresence_1", cases[:1], "< 1"), ("copresence_100", cases, "< 10")):
        ids = [c.person_id for c in chosen]
        ours, bare, found, pairs = [], [], 0, 0
        for _ in range(REPEATS[scale]):
            b, pairs = _bare_join(ids, window, min_overlap)
            bare.append(b)
            s, found = _ours(chosen)
            ours.append(s)
        o, b = statistics.median(ours), statistics.median(bare)
        common.say(f"{label}: {o:.3f}s ({found} candidates), bare self-join {b:.3f}s ({pairs} pairs)")
        yield common.result(
            f"tracing.{label}",
            "seconds",
            round(o, 3),
            "s",
            baseline=round(b, 4),
            ratio=round(b / o, 3) if o else None,
            target=target,
            checked=round(o, 3),
            cases=len(chosen),
            candidates=found,
            pairs=pairs,
            scans=SCANS[scale],
            note="services.candidates_find_many (household + co-presence self-join + evidence + Contact rows and "
            "change log, rolled back); baseline: bare SELECT count(*) of the same self-join; ratio = bare / ours",
        )


def _insert_graph(n_cases: int, n_contacts: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.tracing.models import Case, CaseLink, Cluster, Contact

    now = timezone.now()
    today = timezone.localdate()
    ct, kt, lt = Case._meta.db_table, Contact._meta.db_table, CaseLink._meta.db_table
    per = n_contacts // n_cases
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"""WITH pp AS (SELECT id, area_id, area_path, row_number() OVER (ORDER BY id) AS rn FROM people_person)
                INSERT INTO {ct} (created_at, updated_at, area_id, area_path, person_id, classification, severity,
                                  whereabouts, onset_date, sample_date, lab, source, source_ref, notes)
                SELECT %s, %s, pp.area_id, pp.area_path, pp.id,
                       (ARRAY['preliminary','confirmed','asymptomatic'])[1 + pp.rn %% 3], '', 'home',
                       %s::date - (pp.rn %% 14)::int, %s::date, 'bench', 'manual', 'bench-graph', ''
                FROM pp WHERE pp.rn %% 7 = 0 LIMIT %s""",
            [now, now, today, today, n_cases],
        )
        cur.execute(
            f"""WITH c AS (SELECT id, area_path, row_number() OVER (ORDER BY id) AS rn FROM {ct}
                           WHERE source_ref = 'bench-graph'),
                    pp AS (SELECT id, area_id, area_path, row_number() OVER (ORDER BY id) AS rn FROM people_person),
                    total AS (SELECT count(*) AS n FROM pp)
                INSERT INTO {kt} (created_at, updated_at, area_id, area_path, case_id, case_area_path, person_id,
                                  kind, evidence, state, degree)
                SELECT %s, %s, pp.area_id, pp.area_path, c.id, c.area_path, pp.id,
                       (ARRAY['household','copresence','workplace','named'])[1 + k %% 4], '[]'::jsonb,
                       'confirmed', 'close'
                FROM c CROSS JOIN generate_series(1, %s) AS k CROSS JOIN total
                JOIN pp ON pp.rn = 1 + ((c.rn * 7 + k * 3 + 1) %% total.n)
                ON CONFLICT DO NOTHING""",
            [now, now, per],
        )
        cur.execute(
            f"""WITH c AS (SELECT id, area_id, area_path, row_number() OVER (ORDER BY id) AS rn FROM {ct}
                           WHERE source_ref = 'bench-graph')
                INSERT INTO {lt} (created_at, updated_at, area_id, area_path, source_id, case_id, kind, evidence)
                SELECT %s, %s, b.area_id, b.area_path, a.id, b.id, 'copresence', 'bench'
                FROM c a JOIN c b ON b.rn = a.rn * 2 OR b.rn = a.rn * 2 + 1""",
            [now, now],
        )
        cur.execute(f"ANALYZE {ct}; ANALYZE {kt}; ANALYZE {lt}")
    Cluster  # noqa: B018  (clusters are not needed for the district-wide graph)


def _graph(scale: str):
    from django.db import connection
    from django.test import Client

    from fangkong.accounts.models import User
    from fangkong.tracing.models import Case, CaseLink, Contact

    n_cases, n_contacts = GRAPH[scale]
    if not Case.objects.filter(source_ref="bench-graph").exists():
        _insert_graph(n_cases, n_contacts)
    cases, contacts = Case.objects.count(), Contact.objects.filter(state="confirmed").count()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-tracing", "", "x"
    )
    client = Client()
    client.force_login(admin)
    times, size, nodes = [], 0, 0
    for _ in range(REPEATS[scale]):
        t0 = time.perf_counter()
        resp = client.get("/api/tracing/graph/", HTTP_ACCEPT="application/json")
        body = resp.content
        times.append(time.perf_counter() - t0)
        assert resp.status_code == 200, resp.status_code
        size = len(body)
    import json

    data = json.loads(body)
    nodes, links = len(data["nodes"]), len(data["links"])
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for sql in (
            f"SELECT c.id, c.person_id, p.name, c.classification FROM {Case._meta.db_table} c JOIN people_person p ON p.id = c.person_id",
            f"SELECT k.case_id, k.person_id, p.name, k.kind FROM {Contact._meta.db_table} k JOIN people_person p ON p.id = k.person_id WHERE k.state = 'confirmed'",
            f"SELECT source_id, case_id, kind FROM {CaseLink._meta.db_table}",
        ):
            cur.execute(sql)
            cur.fetchall()
    bare = time.perf_counter() - t0
    t = statistics.median(times)
    common.say(
        f"graph: {t:.2f}s for {nodes} nodes / {links} links ({size / 1e6:.1f} MB), bare selects {bare:.2f}s"
    )
    yield common.result(
        "tracing.graph_api",
        "seconds",
        round(t, 3),
        "s",
        baseline=round(bare, 3),
        ratio=round(bare / t, 3),
        target="< 3",
        checked=round(t, 3),
        cases=cases,
        contacts=contacts,
        nodes=nodes,
        links=links,
        megabytes=round(size / 1e6, 1),
        note="GET /api/tracing/graph/ as a district-wide user (JSON of every node and edge); baseline: the three "
        "bare SELECTs; the browser render (< 5 s) is tracing.graph_render",
    )


RENDER_TIMEOUT = {"tiny": 60, "small": 60, "default": 120, "large": 120}  # seconds before giving up


def _graph_render(scale: str):
    """The chain graph page in headless Chromium (Playwright) against gunicorn on loopback: from the
    navigation to the first frame painted after ECharts has the whole graph (graph.js marks the holder
    `data-rendered` once setOption returned; then two animation frames). Static files are answered from
    Django's finders, as no collectstatic runs for the bench."""
    import mimetypes
    import os

    from django.contrib.staticfiles import finders
    from django.test import Client

    from bench.gates import Server
    from fangkong.accounts.models import User

    chromium = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        common.say(f"graph render: no browser at {chromium} (apt-get install chromium), not measured")
        return
    admin = User.objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(admin)
    session = client.cookies["sessionid"].value

    def static(route):
        path = finders.find(route.request.url.split("/static/", 1)[1].split("?")[0])
        if not path:
            return route.fulfill(status=404, body="")
        with open(path, "rb") as fh:
            body = fh.read()
        route.fulfill(status=200, body=body, content_type=mimetypes.guess_type(path)[0] or "text/plain")

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    server = Server(workers=1, threads=4)
    timeout = RENDER_TIMEOUT[scale]
    times, nodes, links, timed_out = [], 0, 0, False
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
            )
            try:
                base = f"http://127.0.0.1:{server.port}"
                context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
                context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
                context.route("**/static/**", static)
                page = context.new_page()
                for _ in range(2 if scale == "tiny" else 3):
                    page.goto("/tracing/graph/")
                    try:
                        page.wait_for_selector(
                            "#chain-graph[data-rendered='1']", state="attached", timeout=timeout * 1000
                        )
                    except PlaywrightTimeout:
                        timed_out = True
                        break
                    ms = page.evaluate(
                        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
                        "() => r(performance.now()))))"
                    )
                    holder = page.locator("#chain-graph")
                    nodes = int(holder.get_attribute("data-nodes"))
                    links = int(holder.get_attribute("data-links"))
                    times.append(ms / 1000)
                context.close()
            finally:
                browser.close()
    finally:
        server.stop()
    t = statistics.median(times[1:] or times) if times else None  # the first load warms the server
    common.say(
        f"graph render: {t:.2f}s for {nodes} nodes / {links} links"
        if t is not None
        else f"graph render: not done within {timeout}s"
    )
    yield common.result(
        "tracing.graph_render",
        "seconds",
        round(t, 3) if t is not None else None,
        "s",
        target="< 5",
        checked=round(t, 3) if t is not None else float(timeout),
        nodes=nodes,
        links=links,
        runs=len(times),
        timed_out=timed_out,
        note="GET /tracing/graph/ in headless Chromium (Playwright, gunicorn on loopback): navigation to the first "
        "frame painted after ECharts received every node and edge (the data request included); median of the "
        "loads after the first",
    )


def _bulk(scale: str):
    from django.db import transaction

    from fangkong.observation.models import ObservationOrder
    from fangkong.people.models import Person
    from fangkong.tracing import documents, services
    from fangkong.tracing.models import Contact

    k = CASES[scale]
    case = _open_cases(_case_people(k + 1, SCANS[scale])[k : k + 1])[0]  # not one of _copresence's cases
    people = list(
        Person.objects.exclude(pk=case.person_id)
        .order_by("?")
        .only("pk", "area_id", "area_path")[: BULK[scale]]
    )
    out = {}
    try:
        with transaction.atomic():
            contacts = Contact.objects.bulk_create(
                [
                    Contact(
                        area_id=p.area_id,
                        area_path=p.area_path,
                        case=case,
                        case_area_path=case.area_path,
                        person_id=p.pk,
                        kind="named",
                        evidence=[{"kind": "named", "note": "bench"}],
                    )
                    for p in people
                ]
            )
            t0 = time.perf_counter()
            res = services.contacts_confirm(actor=None, contacts=contacts)
            out["confirm"] = time.perf_counter() - t0
            orders = ObservationOrder.objects.filter(pk__in=[o.pk for o in res["orders"]]).select_related(
                "person", "area"
            )
            t0 = time.perf_counter()
            pdf = documents.letters_pdf(orders)
            out["pdf"] = time.perf_counter() - t0
            out["orders"], out["bytes"] = len(res["orders"]), len(pdf)
            raise _Rollback
    except _Rollback:
        pass
    total = out["confirm"] + out["pdf"]
    common.say(f"bulk: {out['orders']} orders in {out['confirm']:.2f}s, merged PDF in {out['pdf']:.2f}s")
    yield common.result(
        "tracing.bulk_confirm",
        "seconds",
        round(total, 2),
        "s",
        target="< 10",
        checked=round(total, 2),
        orders=out["orders"],
        confirm_seconds=round(out["confirm"], 2),
        pdf_seconds=round(out["pdf"], 2),
        pdf_bytes=out["bytes"],
        note=f"services.contacts_confirm of {BULK[scale]:,} candidates (observation.order_create each, in one "
        f"transaction) + documents.letters_pdf of the {BULK[scale]:,} orders (one PDF), rolled back",
    )
