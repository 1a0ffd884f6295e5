"""The gate's counter for Prometheus (docs/observability.md): scans by ingest path and outcome.

Scans per minute: `rate(fangkong_gate_scans_total[5m]) * 60`. The children are bound once here, so the
hot path pays a few attribute lookups and three additions per batch, never a label lookup per scan."""

from prometheus_client import Counter

SCANS = Counter(
    "fangkong_gate_scans",
    "Gate scans received, by ingest path (single, batch, copy) and outcome (accepted, duplicate, error).",
    ["path", "outcome"],
)
PATHS = ("single", "batch", "copy")
OUTCOMES = ("accepted", "duplicate", "error")
_CHILDREN = {(p, o): SCANS.labels(p, o) for p in PATHS for o in OUTCOMES}


def scans_counted(*, path: str, accepted: int, duplicate: int, error: int) -> None:
    for outcome, n in (("accepted", accepted), ("duplicate", duplicate), ("error", error)):
        if n:
            _CHILDREN[path, outcome].inc(n)
