"""Health probes, the request log without personal data, and the /metrics endpoint (issue 24)."""

import io
import json
import logging
import os
import time
import uuid

import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings

from fangkong.core import logs
from fangkong.core.tests.scrape import sample, scrape

ID_NUMBER = "11010619900307123X"
PHONE = "13912345678"


# ---------------------------------------------------------------- /healthz and /readyz


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_answers_anyone_without_session_or_redirect(client, path):
    # An internal Host that ALLOWED_HOSTS does not list, a foreign language: still a plain 200.
    resp = client.get(path, HTTP_HOST="10.0.0.7:8000", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 200 and resp.json() == {"status": "ok"}
    assert resp["Cache-Control"] == "no-store"
    assert not resp.cookies and "Content-Language" not in resp
    assert client.post(path).status_code == 405


def test_readyz_checks_database_and_cache(client, db):
    resp = client.get("/readyz", HTTP_HOST="10.0.0.7:8000")
    assert resp.status_code == 200 and resp["Cache-Control"] == "no-store"
    body = resp.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": {"ok": True}, "cache": {"ok": True}}  # no broker configured


def test_readyz_503_when_the_cache_is_a_dead_redis(client, db):
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=dead):
        started = time.monotonic()
        resp = client.get("/readyz")
        elapsed = time.monotonic() - started
    assert resp.status_code == 503 and resp["Cache-Control"] == "no-store"
    checks = resp.json()["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["cache"]["ok"] is False and checks["cache"]["error"] == "ConnectionError"
    assert "127.0.0.1" not in resp.content.decode()  # the error's class, not its message
    assert elapsed < 3


def test_readyz_503_when_the_database_refuses(client, db, monkeypatch):
    # The probe's own thread opens a new connection from these settings; the test's stays open.
    monkeypatch.setitem(connections.settings["default"], "PORT", "1")
    resp = client.get("/readyz")
    assert resp.status_code == 503
    checks = resp.json()["checks"]
    assert checks["database"]["ok"] is False and checks["database"]["error"] == "OperationalError"
    assert checks["cache"] == {"ok": True}


def test_readyz_checks_the_broker_when_one_is_configured(client, db):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/13"):
        live = client.get("/readyz")
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/13"):
        dead = client.get("/readyz")
    assert live.status_code == 200 and live.json()["checks"]["broker"] == {"ok": True}
    assert dead.status_code == 503 and dead.json()["checks"]["broker"]["ok"] is False


# ---------------------------------------------------------------- the request log


def _json_handler(stream):
    """settings' JSON formatter, and the redaction of Django's own loggers only, as the test run's file."""
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler(stream)
    fmt = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    assert "request" in fmt["reserved_attrs"]
    handler.setFormatter(JsonFormatter(**fmt))
    handler.addFilter(logs.RedactPersonalNumbers(only=["django."]))
    return handler


@pytest.fixture
def json_log():
    """The root logger's output as the test run's file gets it: what our code logs must already hold
    no number."""
    stream = io.StringIO()
    handler = _json_handler(stream)
    root = logging.getLogger()
    root.handlers.insert(0, handler)  # first, like the test run's file: before any other rewrites
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_request_log_line_has_ids_and_no_personal_data(client, make_user, tree, json_log):
    worker = make_user("community_worker", tree.a.community)
    client.force_login(worker)
    rid = "a1b2c3d4-e5f6-4711-8899-aabbccddeeff"
    resp = client.get(f"/people/?q={ID_NUMBER}&phone={PHONE}", HTTP_X_REQUEST_ID=rid)
    assert resp.status_code == 200 and resp["X-Request-ID"] == rid
    resp = client.post(
        f"/api/people/?id_number={ID_NUMBER}",
        data=json.dumps({"name": "张三", "id_number": ID_NUMBER, "phone": PHONE, "household": 987654321}),
        content_type="application/json",
    )
    assert resp.status_code == 400 and "household" in resp.json()  # the body was read and refused
    text = json_log.getvalue()
    assert ID_NUMBER not in text and PHONE not in text and "张三" not in text
    assert ID_NUMBER[:17] not in text and not logs.find_personal(text.splitlines())
    requests = [r for r in _lines(json_log) if r["logger"] == "fangkong.request"]
    assert len(requests) == 2
    get, post = requests
    assert get["request_id"] == rid and get["user_id"] == worker.pk and "username" not in get
    assert (get["method"], get["path"], get["status"]) == ("GET", "/people/", 200)
    assert get["view"] == "people:person-list" and get["level"] == "INFO"
    assert isinstance(get["duration_ms"], float) and 0 < get["duration_ms"] < 60_000
    assert post["path"] == "/api/people/" and post["status"] == resp.status_code
    assert post["request_id"] == resp["X-Request-ID"] != rid


def test_a_number_in_the_path_is_masked_in_the_log(client, db, json_log):
    resp = client.get(f"/lookup/{ID_NUMBER}/")
    assert resp.status_code in (302, 404)
    text = json_log.getvalue()
    assert ID_NUMBER not in text and logs.MASK in text


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("0f9e8d7c6b5a49382716a5b4c3d2e1f0", True),  # nginx's $request_id
        ("not an id!", False),
        ("x" * 65, False),
        (ID_NUMBER, False),  # a client's header must not carry a number into every log line
        (f"req-{PHONE}", False),
    ],
)
def test_request_id_from_the_proxy_only_when_well_formed(client, db, given, kept):
    rid = client.get("/login/", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert (rid == given) is kept
    if not kept:
        assert len(rid) == 32 and int(rid, 16) >= 0


def test_server_error_traceback_keeps_no_database_values(json_log):
    """A database error's DETAIL repeats the row; an exception's message may hold a phone."""
    log = logging.getLogger("django.request")
    try:
        raise RuntimeError(
            f'duplicate key value violates unique constraint "x"\nDETAIL:  Key (phone)=(张三 {PHONE}) exists.'
        )
    except RuntimeError:
        log.error("Internal Server Error: /people/%s/", ID_NUMBER, exc_info=True, extra={"status_code": 500})
    [line] = _lines(json_log)
    assert "RuntimeError" in line["exc_info"] and "DETAIL: [values not logged]" in line["exc_info"]
    assert PHONE not in json.dumps(line, ensure_ascii=False) and ID_NUMBER not in line["message"]
    assert "张三" not in line["exc_info"]


def test_our_loggers_are_not_rewritten_in_the_test_log_but_djangos_are():
    stream = io.StringIO()
    handler = _json_handler(stream)
    loggers = [logging.getLogger("fangkong.tests.planted"), logging.getLogger("django.tests.planted")]
    for lg in loggers:  # kept out of this run's own log, whose scan would (rightly) fail on them
        lg.addHandler(handler)
        lg.propagate = False
    try:
        loggers[0].warning("planted %s", PHONE)
        loggers[1].warning("Forbidden: /people/%s/", PHONE)
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
            lg.propagate = True
    ours, django = _lines(stream)
    assert PHONE in ours["message"]  # the scan would catch this one
    assert PHONE not in django["message"] and logs.MASK in django["message"]


def test_axes_names_a_client_without_numbers():
    text = logs.axes_client_str(PHONE, "10.0.0.1", "ua", f"/lookup/{ID_NUMBER}/", None)
    assert PHONE not in text and ID_NUMBER not in text and "10.0.0.1" in text


# ---------------------------------------------------------------- the scan of a test run's log


def test_log_scan_finds_planted_numbers_and_skips_old_files(tmp_path):
    clean = {"request_id": uuid.uuid4().hex, "path": "/people/", "duration_ms": 12.5, "user_id": 7}
    (tmp_path / "gw0.jsonl").write_text(
        "\n".join(
            [
                json.dumps(clean),
                json.dumps({"message": f"lookup {ID_NUMBER}"}),
                json.dumps({"message": "scan 1796642548.123 took 4 ms"}),
                json.dumps({"message": f"call {PHONE} back"}),
                json.dumps({"message": "a longer number 139123456789 is no phone"}),
            ]
        ),
        encoding="utf-8",
    )
    old = tmp_path / "gw1.jsonl"
    old.write_text(json.dumps({"message": PHONE}), encoding="utf-8")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    found = logs.scan_log_dir(tmp_path, since=time.time() - 60)
    assert [f.split(":")[:2] for f in found] == [["gw0.jsonl", "2"], ["gw0.jsonl", "4"]]
    assert all(ID_NUMBER not in f and PHONE not in f for f in found)  # the report masks them
    assert len(logs.scan_log_dir(tmp_path)) == 3  # the old file too when asked


def test_test_run_log_file_is_configured():
    handler = settings.LOGGING["handlers"]["test_file"]
    assert handler["filename"].endswith(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.jsonl")
    assert settings.LOGGING["root"]["handlers"][0] == "test_file"
    assert settings.LOGGING["handlers"]["console"]["level"] == "WARNING"
    assert logging.getLogger("fangkong.request").isEnabledFor(logging.INFO)


# ---------------------------------------------------------------- /metrics


def test_metrics_refused_from_other_addresses_unless_the_token(client, db):
    refused = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert refused.status_code == 403 and b"django_http" not in refused.content
    with override_settings(METRICS_TOKEN="s3cret-token-for-prometheus"):
        wrong = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer nope")
        right = client.get(
            "/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus"
        )
    assert wrong.status_code == 403 and right.status_code == 200 and b"fangkong_" in right.content
    with override_settings(METRICS_ALLOWED_IPS=["10.1.0.0/16"]):
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1")["Cache-Control"] == "no-store"


def test_metrics_time_requests_by_view(client, db):
    # One series per view and method: earlier tests in this process may have posted to the login page.
    by_get = {"view": "login", "method": "GET"}
    before = sample(scrape(client), "django_http_requests_latency_seconds_by_view_method_count", **by_get)
    assert client.get("/login/").status_code == 200
    after = scrape(client)
    assert sample(after, "django_http_requests_latency_seconds_by_view_method_count", **by_get) == before + 1
    assert sample(after, "django_http_requests_latency_seconds_by_view_method_sum", **by_get) > 0


def test_metrics_read_the_broker_queue_at_scrape_time(client, db, monkeypatch):
    import redis

    from fangkong.celery import app

    queue = f"fk-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    r = redis.Redis.from_url("redis://127.0.0.1:6379/13")
    r.lpush(queue, "a", "b", "c")
    try:
        with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/13"):
            text = scrape(client)
    finally:
        r.delete(queue)
    assert sample(text, "fangkong_celery_queue_length", queue=queue) == 3
    assert sample(text, "fangkong_metrics_collector_failed", name="celery_queues") == 0
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/13"):
        text = scrape(client)
    # A dead broker is reported as such; the other figures are still there.
    assert sample(text, "fangkong_metrics_collector_failed", name="celery_queues") == 1
    assert "fangkong_jobs_pending" in text
