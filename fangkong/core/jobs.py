"""Background work: `enqueue(task, *args)` runs a Celery task after the current transaction commits.

Without a broker (CELERY_TASK_ALWAYS_EAGER: `make run`, the tests) the task runs at once, inline and
inside the caller's transaction, so development and tests see the finished result in the same request.
With a broker the task is sent only once the rows it reads are committed (on_commit), so a worker never
looks for a batch the request has not saved yet."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction


def enqueue(task, *args):
    """The task's result when it ran inline, None when it was queued."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return task(*args)
    transaction.on_commit(lambda: task.delay(*args))
    return None


def test_pause(point: str) -> None:
    """Tests only: a worker started with FANGKONG_TEST_PAUSE=<point>:<file> stops at `point`, creates
    <file> and sleeps, so that a test can kill it mid-task at a known moment (core/tests/test_celery_worker.py).
    Nothing happens outside tests (settings.TESTING) or without the variable."""
    wanted = os.environ.get("FANGKONG_TEST_PAUSE", "")
    if not wanted or not getattr(settings, "TESTING", False):
        return
    name, _sep, marker = wanted.partition(":")
    if name != point:
        return
    Path(marker).touch()
    time.sleep(float(os.environ.get("FANGKONG_TEST_PAUSE_SECONDS", "60")))
