"""The operator's endpoints: /healthz, /readyz and /metrics (docs/observability.md).

Answered by `OpsMiddleware`, first in the chain: a probe needs no session, language, login, CSRF,
lockout or rate limit, its answer must not depend on them, and the proxy's or Prometheus's Host header
(an internal address) need not be in ALLOWED_HOSTS, since nothing here builds a URL from it. Nothing
here names a person: checks answer ok or the class of the error, metrics carry kinds and counts."""

from __future__ import annotations

import concurrent.futures
import hmac
import ipaddress
import logging
import time

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from .clientip import client_ip

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 2.0  # seconds per readiness check; a probe must answer before the proxy gives up


def check_database() -> None:
    from django.db import connections

    conn = connections["default"]
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        conn.close()  # a fresh thread each probe: do not leave its connection behind


def check_cache() -> None:
    from django.core.cache import caches

    cache = caches["default"]
    key = "fangkong:readyz"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")


def check_broker() -> None:
    import kombu

    options = {"socket_timeout": CHECK_TIMEOUT, "socket_connect_timeout": CHECK_TIMEOUT, "max_retries": 0}
    with kombu.Connection(
        settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT, transport_options=options
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_TIMEOUT)


def readiness_checks() -> dict:
    checks = {"database": check_database, "cache": check_cache}
    if getattr(settings, "CELERY_BROKER_URL", ""):
        checks["broker"] = check_broker
    return checks


def readiness() -> tuple[bool, dict]:
    """Runs the checks side by side, each in its own thread with CHECK_TIMEOUT: a hung database cannot
    hold the probe longer than that (its thread finishes or fails on its own later)."""
    checks = readiness_checks()
    results: dict[str, dict] = {}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    try:
        started = time.perf_counter()
        futures = {name: pool.submit(fn) for name, fn in checks.items()}
        for name, future in futures.items():
            left = max(0.0, CHECK_TIMEOUT - (time.perf_counter() - started))
            try:
                future.result(timeout=left)
                results[name] = {"ok": True}
            except concurrent.futures.TimeoutError:
                results[name] = {"ok": False, "error": "timeout"}
            except Exception as exc:
                # The class only: a message may hold a host name, a password in a URL or a value.
                results[name] = {"ok": False, "error": type(exc).__name__}
                logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
    finally:
        pool.shutdown(wait=False)
    return all(r["ok"] for r in results.values()), results


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    """The process is up and answers; touches nothing else (a dead database must not make the proxy
    restart every web process)."""
    return _no_store(JsonResponse({"status": "ok"}))


def readyz(request):
    ok, checks = readiness()
    return _no_store(
        JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)
    )


def _metrics_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        if given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
            return True
    try:
        ip = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    for allowed in getattr(settings, "METRICS_ALLOWED_IPS", ()):
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue  # a typo in the setting refuses, it does not open
    return False


def metrics(request):
    from prometheus_client import CONTENT_TYPE_LATEST

    from .metrics import exposition

    if not _metrics_allowed(request):
        return _no_store(HttpResponse("forbidden\n", status=403, content_type="text/plain"))
    return _no_store(HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST))


ROUTES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}


class OpsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = ROUTES.get(request.path_info.rstrip("/") or "/")
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return _no_store(HttpResponse(status=405, headers={"Allow": "GET, HEAD"}))
        return view(request)
