"""Residents registry at district scale (issue 3, "Benchmarks"):

1. seed_district: generating the district on PostgreSQL (seed_demo; COPY): time and peak memory.
2. person_list: the resident list filtered by one community — the API list and the UI page as a
   community worker (median, p95; target p95 < 300 ms), and the scoped queryset vs the same unscoped one
   (ratio target <= 1.2).
3. survey_import: a door-to-door survey file of 100,000 rows (10,000 at SCALE=small) through
   imports.read_rows + services.survey_import(commit=True), against a bare COPY of the same rows
   (already encrypted and keyed: the exact column values the import writes) into people_person with its
   indexes and constraints, in the same run, rolled back: ratio = COPY time / import time (the import's
   rows/s over COPY's rows/s), target >= 0.50; the phases (read, validate, write, side effects) apart.

Order matters: the list is measured on the freshly seeded district, the import (which adds rows) last.
"""

from __future__ import annotations

import datetime
import random
import re
import tempfile
from pathlib import Path

from bench import common

LIST_ITERATIONS = {"tiny": 3, "small": 30, "default": 50, "large": 100}
IMPORT_ROWS = {"tiny": 200, "small": 10_000, "default": 100_000, "large": 100_000}
PAGE = 50


def run(scale: str):
    state = common.ensure_district(scale)
    yield from seed_results(state)
    yield from list_results(scale, state)
    yield from import_results(scale)


# ---------------------------------------------------------------------------------------------------------
# 1. Generating the district


def seed_results(state: dict):
    if state.get("reused"):
        yield common.result("registry.seed_district", "seconds", None, "s",
                            note="skipped: --reuse kept an already seeded database")  # fmt: skip
        return
    people_line = next((line for line in state["output"] if "residents," in line), "")
    tree_line = next(
        (line for line in state["output"] if "households" in line and "residents" not in line), ""
    )
    m = re.search(r"\(([^)]*)\)", people_line)
    residents = state["residents"]
    yield common.result(
        "registry.seed_district",
        "seconds",
        round(state["seconds"], 1),
        "s",
        residents=residents,
        rows_per_s=round(residents / state["seconds"]),
        cpu_s=round(state["cpu_s"], 1),
        people_step=m.group(1) if m else people_line.strip(),
        households=tree_line.strip(),
        note=state["note"] + " (tree, places, residents and every app's seed; wall clock under shared CPU)",
    )
    worker_peak = re.search(r"workers peak RSS (\d+) MB", people_line)
    yield common.result(
        "registry.seed_district",
        "peak_rss",
        round(state["peak_rss_mb"]),
        "MB",
        workers_peak_rss_mb=int(worker_peak.group(1)) if worker_peak else None,
        note="peak resident set of the seeding process (its render workers apart); PostgreSQL not included",
    )


# ---------------------------------------------------------------------------------------------------------
# 2. Resident list filtered by one community


