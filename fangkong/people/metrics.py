"""Survey imports waiting for the background worker, for Prometheus at scrape time (core/metrics.py):
how many and how long the oldest has waited. A batch waits in `analysing` (its preview) or `importing`
(its commit); updated_at is when it entered that state."""

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from .models import ImportBatch

IMPORT_KIND = "survey"  # the label of survey imports in fangkong_imports_total (core/metrics.py)
WAITING = (ImportBatch.State.ANALYSING, ImportBatch.State.IMPORTING)


def collect():
    now = timezone.now()
    pending = GaugeMetricFamily(
        "fangkong_jobs_pending", "Background jobs waiting or running, by kind.", labels=["kind"]
    )
    age = GaugeMetricFamily(
        "fangkong_jobs_oldest_pending_age_seconds",
        "How long the oldest waiting or running job has been in its state, by kind (0 when none).",
        labels=["kind"],
    )
    row = ImportBatch.objects.filter(state__in=WAITING).aggregate(n=Count("id"), oldest=Min("updated_at"))
    pending.add_metric(["survey_import"], row["n"])
    age.add_metric(["survey_import"], (now - row["oldest"]).total_seconds() if row["oldest"] else 0)
    yield pending
    yield age
