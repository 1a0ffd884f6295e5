"""Reading /metrics in tests: the value of one sample, as Prometheus would parse it."""

from prometheus_client.parser import text_string_to_metric_families


def scrape(client) -> str:
    resp = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert resp.status_code == 200, resp.content[:200]
    return resp.content.decode()


def sample(text: str, metric: str, **labels) -> float:
    """The value of the sample `metric` with these labels (among others); 0 when absent."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == metric and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0
