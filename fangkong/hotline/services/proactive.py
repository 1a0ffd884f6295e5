"""未诉先办: recurring complaints become proactive tasks for their community.

`proactive_scan()` groups the orders received in the rolling window (policy hotline.proactive.window_days)
by community, category and keyword (topics.py); a group of at least hotline.proactive.threshold orders
opens a ProactiveTask, or updates the open one of the same community, category and keyword (its orders,
count and window): re-running never makes a duplicate. Tasks done stay done; the same complaint
recurring after that opens a new task."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area
from fangkong.core import audit
from fangkong.core.scoping import user_can_see_path
from fangkong.policies.selectors import policy_value

from ..models import ProactiveTask, WorkOrder
from ..topics import group
from .rates import COMMUNITY_PATH_LEN

PERM_CHANGE = "hotline.change_proactivetask"
LOCK_KEY = 21_0002  # pg_advisory_xact_lock key of the scan (issue 21)


def proactive_scan(*, now: dt.datetime | None = None, actor=None) -> dict:
    """Run the grouping; {"groups", "opened", "updated"}."""
    now = now or timezone.now()
    days = int(policy_value("hotline.proactive.window_days", at=now))
    threshold = int(policy_value("hotline.proactive.threshold", at=now))
    start = now - dt.timedelta(days=days)
    rows = (
        WorkOrder.objects.filter(received_at__gte=start, received_at__lt=now)
        .annotate(path_len=Length("area_path"))
        .filter(path_len__gte=COMMUNITY_PATH_LEN)
        .values_list("pk", "area_path", "category", "text")
        .order_by()
        .iterator(chunk_size=10000)
    )
    groups = group(
        ((pk, path[:COMMUNITY_PATH_LEN], cat or "", text) for pk, path, cat, text in rows),
        threshold=threshold,
    )
    communities = {a.path: a for a in Area.objects.filter(path__in={g["cell"] for g in groups})}
    groups = [g for g in groups if g["cell"] in communities]
    with transaction.atomic():
        if connection.vendor == "postgresql":  # one scan at a time: the open tasks are read, then written
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        existing = {
            (t.area_path, t.category, t.keyword): t
            for t in ProactiveTask.objects.exclude(status=ProactiveTask.Status.DONE)
        }
        new, changed, members = [], [], []
        for g in groups:
            task = existing.get((g["cell"], g["category"], g["keyword"]))
            if task is None:
                area = communities[g["cell"]]
                task = ProactiveTask(
                    area=area,
                    area_path=area.path,
                    category=g["category"],
                    keyword=g["keyword"][:64],
                    window_start=start,
                    window_end=now,
                    order_count=len(g["orders"]),
                )
                new.append(task)
            else:
                task.window_start, task.window_end, task.order_count = start, now, len(g["orders"])
                task.updated_at = now
                changed.append(task)
            members.append((task, g["orders"]))
        ProactiveTask.objects.bulk_create(new, batch_size=1000)
        _update_windows(changed, start=start, now=now)
        _set_members(members, changed_ids=[t.pk for t in changed])
        audit.record_bulk(new, "create", actor=actor, message=gettext_noop("Proactive task opened"))
    return {"groups": len(groups), "opened": len(new), "updated": len(changed)}


def _update_windows(tasks: list[ProactiveTask], *, start, now) -> None:
    """The open tasks found again: their window and count (one statement on PostgreSQL)."""
    if not tasks:
        return
    if connection.vendor != "postgresql":
        ProactiveTask.objects.bulk_update(tasks, ["window_start", "window_end", "order_count", "updated_at"])
        return
    table = ProactiveTask._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""UPDATE {table} t SET window_start = %s, window_end = %s, updated_at = %s, order_count = v.n
                FROM unnest(%s::bigint[], %s::int[]) AS v(id, n) WHERE t.id = v.id""",
            [start, now, now, [t.pk for t in tasks], [t.order_count for t in tasks]],
        )


def _set_members(members: list[tuple[ProactiveTask, list[int]]], *, changed_ids: list[int]) -> None:
    """Each task's orders become exactly its group's: only the difference is written."""
    through = ProactiveTask.orders.through
    have: set[tuple[int, int]] = set(
        through.objects.filter(proactivetask_id__in=changed_ids).values_list(
            "proactivetask_id", "workorder_id"
        )
    )
    want = {(t.pk, oid) for t, ids in members for oid in ids}
    gone = have - want
    if gone:
        by_task: dict[int, list[int]] = {}
        for tid, oid in gone:
            by_task.setdefault(tid, []).append(oid)
        for tid, oids in by_task.items():
            through.objects.filter(proactivetask_id=tid, workorder_id__in=oids).delete()
    add = sorted(want - have)
    if not add:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                f"""INSERT INTO {through._meta.db_table} (proactivetask_id, workorder_id)
                    SELECT * FROM unnest(%s::bigint[], %s::bigint[])""",
                [[a for a, _b in add], [b for _a, b in add]],
            )
    else:
        through.objects.bulk_create(
            [through(proactivetask_id=a, workorder_id=b) for a, b in add], batch_size=5000
        )


@transaction.atomic
def proactive_task_update(*, actor, task_id: int, status: str, note: str = "") -> ProactiveTask:
    """Move a task to open / in hand / done with a note; a task outside the actor's scope answers like
    a missing one."""
    task = ProactiveTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None or not user_can_see_path(actor, PERM_CHANGE, task.area_path):
        raise ValidationError(_("No such proactive task."))
    if status not in ProactiveTask.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == ProactiveTask.Status.DONE and not note.strip():
        raise ValidationError(_("Say what was done before closing the task."))
    if task.status == ProactiveTask.Status.DONE and status != ProactiveTask.Status.DONE:
        # a done task stays done: a new scan opens a new task if the complaint recurs
        raise ValidationError(_("The task is done already."))
    before = audit.snapshot(task)
    task.status = status
    if note.strip():
        task.note = note.strip()
    task.done_at = timezone.now() if status == ProactiveTask.Status.DONE else None
    task.save()
    audit.record(task, "update", actor=actor, before=before, message=gettext_noop("Proactive task updated"))
    return task
