"""Open observation alerts by kind, for Prometheus at scrape time (core/metrics.py)."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from .models import Alert


def collect():
    family = GaugeMetricFamily(
        "fangkong_alerts_open", "Alerts not yet closed, by app and kind.", labels=["app", "kind"]
    )
    rows = Alert.objects.exclude(status=Alert.Status.CLOSED).order_by().values("kind").annotate(n=Count("id"))
    counts = {r["kind"]: r["n"] for r in rows}
    for kind in Alert.Kind.values:
        family.add_metric(["observation", kind], counts.get(kind, 0))
    yield family
