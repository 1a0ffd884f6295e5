"""Prometheus metrics of our own (docs/observability.md), beside django-prometheus's request metrics.

Counters are incremented by the services where the thing happens (`imports_counted`, `alerts_counted`;
gates counts its scans in gates/metrics.py). Figures that live in the database or the broker (job queue
length and age, open alerts) are computed when /metrics is scraped, by collectors each app registers
from its AppConfig.ready() with `register_collector` (core names no app). No label ever carries a
person: kinds, outcomes, queue names only."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

logger = logging.getLogger(__name__)

IMPORTS = Counter(
    "fangkong_imports",
    "Import jobs finished, by kind of import and outcome (previewed, committed, rejected, failed).",
    ["kind", "outcome"],
)
ALERTS = Counter("fangkong_alerts_created", "Alerts raised, by app and kind.", ["app", "kind"])


def imports_counted(*, kind: str, outcome: str, n: int = 1) -> None:
    IMPORTS.labels(kind, outcome).inc(n)


def import_counted(kind: str, outcome: Callable[[object], str] | None = None):
    """Decorates an import service: one count per call, `outcome(result)` (default "finished") when it
    returns, "refused" when it raises (a file refused as a whole, a permission)."""

    def wrap(fn):
        @functools.wraps(fn)
        def counted(*args, **kwargs):
            try:
                result = fn(*args, **kwargs)
            except Exception:
                IMPORTS.labels(kind, "refused").inc()
                raise
            IMPORTS.labels(kind, outcome(result) if outcome else "finished").inc()
            return result

        return counted

    return wrap


def alerts_counted(*, app: str, kind: str, n: int = 1) -> None:
    if n:
        ALERTS.labels(app, kind).inc(n)


# ---------------------------------------------------------------- computed at scrape time

_collectors: dict[str, Callable[[], Iterable[Metric]]] = {}


def register_collector(name: str, collect: Callable[[], Iterable[Metric]]) -> None:
    """`collect()` yields metric families (prometheus_client.core.*MetricFamily); called at each scrape."""
    _collectors[name] = collect


class _ScrapeCollector:
    def collect(self):
        failed = GaugeMetricFamily(
            "fangkong_metrics_collector_failed",
            "1 when a collector could not read its figures.",
            labels=["name"],
        )
        for name, collect in _collectors.items():
            try:
                yield from list(collect())
                failed.add_metric([name], 0)
            except Exception as exc:  # a dead broker or database must not take the other figures down
                logger.warning("metrics collector %s failed: %s", name, type(exc).__name__)
                failed.add_metric([name], 1)
        yield failed


def exposition() -> bytes:
    """The text of /metrics. With PROMETHEUS_MULTIPROC_DIR (several gunicorn workers) the counters are
    summed over the files every worker writes there; otherwise they are this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        static = generate_latest(registry)
    else:
        static = generate_latest(REGISTRY)
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(_ScrapeCollector())
    return static + generate_latest(scraped)


# ---------------------------------------------------------------- the broker's queues (core's own)


def broker_queue_lengths(url: str, queues: Iterable[str], timeout: float) -> dict[str, int]:
    """Messages waiting in each queue; a queue the broker does not know yet has none."""
    import kombu

    lengths = {}
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0}
    with kombu.Connection(url, connect_timeout=timeout, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        for queue in queues:
            channel = conn.channel()  # a refused passive declare closes an AMQP channel: one each
            try:
                lengths[queue] = channel.queue_declare(queue=queue, passive=True).message_count
            except conn.channel_errors:
                lengths[queue] = 0
            finally:
                try:
                    channel.close()
                except Exception:  # already closed by the broker's refusal
                    pass
    return lengths


def _celery_queues():
    from django.conf import settings

    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url:
        return
    from fangkong.celery import app

    names = {app.conf.task_default_queue or "celery"}
    names.update(q.name for q in (app.conf.task_queues or ()))
    family = GaugeMetricFamily(
        "fangkong_celery_queue_length", "Tasks waiting in the broker, by queue.", labels=["queue"]
    )
    for queue, n in sorted(broker_queue_lengths(url, sorted(names), timeout=2.0).items()):
        family.add_metric([queue], n)
    yield family


register_collector("celery_queues", _celery_queues)
