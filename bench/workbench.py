"""The workbench (issue 19): a street coordinator's 工作台 on the seeded district.

workbench.street p95: GET /workbench/ (every registered to-do kind counted through its list's own scope
and filter, rendered, through the Django test client) for a street coordinator of the first street,
timed alternately with the resident list's first page (GET /people/, the same user) so that the ratio
is of one moment of this machine. Target p95 < 300 ms.
"""

from __future__ import annotations

from bench import common


def run(scale: str):
    common.ensure_district(scale)
    from django.db import connection
    from django.test import Client

    from fangkong.accounts import services as accounts
    from fangkong.accounts.models import Role, User
    from fangkong.areas.models import Area, Level
    from fangkong.core import workbench as wb
    from fangkong.people.models import Person

    street = Area.objects.filter(level=Level.STREET).order_by("path").first()
    name = f"bench-workbench-{street.pk}"
    user = User.objects.filter(username=name).first()
    if user is None:
        user = accounts.user_create(actor=None, username=name, password="bench-pass-123")
        accounts.scope_add(
            actor=None, user=user, area=street, role=Role.objects.get(code="street_coordinator")
        )
    client = Client()
    client.force_login(user)

    def bench():
        r = client.get("/workbench/")
        assert r.status_code == 200, r.status_code

    def residents():
        r = client.get("/people/")
        assert r.status_code == 200, r.status_code

    count = [0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        bench()
    fresh = User.objects.get(pk=user.pk)
    lines = wb.workbench(fresh)
    # Each kind alone (its one aggregate over its list's scoped, filtered rows): the slowest names itself.
    per_kind = {
        k.key: common.summary_ms(common.timings(lambda k=k: wb.line_for(k, fresh), n=5, warmup=1))["median"]
        for k in wb.kinds()
    }
    slowest = max(per_kind, key=per_kind.get)
    times = common.interleaved({"workbench": bench, "residents": residents}, n=40, warmup=3)
    w, r = common.summary_ms(times["workbench"]), common.summary_ms(times["residents"])
    yield common.result(
        "workbench.street",
        "p95",
        w["p95"],
        "ms",
        baseline=r["p95"],
        ratio=round(w["p95"] / r["p95"], 2) if r["p95"] else None,
        target="< 300",
        checked=w["p95"],
        median_ms=w["median"],
        n=w["n"],
        resident_list_p95_ms=r["p95"],
        resident_list_median_ms=r["median"],
        kinds=len(wb.kinds()),
        lines=len(lines),
        to_dos=sum(line.count for line in lines),
        queries=count[0],
        slowest_kind=slowest,
        slowest_kind_median_ms=per_kind[slowest],
        kinds_median_ms_total=round(sum(per_kind.values()), 2),
        street_residents=Person.objects.filter(area_path__startswith=street.path).count(),
        residents=common.STATE.get("residents"),
    )
