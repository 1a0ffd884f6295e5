"""Retention of personal data: the clock moves (as_of) and expired data goes, once, with its log."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from fangkong.core import crypto
from fangkong.core.models import ChangeLog, SensitiveAccess
from fangkong.core.retention import retention_run

pytestmark = pytest.mark.django_db


def _figures(communities, as_of):
    """Every briefing figure of the day for the communities, as the briefing computes them."""
    from fangkong.core.figures import sections

    return {s.key: s.compute(as_of, communities) for s in sections()}


def _without_scans(figures):
    out = dict(figures)
    out["gates"] = {
        cid: {k: v for k, v in by.items() if k not in ("scans", "refusals")}
        for cid, by in figures["gates"].items()
    }
    return out


@pytest.fixture
def data(tree, make_user):
    """Today's data of every kind the rules cover, in community A; the clock then moves past each period."""
    from fangkong.gates import partitions
    from fangkong.gates.models import ReturneeNotice, ScanEvent
    from fangkong.gates.tests.factories import make_notice, make_scan, make_visit
    from fangkong.hotline.models import Status, WorkOrder
    from fangkong.hotline.tests.factories import make_order as make_work_order
    from fangkong.observation import services as observation
    from fangkong.observation.models import HealthReport, SickLeaveReport
    from fangkong.people.tests.factories import make_person
    from fangkong.support.models import Request, RequestState
    from fangkong.support.tests.factories import make_request

    area = tree.a.community
    now = timezone.now()
    today = timezone.localdate()
    # Today's scans in their own day partition, one older scan left in the DEFAULT partition.
    partitions.partitions_ensure(start=today, days=1)
    scans = [make_scan(area) for _ in range(3)]
    visit = make_visit(area)
    old = make_scan(area)
    ScanEvent.objects.filter(pk=old.pk).update(scanned_at=now - datetime.timedelta(days=3))
    # A returnee's notice with a real encrypted ID, its index and a phone.
    notice = make_notice(tree.a.household)
    ReturneeNotice.objects.filter(pk=notice.pk).update(
        id_number_enc=crypto.encrypt("110106199003070011"),
        id_hash=crypto.blind_index("110106199003070011", kind="id"),
        phone_enc=crypto.encrypt("13800138000"),
        phone_masked="138****8000",
        person=make_person(tree.a.household),
    )
    notice.refresh_from_db()
    # An ended observation order with a health report; a sick-leave report.
    worker = make_user("community_worker", area)
    order = observation.order_create(
        actor=worker,
        person=make_person(tree.a.household),
        order_type="home",
        reason="returnee",
        source="gates.ReturneeNotice:1",
    )
    observation.report_submit(actor=worker, order=order, temperature="37.8", channel="call")
    HealthReport.objects.filter(order=order).update(needs_note="张三要降压药")
    observation.order_end(actor=worker, order=order, force=True, reason="张三转院")
    from fangkong.workplaces.tests.factories import make_workplace

    sick = SickLeaveReport.objects.create(
        area=area,
        workplace=make_workplace(area).place,
        person_name="李四",
        phone_enc=crypto.encrypt("13900139000"),
        phone_hash=crypto.blind_index("13900139000", kind="phone"),
        phone_masked="139****9000",
        days=2,
    )
    # A closed hotline order, a delivered support request, both naming their caller; and one still open.
    closed = make_work_order(area, status=Status.CLOSED, closed_at=now)
    still_open = make_work_order(area)
    request = make_request(tree.a.household, state=RequestState.DELIVERED, contact_phone="13700137000")
    open_request = make_request(tree.a.household, contact_phone="13600136000")
    # The change log of the notice names the returnee; the access log says whose number was revealed.
    from fangkong.core.audit import record, record_access

    record(notice, ChangeLog.Action.CREATE, actor=worker)
    record_access(actor=worker, instance=notice, field="id_number", reason="test")
    return {
        "area": area,
        "scans": scans,
        "visit": visit,
        "old_scan": old,
        "notice": notice,
        "order": order,
        "sick": sick,
        "closed": closed,
        "still_open": still_open,
        "request": request,
        "open_request": open_request,
        "models": (ReturneeNotice, WorkOrder, Request, HealthReport, SickLeaveReport),
    }


