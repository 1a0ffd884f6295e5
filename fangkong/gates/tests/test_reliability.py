"""Reliability (issue 4): restart PostgreSQL in the middle of a batch ingest. The client sees errors,
retries the same batches, and the final count equals the scans sent — exactly once.

Runs its own temporary PostgreSQL (initdb + pg_ctl from /usr/lib/postgresql/<v>/bin, as the postgres
user when run as root) on a free port, migrates it, serves the API with gunicorn and drives it over HTTP.
Skipped when the PostgreSQL server binaries are not installed."""

from __future__ import annotations

import glob
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class TempPostgres:
    def __init__(self):
        self.bindir = Path(BIN[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="fk-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.ctl("start")
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    "postgres",
                    "fk_reliability",
                ]
            ),
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/fk_reliability"

    def ctl(self, action: str):
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    opts,
                    "-m",
                    "fast",
                    "-w",
                    "-l",
                    str(self.dir / "log"),
                    action,
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self):
        try:
            self.ctl("stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


SETUP = """
import json
from rest_framework.authtoken.models import Token
from fangkong.core.testing import build_tree, make_user
from fangkong.gates.tests.factories import make_gate, resident
t = build_tree()
gate = make_gate(t.a.community)
user = make_user("gate_volunteer", t.a.community, username="reliability")
codes = [resident(t.a.household)[1] for _ in range(10)]
print("JSON" + json.dumps({"token": Token.objects.create(user=user).key, "place": gate.pk, "codes": codes}))
"""

COUNT = "from fangkong.gates.models import ScanEvent; print('COUNT', ScanEvent.objects.count())"


@pytest.mark.skipif(
    not BIN or not shutil.which("runuser") and os.geteuid() == 0, reason="no PostgreSQL binaries"
)
def test_restart_postgres_during_batch_ingest():
    pg = TempPostgres()
    env = dict(
        os.environ,
        DATABASE_URL=pg.url,
        FANGKONG_DEMO="1",
        DEBUG="0",
        LOG_LEVEL="CRITICAL",
        PYTHONPATH=str(ROOT),
    )
    server = None
    try:
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run(
            [*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT, capture_output=True
        )
        out = subprocess.run(
            [*manage, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT, capture_output=True, text=True
        ).stdout
        cfg = json.loads(out.split("JSON", 1)[1])
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "fangkong.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "critical",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def send(body) -> tuple[int, bytes]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request(
                    "POST",
                    "/api/gates/scans/batch/",
                    body=json.dumps(body),
                    headers={"Content-Type": "application/json", "Authorization": f"Token {cfg['token']}"},
                )
                r = conn.getresponse()
                return r.status, r.read()
            finally:
                conn.close()

        deadline = time.monotonic() + 30
        while True:
            try:
                if send({"scans": []})[0] == 400:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)

        batches = [
            [
                {
                    "client_id": str(uuid.uuid4()),
                    "place": cfg["place"],
                    "code": cfg["codes"][i % 10],
                    "temperature": "36.5",
                    "scanned_at": "2026-11-23T10:00:00+08:00",
                }
                for i in range(300)
            ]
            for _b in range(8)
        ]
        errors = 0

        def send_until_ok(batch) -> dict:
            """What a gate device does: the same batch again until the server answers."""
            nonlocal errors
            for _attempt in range(60):
                try:
                    status, content = send({"scans": batch})
                except OSError:
                    status, content = 0, b""
                if status == 200:
                    body = json.loads(content)
                    assert body["error"] == 0, body
                    return body
                errors += 1
                time.sleep(0.5)
            pytest.fail("batch never accepted")

        def restart():
            # Down for two seconds: the batches sent meanwhile must fail and be retried (web workers
            # reconnect by themselves afterwards, CONN_HEALTH_CHECKS, so a quick restart could go unseen).
            pg.ctl("stop")
            time.sleep(2)
            pg.ctl("start")

        accepted = duplicates = 0
        restarter = threading.Thread(target=restart)
        for i, batch in enumerate(batches):
            if i == 3:  # PostgreSQL goes down while batch 3 is on its way
                threading.Timer(0.05, restarter.start).start()
            body = send_until_ok(batch)
            accepted, duplicates = accepted + body["accepted"], duplicates + body["duplicate"]
        time.sleep(0.1)
        restarter.join()
        assert errors >= 1, "the restart was not seen by the client"
        # The whole run once more, as a device that never saw the answers would send it: nothing new lands.
        for batch in batches:
            assert send_until_ok(batch)["duplicate"] == len(batch)
        out = subprocess.run(
            [*manage, "shell", "-c", COUNT], env=env, check=True, cwd=ROOT, capture_output=True, text=True
        ).stdout
        count = int(out.split("COUNT", 1)[1])
        assert count == sum(len(b) for b in batches) == accepted + duplicates
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        pg.stop()
