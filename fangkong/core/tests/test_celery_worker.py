"""A real Celery worker process, a real broker (Redis), the test's own database.

The unit tests run tasks eagerly (no broker). Here the application sends the messages through Redis as in
production, and a `celery worker` subprocess (pool solo: one task at a time) runs them against the test
database, so everything is committed (transaction=True) for the worker to see. Each test run has its own
key prefix on the broker, so parallel test workers and other runs on the same Redis share no queue.

CI sets FANGKONG_REQUIRE_BROKER=1: without a reachable Redis these tests fail there instead of skipping.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BROKER = os.environ.get("FANGKONG_TEST_BROKER", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[3]


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("FANGKONG_REQUIRE_BROKER") == "1":
            pytest.fail(f"Redis is required (FANGKONG_REQUIRE_BROKER=1) at {BROKER}: {exc}")
        pytest.skip(f"no Redis at {BROKER}")


def _database_url() -> str:
    """The test database of this (pytest-django, maybe xdist) process, for the worker to use."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{s['PORT'] or 5432}/{quote(s['NAME'], safe='')}"


class Worker:
    """`celery worker` subprocesses against the broker under one key prefix."""

    def __init__(self, prefix: str, tmp: Path):
        self.prefix, self.tmp, self.proc, self.n = prefix, tmp, None, 0

    def env(self, **extra) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
            "FANGKONG_TEST": "1",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": BROKER,
            "CELERY_RESULT_BACKEND": BROKER,
            "CELERY_KEY_PREFIX": self.prefix,
            # A message of a killed worker is handed out again when the next worker starts (its startup
            # sweep restores what is older than this); production keeps hours (settings).
            "CELERY_VISIBILITY_TIMEOUT": "1",
            **extra,
        }
        if "FANGKONG_TEST_PAUSE" not in extra:
            env.pop("FANGKONG_TEST_PAUSE", None)
        return env

    def start(self, **extra) -> None:
        self.n += 1
        self.log = self.tmp / f"worker{self.n}.log"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "fangkong",
                "worker",
                "--pool",
                "solo",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
                "--hostname",
                f"test{self.n}-{self.prefix}@%h",
            ],
            cwd=ROOT,
            env=self.env(**extra),
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no chance to acknowledge or give the message back."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def _through_broker(prefix: str):
    """This process sends tasks to the broker (as production does) instead of running them inline."""
    from django.test import override_settings

    from fangkong.celery import app

    saved = {
        k: app.conf[k]
        for k in (
            "broker_url",
            "result_backend",
            "task_always_eager",
            "broker_transport_options",
            "result_backend_transport_options",
        )
    }

    def reset_connections():
        app._pool = None
        app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    app.conf.update(
        broker_url=BROKER,
        result_backend=BROKER,
        task_always_eager=False,
        broker_transport_options={**saved["broker_transport_options"], "global_keyprefix": prefix},
        result_backend_transport_options={"global_keyprefix": prefix},
    )
    reset_connections()
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            yield app
    finally:
        app.conf.update(saved)
        reset_connections()


@pytest.fixture
def worker(tmp_path):
    import redis

    _redis_or_skip()
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share (PostgreSQL)")
    prefix = f"fk-test-{uuid.uuid4().hex[:12]}:"
    w = Worker(prefix, tmp_path)
    with _through_broker(prefix):
        try:
            yield w
        finally:
            w.stop()
            client = redis.Redis.from_url(BROKER)
            keys = list(client.scan_iter(match=f"{prefix}*"))  # queues, results: all under the prefix
            if keys:
                client.delete(*keys)


def _wait(what, check, timeout: float, w: Worker):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if w.proc is not None and w.proc.poll() is not None:
            pytest.fail(f"the worker exited ({w.proc.returncode}) waiting for {what}:\n{w.output()[-3000:]}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{w.output()[-3000:]}")


def _survey_csv(tree, n: int) -> bytes:
    from fangkong.people import imports as ix
    from fangkong.people.tests.helpers import resident_id

    base = [tree.a.building.name, tree.a.entrance.name, tree.a.household.name]
    heads = [ix.NAME, ix.ID_NUMBER, ix.BUILDING, ix.ENTRANCE, ix.HOUSEHOLD]
    lines = [",".join(heads)] + [",".join([f"住户{i}", resident_id(), *base]) for i in range(n)]
    return "\n".join(lines).encode("utf-8")


