"""Open observation alerts by kind, for Prometheus at scrape time (core/metrics.py)."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from .models import Alert

OPEN = [s for s in Alert.Status.values if s != Alert.Status.CLOSED]


def collect():
    family = GaugeMetricFamily(
        "fangkong_alerts_open", "Alerts not yet closed, by app and kind.", labels=["app", "kind"]
    )
    # status IN (…) uses the status index; NOT status = 'closed' would read every alert ever raised.
    rows = Alert.objects.filter(status__in=OPEN).order_by().values("kind").annotate(n=Count("id"))
    counts = {r["kind"]: r["n"] for r in rows}
    for kind in Alert.Kind.values:
        family.add_metric(["observation", kind], counts.get(kind, 0))
    yield family
