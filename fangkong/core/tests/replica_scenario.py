"""Run by test_replica.py in a fresh process whose DATABASE_URL is a throw-away primary and whose
DATABASE_REPLICA_URL is its streaming replica (so that Django starts with both aliases and the router,
as in production). It drives the replica (pauses replay, stops it) and prints what it saw as one JSON
object on its last line; the test asserts on it.

Environment: REPLICA_STOP (JSON list: the command that stops the replica server).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
os.environ["FANGKONG_TEST"] = "1"
sys.path.insert(0, os.getcwd())

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections, router, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from fangkong.core import (  # noqa: E402
    context,
    figures,  # noqa: E402
    replica,
)
from fangkong.core.excel import table_to_xlsx  # noqa: E402
from fangkong.core.figures import section  # noqa: E402

seen: dict = {"log": []}


class _Keep(logging.Handler):
    def emit(self, record):
        seen["log"].append(record.getMessage())


logging.getLogger("fangkong.replica").addHandler(_Keep(level=logging.WARNING))


def sql(alias: str, query: str, params=()):
    with connections[alias].cursor() as cur:
        cur.execute(query, params)
        return cur.fetchone()


def wait_caught_up() -> None:
    lsn = sql("default", "SELECT pg_current_wal_insert_lsn()::text")[0]
    for _ in range(200):
        if sql("replica", "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", [lsn])[0] <= 0:
            return
        time.sleep(0.05)
    raise SystemExit("the replica did not catch up in 10 s")


class reads_of_people:
    """Counts the queries on each database that read the residents table (the replica's own health
    probes are not counted: they say nothing about where the figures came from)."""

    def __enter__(self):
        self.by_alias = {"default": 0, "replica": 0}
        self._stack = contextlib.ExitStack()
        for alias in self.by_alias:
            self._stack.enter_context(connections[alias].execute_wrapper(self._wrapper(alias)))
        return self

    def _wrapper(self, alias):
        def wrapper(execute, sql, params, many, context):
            if '"people_person"' in sql:
                self.by_alias[alias] += 1
            return execute(sql, params, many, context)

        return wrapper

    def __exit__(self, *exc):
        self._stack.close()


def observe(label: str, tree, table_qs) -> dict:
    """The people figures (one section's compute, as the briefing and dashboard call it), the briefing's
    whole compute and an Excel export of a list: their counts and which database answered."""
    from openpyxl import load_workbook

    from fangkong.briefing.services import compute_values
    from fangkong.people.tables import PersonTable

    community, district = tree.a.community, tree.district
    with reads_of_people() as reads:
        figures = section("people").compute(timezone.now(), [community])[community.pk].get("residents", 0)
        whole = compute_values(area=district, as_of=timezone.now())[("people.residents", district.pk)][0]
        resp = table_to_xlsx(PersonTable(table_qs.all()), "x.xlsx")  # a fresh queryset: no cached rows
    rows = sum(1 for _ in load_workbook(io.BytesIO(resp.content)).active.iter_rows()) - 1  # less the header
    out = {
        "figures": figures,
        "briefing": whole,
        "export": rows,
        "reads": reads.by_alias,
        "health": replica.health().state,
    }
    seen[label] = out
    return out


def main() -> None:
    from fangkong.core.testing import build_tree
    from fangkong.people.models import Person
    from fangkong.people.tests.factories import make_person

    # The primary holds the schema without the policy records the migrations load: the briefing's
    # compute runs over the people section alone, which needs none.
    figures._SECTIONS = {"people": section("people")}
    seen["configured"] = replica.configured()
    seen["routers"] = settings.DATABASE_ROUTERS
    seen["migrate_on"] = {
        a: router.allow_migrate(a, "people", model_name="person") for a in ("default", "replica")
    }
    settings.FANGKONG_REPLICA_CHECK_SECONDS = 0  # every block checks again: each step sees its own state
    settings.FANGKONG_REPLICA_MAX_LAG_SECONDS = 300

    tree = build_tree()
    household = tree.a.household
    for _ in range(3):
        make_person(household)
    people = Person.objects.filter(area_path__startswith=tree.a.community.path)
    wait_caught_up()
    observe("caught_up", tree, people)

    # Replay paused: the replica keeps its 3 residents while the primary gets 2 more.
    sql("replica", "SELECT pg_wal_replay_pause()")
    for _ in range(50):
        if sql("replica", "SELECT pg_get_wal_replay_pause_state()")[0] == "paused":
            break
        time.sleep(0.05)
    for _ in range(2):
        make_person(household)
    seen["primary_count"] = (
        Person.objects.using("default").filter(area_path__startswith=tree.a.community.path).count()
    )
    observe("paused_within_limit", tree, people)
    seen["lag_within"] = replica.health().lag

    # A write inside a replica block goes to the primary (the replica is read-only: it would fail).
    @replica.replica_reads
    def write_inside():
        p = make_person(household)
        return p.pk, p._state.db

    pk, db = write_inside()
    seen["write_inside"] = {
        "db": db,
        "on_primary": Person.objects.using("default").filter(pk=pk).exists(),
        "on_replica": Person.objects.using("replica").filter(pk=pk).exists(),
    }
    # A block opened inside a transaction on the primary reads the primary (its own rows included).
    with transaction.atomic(), reads_of_people() as reads:
        make_person(household)
        seen["in_atomic"] = {
            "figures": section("people").compute(timezone.now(), [tree.a.community])[tree.a.community.pk][
                "residents"
            ],
            "reads": reads.by_alias,
        }
    total = Person.objects.using("default").filter(area_path__startswith=tree.a.community.path).count()
    seen["primary_total"] = total

    # Still paused, and now the limit is below the age of its last replayed commit: the primary answers.
    time.sleep(0.6)
    settings.FANGKONG_REPLICA_MAX_LAG_SECONDS = 0.5
    log_before = len(seen["log"])
    observe("lagging", tree, people)
    observe("lagging_again", tree, people)
    seen["lagging_log"] = seen["log"][log_before:]

    # Replay resumed: the replica catches up and is used again (one line says so).
    sql("replica", "SELECT pg_wal_replay_resume()")
    wait_caught_up()
    settings.FANGKONG_REPLICA_MAX_LAG_SECONDS = 300
    log_before = len(seen["log"])
    observe("resumed", tree, people)
    seen["resumed_log"] = seen["log"][log_before:]

    # A user who has just written reads the primary (read-your-writes); another user the replica.
    token = context.set_current(context.RequestContext(request_id="r-1", user_id=4201))
    try:
        make_person(household)
        observe("pinned_writer", tree, people)
    finally:
        context.reset(token)
    token = context.set_current(context.RequestContext(request_id="r-2", user_id=4202))
    try:
        wait_caught_up()
        observe("other_user", tree, people)
    finally:
        context.reset(token)
    seen["primary_final"] = (
        Person.objects.using("default").filter(area_path__startswith=tree.a.community.path).count()
    )

    # The replica stops between two checks: the block's query fails on it, the block runs again on the
    # primary, and one line says the replica is down. Later blocks go straight to the primary.
    settings.FANGKONG_REPLICA_CHECK_SECONDS = 3600  # the last check ("ok") is still believed
    subprocess.run(json.loads(os.environ["REPLICA_STOP"]), check=True, capture_output=True)
    log_before = len(seen["log"])
    observe("down", tree, people)
    settings.FANGKONG_REPLICA_CHECK_SECONDS = 0
    observe("down_again", tree, people)
    seen["down_log"] = seen["log"][log_before:]


if __name__ == "__main__":
    main()
    print(json.dumps(seen, default=str))
