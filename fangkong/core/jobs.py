"""Background work: `enqueue(task, *args)` runs a Celery task after the current transaction commits.

Without a broker (CELERY_TASK_ALWAYS_EAGER: `make run`, the tests) the task runs at once, inline and
inside the caller's transaction, so development and tests see the finished result in the same request.
With a broker the task is sent only once the rows it reads are committed (on_commit), so a worker never
looks for a batch the request has not saved yet."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction


def enqueue(task, *args):
    """The task's result when it ran inline, None when it was queued."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return task(*args)
    transaction.on_commit(lambda: task.delay(*args))
    return None
