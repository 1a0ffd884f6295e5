"""Foundation: scoping costs nothing. The same area and place lists through the API, as a community
worker (scoped: a path-prefix filter) and as a superuser (unscoped), on the seeded tree.

Ratio = scoped median / unscoped median; target <= 1.2 (ARCHITECTURE.md: "Filtering by an indexed path
prefix keeps scoped queries as fast as unscoped ones").
"""

from __future__ import annotations

from bench import common

ITERATIONS = {"tiny": 3, "small": 30, "default": 50, "large": 100}


def _client(user):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def _get(client, url: str):
    def call():
        resp = client.get(url)
        if resp.status_code != 200:
            raise AssertionError(f"{url}: {resp.status_code} {resp.content[:200]!r}")
        return resp

    return call


def users(community):
    """A community worker of `community` and a superuser (created once per database)."""
    from fangkong.accounts.models import User
    from fangkong.core.testing import make_user

    worker = User.objects.filter(username="bench-worker").first() or make_user(
        "community_worker", community, username="bench-worker"
    )
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_superuser("bench-admin", password="bench-password-123")
    return User.objects.get(pk=worker.pk), User.objects.get(pk=admin.pk)


def district_admin():
    """A district administrator: a role and a scope like the worker's, but over the whole district."""
    from fangkong.accounts.models import User
    from fangkong.areas.models import Area, Level
    from fangkong.core.testing import make_user

    user = User.objects.filter(username="bench-district").first() or make_user(
        "district_admin", Area.objects.get(level=Level.DISTRICT), username="bench-district"
    )
    return User.objects.get(pk=user.pk)


def queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def run(scale: str):

    state = common.ensure_district(scale)
    from bench.registry import _community

    community = _community()  # the one every group's bench worker serves
    worker, admin = users(community)
    n = ITERATIONS[scale]
    scoped, unscoped, district = _client(worker), _client(admin), _client(district_admin())
    cases = {
        "api_places": f"/api/places/?area={community.pk}",
        "api_areas": f"/api/areas/?within={community.path}&page_size=100",
    }
    for name, url in cases.items():
        rows = len(scoped.get(url).json()["results"])
        same = len(unscoped.get(url).json()["results"])
        if rows != same:
            raise AssertionError(f"{url}: scoped {rows} rows, unscoped {same}")
        t = common.interleaved(
            {"scoped": _get(scoped, url), "unscoped": _get(unscoped, url), "district": _get(district, url)},
            n=n,
        )
        s, u, d = (common.summary_ms(t[k]) for k in ("scoped", "unscoped", "district"))
        yield common.result(
            f"foundation.{name}",
            "scoped_median_latency",
            s["median"],
            "ms",
            baseline=u["median"],
            ratio=round(s["median"] / u["median"], 3),
            target="<= 1.2",
            p95_ms=s["p95"],
            baseline_p95_ms=u["p95"],
            n=n,
            rows=rows,
            url=url,
            queries=queries(scoped, url),
            baseline_queries=queries(unscoped, url),
            note=f"community worker vs superuser (no scope, no permission lookups) on {community.name}; "
            f"{state.get('residents', 0):,} residents",
        )
        yield common.result(
            f"foundation.{name}",
            "scoped_vs_district_median_latency",
            s["median"],
            "ms",
            baseline=d["median"],
            ratio=round(s["median"] / d["median"], 3),
            target="<= 1.2",
            baseline_p95_ms=d["p95"],
            n=n,
            url=url,
            note="community worker vs district administrator (same role machinery, scope = whole district)",
        )
