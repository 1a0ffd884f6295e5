"""The read replica against a real one: a throw-away primary made with initdb and its streaming replica
made with pg_basebackup -R, both on free ports of this machine, the project's schema restored from the
test database (a schema-only dump: migrating from scratch takes a minute). The scenario itself runs in a
fresh process (replica_scenario.py) whose settings name both databases, as in production.

Skipped when the PostgreSQL server binaries are missing, unless FANGKONG_REQUIRE_REPLICA=1 (CI), where
their absence fails the run."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Marked so that pytest-django creates the test database, whose schema the throw-away primary copies.
pytestmark = pytest.mark.django_db


def _bin_dir(major: int) -> Path | None:
    """The server binaries of the test database's own major version (a dump restores into its kind)."""
    for d in (os.environ.get("FANGKONG_PG_BIN"), f"/usr/lib/postgresql/{major}/bin"):
        if d and all((Path(d) / b).exists() for b in ("initdb", "pg_ctl", "pg_basebackup", "pg_dump")):
            return Path(d)
    return None


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clusters:
    """A primary and its streaming replica under one temporary directory, owned by the postgres user
    when we are root (initdb refuses to run as root)."""

    def __init__(self, bindir: Path):
        self.bin = bindir
        self.root = os.geteuid() == 0
        self.dir = Path(tempfile.mkdtemp(prefix="fangkong-replica-"))
        if self.root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.primary_port, self.replica_port = _free_port(), _free_port()
        self.started: list[Path] = []

    def as_owner(self, *cmd) -> list[str]:
        cmd = [str(c) for c in cmd]
        return ["runuser", "-u", "postgres", "--", *cmd] if self.root else cmd

    def run(self, *cmd, owner=True, **kw):
        return subprocess.run(
            self.as_owner(*cmd) if owner else [str(c) for c in cmd],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
            **kw,
        )

    def pg_ctl(self, data: Path, action: str, mode: str = "fast") -> list[str]:
        extra = ["-l", data.parent / f"{data.name}.log", "-w", "-t", "30"] if action == "start" else []
        return self.as_owner(self.bin / "pg_ctl", "-D", data, *extra, "-m", mode, action)

    def start(self, data: Path) -> None:
        subprocess.run(self.pg_ctl(data, "start"), check=True, capture_output=True, timeout=60)
        self.started.append(data)

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/postgres"

    def psql(self, port: int, sql: bytes) -> None:
        cmd = [self.bin / "psql", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port)]
        subprocess.run([*cmd, "-U", "postgres", "-d", "postgres"], input=sql, check=True, capture_output=True)

    def make(self, dump_from: dict) -> None:
        primary, replica = self.dir / "primary", self.dir / "replica"
        self.run(self.bin / "initdb", "-D", primary, "-A", "trust", "-U", "postgres", "--no-sync")
        with open(primary / "postgresql.conf", "a") as f:
            f.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.primary_port}\n"
                f"unix_socket_directories = '{self.dir}'\nwal_level = replica\nmax_wal_senders = 4\n"
                # A throw-away cluster: nothing to make durable.
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 16MB\n"
                "max_connections = 20\n"
            )
        with open(primary / "pg_hba.conf", "a") as f:
            f.write("host replication all 127.0.0.1/32 trust\n")
        self.start(primary)
        # The replica from a base backup of the still empty cluster (-R writes its primary_conninfo and
        # standby.signal): the schema then reaches it by streaming replication like any later write.
        self.run(
            self.bin / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary_port, "-U", "postgres",
            "-D", replica, "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        with open(replica / "postgresql.conf", "a") as f:
            f.write(f"port = {self.replica_port}\n")
        self.start(replica)
        # The project's schema, from the test database pytest-django migrated.
        host, port = dump_from.get("HOST") or "127.0.0.1", str(dump_from.get("PORT") or 5432)
        dump = subprocess.run(
            [self.bin / "pg_dump", "-h", host, "-p", port, "-U", dump_from.get("USER") or "postgres"]
            + ["--schema-only", "--no-owner", "--no-privileges", dump_from["NAME"]],
            check=True,
            capture_output=True,
            env={**os.environ, "PGPASSWORD": dump_from.get("PASSWORD") or ""},
            timeout=60,
        ).stdout
        self.psql(self.primary_port, dump)

    def close(self) -> None:
        for data in reversed(self.started):
            if (data / "postmaster.pid").exists():
                subprocess.run(self.pg_ctl(data, "stop", "immediate"), capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def clusters(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("the read replica needs PostgreSQL (DATABASE_URL)")
        major = connection.pg_version // 10000
        dump_from = dict(connection.settings_dict)
    bindir = _bin_dir(major)
    missing = f"PostgreSQL {major} server binaries (initdb, pg_ctl, pg_basebackup; as root: runuser and a postgres user) not found"
    if bindir is None or (os.geteuid() == 0 and not (shutil.which("runuser") and _has_user("postgres"))):
        if os.environ.get("FANGKONG_REQUIRE_REPLICA") == "1":
            pytest.fail(f"{missing} but FANGKONG_REQUIRE_REPLICA=1 (apt-get install postgresql-{major})")
        pytest.skip(f"{missing}: apt-get install postgresql-{major}, or set FANGKONG_PG_BIN")
    c = Clusters(bindir)
    try:
        c.make(dump_from)
        yield c
    except subprocess.CalledProcessError as exc:
        logs = "\n".join(p.read_text()[-2000:] for p in c.dir.glob("*.log"))
        raise AssertionError(f"{exc.cmd} failed: {exc.stderr}\n{logs}") from exc
    finally:
        with contextlib.suppress(Exception):
            c.close()


def test_reports_read_the_replica_within_the_lag_limit_and_the_primary_otherwise(clusters):
    env = {
        k: v
        for k, v in os.environ.items()
        # Its own process: per-process cache (the read-your-writes mark), tasks run eagerly.
        if k not in {"REDIS_URL", "CELERY_BROKER_URL", "PYTEST_XDIST_WORKER", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=clusters.url(clusters.primary_port),
        DATABASE_REPLICA_URL=clusters.url(clusters.replica_port),
        REPLICA_STOP=json.dumps(clusters.pg_ctl(clusters.dir / "replica", "stop")),
    )
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("replica_scenario.py"))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])

    assert seen["configured"] and seen["routers"] == ["fangkong.core.replica.ReplicaRouter"]
    assert seen["migrate_on"] == {"default": True, "replica": False}

    # Caught up: figures, the briefing's compute and an export read the residents on the replica only.
    up = seen["caught_up"]
    assert (up["figures"], up["briefing"], up["export"]) == (3, 3.0, 3)
    assert up["reads"]["replica"] >= 3 and up["reads"]["default"] == 0, up
    assert up["health"] == "ok"

    # Replay paused, 2 residents added on the primary: within the limit the replica's older count shows,
    # which proves where the figures came from.
    assert seen["primary_count"] == 5
    paused = seen["paused_within_limit"]
    assert (paused["figures"], paused["briefing"], paused["export"]) == (3, 3.0, 3), paused
    assert paused["reads"]["default"] == 0 and paused["health"] == "ok"
    assert 0 < seen["lag_within"] < 300

    # Writes inside a replica block land on the primary; a block inside a transaction reads the primary.
    assert seen["write_inside"] == {"db": "default", "on_primary": True, "on_replica": False}
    assert seen["in_atomic"]["reads"]["replica"] == 0
    assert seen["in_atomic"]["figures"] == seen["primary_total"] == 7

    # Lag beyond the limit: the primary's count, and one WARNING for the change, not one per read.
    for step in ("lagging", "lagging_again"):
        lag = seen[step]
        assert (lag["figures"], lag["briefing"], lag["export"]) == (7, 7.0, 7), lag
        assert lag["reads"]["replica"] == 0 and lag["health"] == "lagging"
    assert len(seen["lagging_log"]) == 1, seen["lagging_log"]
    assert "reports read the primary" in seen["lagging_log"][0] and "limit 0.5 s" in seen["lagging_log"][0]

    # Replay resumed: the replica answers again, and the log says so once.
    resumed = seen["resumed"]
    assert (resumed["figures"], resumed["export"]) == (7, 7) and resumed["reads"]["default"] == 0
    assert len(seen["resumed_log"]) == 1 and "usable again" in seen["resumed_log"][0]

    # A user who has just written reads the primary; another user the replica.
    writer, other = seen["pinned_writer"], seen["other_user"]
    assert writer["figures"] == 8 and writer["reads"]["replica"] == 0, writer
    assert other["figures"] == 8 and other["reads"]["default"] == 0, other

    # The replica stops: the read that hit it is answered from the primary (no error to the user),
    # one WARNING names the outage, and later reads go straight to the primary.
    for step in ("down", "down_again"):
        down = seen[step]
        assert (down["figures"], down["briefing"], down["export"]) == (8, 8.0, 8), down
        assert down["health"] == "down"
    assert seen["down_again"]["reads"]["replica"] == 0
    assert len(seen["down_log"]) == 1 and "replica unreachable" in seen["down_log"][0], seen["down_log"]