def _community():
    """The middle community of the seeded tree, or the one the bench worker already serves: groups that
    run before (hotline) add communities of their own, which would move "the middle" away from the worker
    made by an earlier group (foundation, exports) and scope it out of the list it is timed on."""
    from fangkong.accounts.models import User
    from fangkong.areas.models import Area, Level

    worker = User.objects.filter(username="bench-worker").first()
    scope = worker and worker.scopes.filter(area__level=Level.COMMUNITY).select_related("area").first()
    if scope:
        return scope.area
    communities = Area.objects.filter(level=Level.COMMUNITY).order_by("path")
    return communities[communities.count() // 2]


def _router_has(prefix: str) -> bool:
    import fangkong.urls  # noqa: F401  (registers every app's viewsets)
    from fangkong.core.api import router

    return any(p == prefix for p, *_rest in router.registry)


def list_results(scale: str, state: dict):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from bench.foundation import district_admin, queries, users
    from fangkong.people.models import Person

    community = _community()
    worker, admin = users(community)
    n = LIST_ITERATIONS[scale]
    in_community = Person.objects.filter(area_path__startswith=community.path).count()
    total = state.get("residents") or Person.objects.count()
    note = f"community {community.name} ({in_community:,} of {total:,} residents); community worker"

    # (iii) the queryset: scoped (visible_to) vs the same filter unscoped, first page and count.
    def scoped_qs():
        return Person.objects.visible_to(worker).filter(area_path__startswith=community.path)

    def unscoped_qs():
        return Person.objects.filter(area_path__startswith=community.path)

    for shape, fn in (
        ("first_page", lambda qs: list(qs.order_by("area_path", "name", "pk")[:PAGE])),
        ("count", lambda qs: qs.count()),
    ):
        t = common.interleaved(
            {"scoped": lambda fn=fn: fn(scoped_qs()), "unscoped": lambda fn=fn: fn(unscoped_qs())}, n=n
        )
        s, u = common.summary_ms(t["scoped"]), common.summary_ms(t["unscoped"])
        yield common.result(
            f"registry.person_list.queryset_{shape}",
            "scoped_median_latency",
            s["median"],
            "ms",
            baseline=u["median"],
            ratio=round(s["median"] / u["median"], 3),
            target="<= 1.2",
            p95_ms=s["p95"],
            baseline_p95_ms=u["p95"],
            n=n,
            note=note + " vs unscoped; Person.objects.visible_to(user).filter(area_path__startswith=…)",
        )

    # (i) the API list, (ii) the UI page: guarded until the registry's endpoints exist.
    api_url = f"/api/people/?area={community.pk}"
    ui_url = f"/people/?area={community.pk}"
    token, _ = Token.objects.get_or_create(user=worker)
    admin_token, _ = Token.objects.get_or_create(user=admin)
    api_worker = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    api_admin = Client(HTTP_AUTHORIZATION=f"Token {admin_token.key}")
    if _router_has("people"):
        probe = api_worker.get(api_url)
        if probe.status_code != 200:
            raise AssertionError(f"{api_url}: {probe.status_code} {probe.content[:300]!r}")
        rows = len(probe.json().get("results", []))
        api_district = Client(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=district_admin())[0].key}"
        )
        t = common.interleaved(
            {
                "worker": lambda: api_worker.get(api_url),
                "admin": lambda: api_admin.get(api_url),
                "district": lambda: api_district.get(api_url),
            },
            n=n,
        )
        s, u, d = (common.summary_ms(t[k]) for k in ("worker", "admin", "district"))
        yield common.result("registry.person_list.api", "p95_latency", s["p95"], "ms", target="< 300",
                            median_ms=s["median"], n=n, rows=rows, url=api_url, queries=queries(api_worker, api_url),
                            note=note)  # fmt: skip
        yield common.result("registry.person_list.api", "scoped_median_latency", s["median"], "ms",
                            baseline=u["median"], ratio=round(s["median"] / u["median"], 3), target="<= 1.2",
                            baseline_queries=queries(api_admin, api_url),
                            note="community worker vs superuser (no scope, no permission lookups), same URL")  # fmt: skip
        yield common.result("registry.person_list.api", "scoped_vs_district_median_latency", s["median"], "ms",
                            baseline=d["median"], ratio=round(s["median"] / d["median"], 3), target="<= 1.2",
                            note="community worker vs district administrator, same URL")  # fmt: skip
    else:
        yield common.result("registry.person_list.api", "p95_latency", None, "ms", target="< 300",
                            note="skipped: /api/people/ is not registered yet")  # fmt: skip

    ui = Client()
    ui.force_login(worker)
    probe = ui.get(ui_url)
    if probe.status_code == 200:
        t = common.timings(lambda: ui.get(ui_url), n=n)
        s = common.summary_ms(t)
        yield common.result("registry.person_list.ui", "p95_latency", s["p95"], "ms", target="< 300",
                            median_ms=s["median"], n=n, queries=queries(ui, ui_url), url=ui_url, bytes=len(probe.content),
                            note=note)  # fmt: skip
    else:
        yield common.result("registry.person_list.ui", "p95_latency", None, "ms", target="< 300",
                            note=f"skipped: {ui_url} answered {probe.status_code}")  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# 3. Door-to-door survey import vs bare COPY