def _at(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def _state(data):
    from fangkong.gates.models import ScanEvent, ScanVisitor

    return (
        ScanEvent.objects.count(),
        ScanVisitor.objects.count(),
        SensitiveAccess.objects.count(),
        sorted(
            (m._meta.label, tuple(sorted(str(v) for v in r.values())))
            for m in data["models"]
            for r in m.objects.values()
        ),
    )


def test_nothing_changes_before_any_period_ends(data):
    before = _state(data)
    log = ChangeLog.objects.count()
    result = retention_run(as_of=_at(24))  # the shortest period: 28 days (scans; the oldest is 3 days old)
    assert result.total == 0 and {o.days for o in result.outcomes} >= {28, 180, 365, 1095}
    assert _state(data) == before and ChangeLog.objects.count() == log


def test_expired_data_goes_once_with_its_counts_in_the_change_log(data, tree):
    from fangkong.gates import partitions
    from fangkong.gates.models import ReturneeNotice, ScanEvent, ScanVisitor
    from fangkong.hotline.models import WorkOrder
    from fangkong.observation.models import HealthReport, ObservationOrder, SickLeaveReport
    from fangkong.support.models import Request

    communities = [tree.a.community, tree.b.community]
    now = timezone.now()
    figures = _figures(communities, now)
    today = timezone.localdate()
    had_partition = partitions.partition_name(today) in partitions.existing_partitions()
    future = ScanEvent.objects.create(
        place_id=data["scans"][0].place_id,
        area=data["area"],
        area_path=data["area"].path,
        verdict="pass",
        scanned_at=_at(10),
        received_at=_at(10),
    )

    # 29 days on: the scans of today (their partition) and older are gone; nothing else yet.
    dry = retention_run(as_of=_at(29), dry_run=True)
    assert {o.table: o.count for o in dry.outcomes if o.count} == {
        "gates_scanvisitor": 1,
        "gates_scanevent": 5,
    }
    assert ScanEvent.objects.count() == 6  # the dry run changed nothing
    result = retention_run(as_of=_at(29))
    assert {o.table: o.count for o in result.outcomes if o.count} == {
        "gates_scanvisitor": 1,
        "gates_scanevent": 5,
    }
    assert (
        list(ScanEvent.objects.values_list("pk", flat=True)) == [future.pk]
        and not ScanVisitor.objects.exists()
    )
    if connection.vendor == "postgresql":
        assert had_partition and partitions.partition_name(today) not in partitions.existing_partitions()
    entry = ChangeLog.objects.get(object_id="retention", object_repr="gates_scanevent")
    assert entry.action == "delete" and entry.params["count"] == 5 and entry.params["days"] == 28
    assert entry.params["policy"] == "retention.scans.days" and "5" in entry.message_text()

    assert "张三" in SensitiveAccess.objects.get(object_id=str(data["notice"].pk)).object_repr
    # 181 days on: notices, observation records, closed requests are anonymised; the hotline keeps a year
    # (and the scan of day 10 has had its 28 days).
    result = retention_run(as_of=_at(181))
    counts = {o.table: o.count for o in result.outcomes if o.count}
    assert counts == {
        "gates_scanevent": 1,
        "gates_returneenotice": 1,
        "observation_observationorder": 1,
        "observation_healthreport": 1,
        "observation_sickleavereport": 1,
        "support_request": 1,
    }
    notice = ReturneeNotice.objects.get(pk=data["notice"].pk)
    assert (notice.name, notice.id_number_enc, notice.id_hash, notice.id_masked, notice.phone_enc) == (
        "",
    ) * 5
    assert notice.person_id is None and (notice.area_id, notice.stage) == (
        data["notice"].area_id,
        data["notice"].stage,
    )
    assert not ReturneeNotice.objects.filter(
        id_hash=crypto.blind_index("110106199003070011", kind="id")
    ).exists()
    sick = SickLeaveReport.objects.get(pk=data["sick"].pk)
    assert (sick.person_name, sick.phone_enc, sick.phone_hash, sick.phone_masked) == ("", "", "", "")
    report = HealthReport.objects.get(order=data["order"])
    assert report.needs_note == "" and report.symptoms == [] and report.temperature == Decimal("37.8")
    assert ObservationOrder.objects.get(pk=data["order"].pk).end_reason == ""
    req = Request.objects.get(pk=data["request"].pk)
    assert (req.contact_phone, req.note, req.person_id) == ("", "", None)
    open_req = Request.objects.get(pk=data["open_request"].pk)
    assert open_req.contact_phone == "13600136000" and open_req.person_id is not None  # still open: kept
    # The notice's own change-log entries forget the name too.
    created = ChangeLog.objects.get(
        object_id=str(notice.pk), action="create", content_type__model="returneenotice"
    )
    assert (
        created.after["name"] is None
        and created.after["id_hash"] is None
        and "张三" not in created.object_repr
    )
    assert not ChangeLog.objects.filter(after__name="张三").exists()
    access = SensitiveAccess.objects.get(object_id=str(notice.pk))
    assert (
        access.object_repr == f"#{notice.pk}" and access.reason == "test"
    )  # who looked stays, not whose name

    # 366 days on: the closed hotline order loses its caller; the open one keeps it.
    assert {o.table: o.count for o in retention_run(as_of=_at(366)).outcomes if o.count} == {
        "hotline_workorder": 1
    }
    closed = WorkOrder.objects.get(pk=data["closed"].pk)
    assert (closed.caller_name, closed.caller_phone, closed.person_id) == ("", "", None) and closed.text
    assert WorkOrder.objects.get(pk=data["still_open"].pk).caller_name.startswith("来电人")

    # Three years on: the access log goes.
    assert SensitiveAccess.objects.exists()
    assert {o.table: o.count for o in retention_run(as_of=_at(1096)).outcomes if o.count} == {
        "core_sensitiveaccess": 1
    }
    assert not SensitiveAccess.objects.exists()

    # Idempotent: a second run at the same moment removes nothing and logs nothing.
    log = ChangeLog.objects.filter(object_id="retention").count()
    assert log == 10  # one entry per table and run that changed it
    assert retention_run(as_of=_at(1096)).total == 0
    assert ChangeLog.objects.filter(object_id="retention").count() == log

    # The briefing's figures of the day, by community, are those of before (scans aside: they are gone,
    # and the day's briefing, made the next night, keeps their count).
    assert _without_scans(_figures(communities, now)) == _without_scans(figures)


def test_command_dry_run_and_as_of(data):
    out = io.StringIO()
    as_of = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    call_command("retention_run", "--dry-run", "--as-of", as_of, stdout=out)
    text = out.getvalue()
    assert "gates_scanevent: delete 5" in text and "would remove 6 rows in all" in text
    from fangkong.gates.models import ScanEvent

    assert ScanEvent.objects.count() == 5
    out = io.StringIO()
    call_command("retention_run", "--as-of", as_of, stdout=out)
    assert "removed 6 rows in all" in out.getvalue() and not ScanEvent.objects.exists()
    with pytest.raises(Exception, match="not a date"):
        call_command("retention_run", "--as-of", "tomorrow")


def test_no_partitions_no_crash(data, monkeypatch):
    """SQLite (make run) has no partitions: the scan rule deletes rows instead."""
    from fangkong.gates import partitions
    from fangkong.gates.models import ScanEvent

    monkeypatch.setattr(partitions, "is_partitioned", lambda conn=None: False)
    result = retention_run(as_of=_at(29))
    assert {o.table: o.count for o in result.outcomes if o.count} == {
        "gates_scanvisitor": 1,
        "gates_scanevent": 5,
    }
    assert not ScanEvent.objects.exists()


def test_beat_runs_it_daily_and_the_task_returns_the_counts(data, settings):
    from fangkong.core.tasks import retention_run_task

    entry = settings.CELERY_BEAT_SCHEDULE["retention-daily"]
    assert entry["task"] == retention_run_task.name
    # Eager here; test_celery_worker.py runs tasks through a real worker.
    outcomes = retention_run_task.delay().get()["outcomes"]
    assert {o["table"] for o in outcomes} >= {"gates_scanevent", "gates_returneenotice", "hotline_workorder"}


def test_a_partition_locked_by_a_long_query_is_emptied_instead(data, monkeypatch):
    """DROP waits a few seconds at most for its lock (a long report must not queue every gate's inserts
    behind it); a partition it could not drop has its rows deleted, so the period still holds."""
    from django.db import OperationalError

    from fangkong.gates import partitions
    from fangkong.gates.models import ScanEvent
    from fangkong.gates.retention import ScanPurge

    def locked(self, name):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(ScanPurge, "_drop", locked)
    result = retention_run(as_of=_at(29))
    assert {o.table: o.count for o in result.outcomes if o.count} == {
        "gates_scanvisitor": 1,
        "gates_scanevent": 5,
    }
    assert not ScanEvent.objects.exists()
    if connection.vendor == "postgresql":
        assert partitions.partition_name(timezone.localdate()) in partitions.existing_partitions()
