"""Survey imports on /metrics: the counter by outcome, and the jobs waiting with the age of the oldest."""

import datetime

import pytest
from django.utils import timezone

from fangkong.core.tests.scrape import sample, scrape
from fangkong.people import services
from fangkong.people.models import ImportBatch

from .helpers import bad_check_digit, resident_id
from .test_imports import _csv, row

pytestmark = pytest.mark.django_db

IMPORTS = "fangkong_imports_total"


def _imports(client):
    text = scrape(client)
    return {
        o: sample(text, IMPORTS, kind="survey", outcome=o) for o in ("previewed", "committed", "rejected")
    }


def test_import_counters_follow_the_service_calls(client, tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    before = _imports(client)
    good = services.import_batch_create(
        actor=worker,
        within=tree.a.community,
        filename="a.csv",
        content=_csv([row(tree.a, "张三", resident_id())], "utf-8"),
    )
    services.import_batch_commit(actor=worker, batch=good)
    bad = services.import_batch_create(
        actor=worker,
        within=tree.a.community,
        filename="b.csv",
        content=_csv([row(tree.a, "李四", bad_check_digit(resident_id()))], "utf-8"),
    )
    services.import_batch_commit(actor=worker, batch=bad)
    after = _imports(client)
    assert {k: after[k] - before[k] for k in after} == {"previewed": 2, "committed": 1, "rejected": 1}


def test_waiting_jobs_and_the_age_of_the_oldest_at_scrape_time(client, tree):
    text = scrape(client)
    assert sample(text, "fangkong_jobs_pending", kind="survey_import") == 0
    assert sample(text, "fangkong_jobs_oldest_pending_age_seconds", kind="survey_import") == 0
    common = {
        "area": tree.a.community,
        "area_path": tree.a.community.path,
        "content": b"x",
        "sha256": "0" * 64,
    }
    old = ImportBatch.objects.create(filename="a.csv", state=ImportBatch.State.IMPORTING, **common)
    ImportBatch.objects.create(filename="b.csv", state=ImportBatch.State.ANALYSING, **common)
    ImportBatch.objects.create(filename="c.csv", state=ImportBatch.State.COMMITTED, **common)
    ImportBatch.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=10))
    text = scrape(client)
    assert sample(text, "fangkong_jobs_pending", kind="survey_import") == 2
    assert 600 <= sample(text, "fangkong_jobs_oldest_pending_age_seconds", kind="survey_import") < 660
