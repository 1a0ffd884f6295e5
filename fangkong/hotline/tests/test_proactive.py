"""未诉先办: keywords, grouping, idempotent tasks, the status flow and its pages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from fangkong.hotline.models import ProactiveTask
from fangkong.hotline.services import proactive_scan, proactive_task_update
from fangkong.hotline.topics import group, keywords

from .factories import make_order

NOW = timezone.now()
GARBAGE = ["小区门口垃圾堆放三天无人清运，气味很大", "楼下垃圾没人清运，臭味很大", "垃圾桶满了一直没有清运"]


def test_keywords_drop_stopwords_punctuation_and_numbers():
    words = keywords("希望尽快处理：3号楼门口垃圾堆放无人清运，气味很大！")
    assert "清运" in words and "希望" not in words and "尽快" not in words
    assert all(len(w) >= 2 and w.strip("，！：0123456789") == w for w in words)
    assert keywords("") == [] and keywords("！！！") == []


def test_group_by_cell_category_and_most_frequent_keyword():
    items = [(i, "A", "sanitation", t) for i, t in enumerate(GARBAGE, 1)]
    items += [
        (4, "A", "noise", GARBAGE[0]),
        (5, "B", "sanitation", GARBAGE[1]),
        (6, "A", "sanitation", "路灯不亮"),
    ]
    assert group(items, threshold=3) == [
        {"cell": "A", "category": "sanitation", "keyword": "垃圾", "orders": [1, 2, 3]}
    ]
    assert group(items, threshold=4) == []


@pytest.mark.django_db
def test_scan_opens_once_updates_and_reopens_after_done(tree, make_user):
    orders = [
        make_order(
            tree.a.household, category="sanitation", text=t, received_at=NOW - dt.timedelta(days=i + 1)
        )
        for i, t in enumerate(GARBAGE)
    ]
    make_order(
        tree.c.household, category="sanitation", text=GARBAGE[0], received_at=NOW - dt.timedelta(days=1)
    )
    old = make_order(
        tree.a.household, category="sanitation", text=GARBAGE[0], received_at=NOW - dt.timedelta(days=90)
    )
    assert proactive_scan(now=NOW) == {"groups": 1, "opened": 1, "updated": 0}
    task = ProactiveTask.objects.get()
    assert (task.area, task.category, task.keyword, task.order_count) == (
        tree.a.community,
        "sanitation",
        "垃圾",
        3,
    )
    assert set(task.orders.values_list("pk", flat=True)) == {o.pk for o in orders}
    assert old.pk not in set(task.orders.values_list("pk", flat=True))
    # again, and with one more: the same task, updated
    more = make_order(
        tree.a.building, category="sanitation", text="垃圾清运不及时", received_at=NOW - dt.timedelta(hours=1)
    )
    assert proactive_scan(now=NOW) == {"groups": 1, "opened": 0, "updated": 1}
    task.refresh_from_db()
    assert (
        ProactiveTask.objects.count() == 1
        and task.order_count == 4
        and task.orders.filter(pk=more.pk).exists()
    )
    # the community takes it on and finishes it; the complaint recurring later opens a new task
    worker = make_user("community_worker", tree.a.community)
    proactive_task_update(actor=worker, task_id=task.pk, status="in_hand", note="已联系物业")
    with pytest.raises(ValidationError):
        proactive_task_update(actor=worker, task_id=task.pk, status="done", note=" ")
    proactive_task_update(actor=worker, task_id=task.pk, status="done", note="增加清运频次")
    call_command("hotline_proactive_scan")
    assert ProactiveTask.objects.count() == 2
    assert ProactiveTask.objects.filter(status="open").count() == 1
    # another community's worker: the task is unknown to them
    other = make_user("community_worker", tree.c.community)
    with pytest.raises(ValidationError, match="没有该未诉先办任务|No such proactive task"):
        proactive_task_update(actor=other, task_id=task.pk, status="in_hand")


@pytest.mark.django_db
def test_pages(client, tree, make_user):
    for t in GARBAGE:
        make_order(tree.a.household, category="sanitation", text=t, received_at=NOW - dt.timedelta(days=1))
    proactive_scan(now=NOW)
    task = ProactiveTask.objects.get()
    worker = make_user("community_worker", tree.a.community)
    client.force_login(worker)
    listing = client.get("/hotline/proactive/", {"status": "open"})
    assert listing.status_code == 200 and "垃圾" in listing.content.decode()
    detail = client.get(f"/hotline/proactive/{task.pk}/")
    assert detail.status_code == 200 and detail.content.decode().count("data-order=") == 3
    bad = client.post(f"/hotline/proactive/{task.pk}/update/", {"status": "done", "note": ""})
    assert bad.status_code == 400
    ok = client.post(f"/hotline/proactive/{task.pk}/update/", {"status": "in_hand", "note": "已派人查看"})
    assert ok.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.note) == ("in_hand", "已派人查看")
    client.force_login(make_user("community_worker", tree.c.community))
    assert client.get(f"/hotline/proactive/{task.pk}/").status_code == 404
    assert (
        client.post(f"/hotline/proactive/{task.pk}/update/", {"status": "done", "note": "x"}).status_code
        == 404
    )