def survey_rows(n: int, seed: int = 7) -> tuple[list[dict], list[tuple[int, str]]]:
    """`n` valid new residents for existing households, keyed by the template's Chinese headers, and
    the (household id, path) of each row.

    ID numbers use city-level region codes (xxxx00), which the seed never uses, so none is registered."""
    from django.db.models.functions import Mod

    from fangkong.areas.models import STEP, Area, Level
    from fangkong.core.identity import check_digit, region_codes
    from fangkong.people import imports as ix
    from fangkong.people.models import Person
    from fangkong.people.seed import MOBILE_PREFIXES, PROVINCES, _make_name

    rng = random.Random(seed)
    per_household = 2
    households_total = Area.objects.filter(level=Level.HOUSEHOLD).count()
    extra = n // 50 + 10  # spare rows for numbers that turn out to be registered already (earlier runs)
    wanted = -(-(n + extra) // per_household)
    step = max(1, households_total // wanted)
    households = list(
        Area.objects.filter(level=Level.HOUSEHOLD).annotate(m=Mod("id", step)).filter(m=0)
        .order_by("path").values_list("id", "path", "name")[:wanted]
    )  # fmt: skip
    if len(households) < wanted:
        raise RuntimeError(f"only {len(households)} households for {n} rows")
    # A household has one head (户主): the survey names a head only where the household has none yet
    # (seeded households mostly have one), everyone else joins as family.
    headed = set(
        Person.objects.filter(area_id__in=[h[0] for h in households], relation=Person.Relation.OWNER)
        .values_list("area_id", flat=True)
    )  # fmt: skip
    names = dict(Area.objects.filter(level__in=[Level.STREET, Level.COMMUNITY, Level.BUILDING, Level.ENTRANCE])
                 .values_list("path", "name"))  # fmt: skip
    codes = sorted(
        c for c in region_codes() if c.endswith("00") and not c.endswith("0000") and c[:2] in PROVINCES
    )
    seen: set[str] = set()
    rows, addresses = [], []
    for household_id, path, household in households:
        for k in range(per_household):
            if len(rows) == n + extra:
                break
            sex = rng.choice("MF")
            while True:
                birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 55))
                first17 = f"{rng.choice(codes)}{birth:%Y%m%d}{rng.randrange(500) * 2 + (sex == 'M'):03d}"
                number = first17 + check_digit(first17)
                if number not in seen:
                    seen.add(number)
                    break
            name, _initials = _make_name(rng, sex)
            rows.append({
                ix.NAME: name,
                ix.ID_TYPE: "居民身份证",
                ix.ID_NUMBER: number,
                ix.PHONE: rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
                ix.PERSON_TYPE: "流动",
                ix.RELATION: "户主" if k == 0 and household_id not in headed else "家属",
                ix.LANDLORD_ID: "",
                ix.STREET: names[path[: 3 * STEP]],
                ix.COMMUNITY: names[path[: 4 * STEP]],
                ix.BUILDING: names[path[: 6 * STEP]],
                ix.ENTRANCE: names[path[: 7 * STEP]],
                ix.HOUSEHOLD: household,
                ix.REGISTERED: PROVINCES[number[:2]],
                ix.RETURN: "在京",
                ix.NOTES: "",
            })  # fmt: skip
            addresses.append((household_id, path))
    return _unregistered(rows, addresses, n)


def _unregistered(rows: list[dict], addresses: list, n: int) -> tuple[list[dict], list]:
    """Drop rows whose document number is already in the database; keep `n`."""
    from fangkong.core import crypto
    from fangkong.people import imports as ix
    from fangkong.people.models import Person

    hashes = [crypto.blind_index(r[ix.ID_NUMBER], kind="id") for r in rows]
    taken: set[str] = set()
    for i in range(0, len(hashes), 5000):
        taken.update(
            Person.objects.filter(id_hash__in=hashes[i : i + 5000]).values_list("id_hash", flat=True)
        )
    keep = [k for k, h in enumerate(hashes) if h not in taken][:n]
    if len(keep) < n:
        raise RuntimeError(f"only {len(keep)} unregistered rows for {n}")
    return [rows[k] for k in keep], [addresses[k] for k in keep]


def write_xlsx(rows: list[dict], path: Path) -> None:
    from openpyxl import Workbook

    from fangkong.people import imports as ix

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("入户摸排")
    ws.append(ix.TEMPLATE_HEADERS)
    for r in rows:
        ws.append([r.get(h, "") for h in ix.TEMPLATE_HEADERS])
    wb.save(path)


def baseline_rows(rows: list[dict], addresses: list[tuple[int, str]]) -> list[dict]:
    """The same people as table rows, encrypted beforehand: what a bare COPY would load."""
    from django.utils import timezone

    from fangkong.core import crypto
    from fangkong.core.identity import mask_id, mask_phone, parse_resident_id
    from fangkong.people import imports as ix
    from fangkong.people.seed import _initials

    now = timezone.now()
    out = []
    for r, (area_id, area_path) in zip(rows, addresses, strict=True):
        number, phone = r[ix.ID_NUMBER], r[ix.PHONE]
        rid = parse_resident_id(number)
        out.append({
            "area_id": area_id, "area_path": area_path, "created_at": now, "updated_at": now, "name": r[ix.NAME],
            "name_initials": _initials(r[ix.NAME]), "id_type": "resident_id",
            "id_number_enc": crypto.encrypt(number), "id_hash": crypto.blind_index(number, kind="id"),
            "id_masked": mask_id(number), "sex": rid.sex, "birth_date": rid.birth_date,
            "phone_enc": crypto.encrypt(phone), "phone_hash": crypto.blind_index(phone, kind="phone"),
            "phone_masked": mask_phone(phone), "person_type": "migrant", "relation": "owner" if r[ix.RELATION] == "户主" else "family",
            "registered_residence": r[ix.REGISTERED], "return_status": "present", "status": "normal", "notes": "",
        })  # fmt: skip
    return out