def _batch_state(pk):
    from fangkong.people.models import ImportBatch

    return ImportBatch.objects.values_list("state", flat=True).get(pk=pk)


def test_worker_runs_the_jobs_and_a_killed_import_finishes_exactly_once(worker, tree, make_user, tmp_path):
    """One test (each transactional test pays a flush and a restore): the import, killed mid-task and
    redelivered; then a policy re-evaluation and the alert scan on the restarted worker."""
    from fangkong.core.models import ChangeLog
    from fangkong.observation import services as observation
    from fangkong.observation.models import Alert, OrderEvent
    from fangkong.observation.tasks import alerts_scan_task
    from fangkong.people import services as people
    from fangkong.people.models import ImportBatch, Person
    from fangkong.people.tasks import import_commit_task
    from fangkong.people.tests.factories import make_person
    from fangkong.policies.services import policy_change

    community_worker = make_user("community_worker", tree.a.community)
    admin = make_user("district_admin", tree.district, is_superuser=True)
    order = observation.order_create(
        actor=community_worker,
        person=make_person(tree.a.household),
        order_type="home",
        reason="returnee",
        source="gates.ReturneeNotice:1",
    )
    residents = Person.objects.count()

    # 1. The survey import: the upload's preview and the confirmed import are the worker's, not inline.
    batch = people.import_batch_create(
        actor=community_worker, within=tree.a.community, filename="s.csv", content=_survey_csv(tree, 40)
    )
    assert batch.state == ImportBatch.State.ANALYSING  # queued after commit, not run in the request
    marker = tmp_path / "paused"
    worker.start(FANGKONG_TEST_PAUSE=f"survey_import:{marker}")
    _wait("the preview", lambda: _batch_state(batch.pk) == "preview", 40, worker)
    batch.refresh_from_db()
    assert batch.row_count == 40 and batch.report["new"] == 40
    assert people.import_batch_confirm(actor=community_worker, batch=batch).state == "importing"
    # The worker has written the 40 residents in its transaction and waits there: SIGKILL it.
    _wait("the import to reach its pause", marker.exists, 20, worker)
    paused_at = time.monotonic()
    worker.kill()
    assert _batch_state(batch.pk) == "importing" and Person.objects.count() == residents  # rolled back

    # The next worker's startup sweep hands out what was delivered longer ago than the visibility
    # timeout (1 s here): make sure that much has passed, however fast the machine.
    time.sleep(max(0.0, 1.5 - (time.monotonic() - paused_at)))
    worker.start()  # without the pause: the unacknowledged message comes back and runs to the end
    _wait("the redelivered import", lambda: _batch_state(batch.pk) == "committed", 30, worker)
    assert Person.objects.filter(name__startswith="住户").count() == 40 == Person.objects.count() - residents
    logged = ChangeLog.objects.filter(object_id=str(batch.pk), message__startswith="survey import")
    assert logged.count() == 1 and logged.get().params["new"] == 40

    # 2. A policy change: the open orders it governs are re-evaluated by the worker after commit.
    old_end = order.planned_end
    result = policy_change(
        actor=admin,
        key="observation.returnee.days",
        value=10,
        effective_from=timezone.now(),
        source="第X版方案",
    )
    assert result.queued and result.moved is None
    _wait(
        "the re-evaluation",
        lambda: OrderEvent.objects.filter(order=order, kind="end_moved").exists(),
        20,
        worker,
    )
    order.refresh_from_db()
    assert order.planned_end == old_end - datetime.timedelta(days=4) and order.policy_id == result.policy.pk

    # 3. The alert scan (beat's every-15-minutes job), sent as beat sends it; its result comes back. The
    # community's report deadline at midnight, so that today's report is missing whatever the hour.
    policy_change(
        actor=admin,
        key="observation.report.deadline",
        value="00:00",
        effective_from=timezone.now() - datetime.timedelta(seconds=1),
        source="测试",
        area=tree.a.community,
    )
    assert alerts_scan_task.apply_async().get(timeout=20) == 1
    assert Alert.objects.filter(order=order, kind="missing_report").count() == 1
    assert alerts_scan_task.apply_async().get(timeout=20) == 0  # idempotent

    # 4. The import delivered once more (a second redelivery, a double confirm) writes nothing.
    assert import_commit_task.apply_async((batch.pk, None)).get(timeout=20) == "committed"
    assert Person.objects.count() == residents + 40 and logged.count() == 1