def copy_people(rows: list[dict]) -> None:
    from django.db import connection

    from fangkong.people.models import Person

    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: (f.get_default() if f.has_default() else (None if f.null else "")) for f in fields}
    names = [f.attname for f in fields]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.copy(
            f"COPY {connection.ops.quote_name(Person._meta.db_table)} ({cols}) FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row([r[k] if k in r else defaults[k] for k in names])


class _Rollback(Exception):
    pass


def import_results(scale: str):
    from django.db import transaction

    from bench.foundation import users
    from fangkong.areas.models import Area, Level
    from fangkong.people.models import Person

    try:
        from fangkong.people import imports, services

        services.survey_import  # noqa: B018
        imports.read_rows  # noqa: B018
    except (ImportError, AttributeError) as exc:
        yield common.result("registry.survey_import", "rows_per_s", None, "rows/s", target=">= 0.50",
                            note=f"skipped: {exc}")  # fmt: skip
        return
    n = IMPORT_ROWS[scale]
    district = Area.objects.get(level=Level.DISTRICT)
    _worker, admin = users(_community())
    before = Person.objects.count()
    with common.timer() as t_gen:
        rows, addresses = survey_rows(n, seed=before)  # new people even in a reused database
        tmp = Path(tempfile.mkdtemp(prefix="fangkong-bench-")) / "survey.xlsx"
        write_xlsx(rows, tmp)
        copy_rows = baseline_rows(rows, addresses)
    common.say(f"survey file of {n:,} rows ({tmp.stat().st_size / 2**20:.1f} MB) made in {t_gen['s']:.0f}s")

    # Baseline: a bare COPY of the same rows into the same table, rolled back.
    try:
        with transaction.atomic():
            with common.timer() as t_copy:
                copy_people(copy_rows)
            raise _Rollback
    except _Rollback:
        pass
    assert Person.objects.count() == before

    with common.timer() as t_read:
        read = imports.read_rows(tmp)
    with common.timer() as t_import:
        report = services.survey_import(actor=admin, rows=read, within=district, commit=True)
    total = t_read["s"] + t_import["s"]
    added = Person.objects.count() - before
    if report.errors or added != n:
        first = [(e.row, e.column, str(e.message)) for e in report.row_errors[:5]]
        raise AssertionError(f"import: {report.errors} rows with errors, {added} added of {n}: {first}")
    copy_rate, import_rate = n / t_copy["s"], n / total
    phases = report.phases.as_dict()
    yield common.result(
        "registry.survey_import",
        "rows_per_s",
        round(import_rate),
        "rows/s",
        baseline=round(copy_rate),
        ratio=round(import_rate / copy_rate, 3),
        target=">= 0.50",
        rows=n,
        seconds=round(total, 3),
        read_s=round(t_read["s"], 3),
        validate_s=phases.get("validate"),
        write_s=phases.get("write"),
        side_effects_s=phases.get("side_effects"),
        copy_s=round(t_copy["s"], 3),
        file_mb=round(tmp.stat().st_size / 2**20, 1),
        note=f"xlsx of {n:,} new residents into existing households, imported at district level "
        f"(read_rows + survey_import commit) vs COPY of the same rows pre-encrypted into people_person "
        f"({before:,} rows already there)",
    )
    # The second import of the same file must change nothing (the idempotency rule), and is a
    # realistic re-survey: validation and lookups only.
    with common.timer() as t_again:
        again = services.survey_import(actor=admin, rows=read, within=district, commit=True)
    yield common.result(
        "registry.survey_import_again",
        "rows_per_s",
        round(n / t_again["s"]),
        "rows/s",
        seconds=round(t_again["s"], 2),
        unchanged=again.unchanged,
        new=again.new,
        note="the same file imported a second time: everything unchanged, nothing written",
    )
    tmp.unlink()
    tmp.parent.rmdir()
