"""wp2's services: zero reports (amendments, absences to sick leave, on-site rule), missing-report
alerts, inspections and the ledger — on real PostgreSQL, with bad input."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.observation.models import SickLeaveReport
from fangkong.workplaces import services
from fangkong.workplaces.models import (
    LedgerEvent,
    LedgerItem,
    MissingReportAlert,
    Violation,
    ZeroReport,
    ZeroReportRevision,
)

from .factories_reports import wp_workplace

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(_default_language):
    from django.utils import translation

    with translation.override("en"):
        yield


FEVER = [{"name": "王小明", "phone": "13800000001", "symptoms": ["fever"]}]


@pytest.fixture
def street(tree, make_user):
    return make_user("street_coordinator", tree.street1)


@pytest.fixture
def wp(tree):
    return wp_workplace(tree.a.community, staff_count=20)


def test_zero_report_files_and_feeds_sick_leave(street, wp):
    r = services.zero_report_file(
        actor=street,
        workplace=wp,
        staff_on_site=8,
        absentees=FEVER,
        temperature_checked=True,
        disinfected=True,
    )
    assert (r.revision, r.absent_sick, r.staff_total) == (1, 1, 20)
    sick = SickLeaveReport.objects.get(pk=r.absentees[0]["sick_leave"])
    assert (sick.person_name, sick.symptoms, sick.workplace_id) == ("王小明", ["fever"], wp.place_id)
    assert "phone" not in r.absentees[0]  # the phone lives encrypted in the sick-leave report only


def test_second_filing_amends_with_history(street, wp):
    services.zero_report_file(actor=street, workplace=wp, staff_on_site=8, absentees=FEVER)
    r = services.zero_report_file(
        actor=street,
        workplace=wp,
        staff_on_site=9,
        absentees=[*FEVER, {"name": "李四", "symptoms": ["cough"]}],
    )
    assert ZeroReport.objects.filter(workplace=wp).count() == 1
    assert r.revision == 2 and r.staff_on_site == 9 and r.absent_sick == 2
    old = ZeroReportRevision.objects.get(report=r)
    assert old.revision == 1 and old.data["staff_on_site"] == 8
    # 王小明 was reported already: one sick-leave report for him, one new for 李四
    assert SickLeaveReport.objects.filter(workplace=wp.place).count() == 2


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"staff_on_site": 20, "absentees": FEVER}, "staff_on_site"),
        ({"staff_on_site": -1}, "staff_on_site"),
        ({"staff_on_site": 1, "absentees": [{"name": "", "symptoms": ["fever"]}]}, "absentees"),
        ({"staff_on_site": 1, "absentees": [{"name": "甲", "symptoms": ["plague"]}]}, "absentees"),
        ({"staff_on_site": 1, "absentees": [{"name": "甲", "symptoms": []}]}, "absentees"),
        ({"staff_on_site": 1, "absentees": [{"name": "甲", "symptoms": ["fever"]}] * 2}, "absentees"),
        ({"staff_on_site": 1, "date": timezone.localdate() + datetime.timedelta(days=1)}, "date"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_written(street, wp, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.zero_report_file(actor=street, workplace=wp, **kwargs)
    assert field in exc.value.message_dict
    assert not ZeroReport.objects.exists() and not SickLeaveReport.objects.exists()


def test_link_expired_or_revoked_or_of_another_workplace(street, wp, tree):
    link = services.report_link_create(actor=street, workplace=wp)
    other = wp_workplace(tree.b.community)
    with pytest.raises(ValidationError):
        services.zero_report_file(actor=None, link=link, workplace=other, staff_on_site=1)
    services.report_link_revoke(actor=street, link=link)
    with pytest.raises(ValidationError, match="not valid"):
        services.zero_report_file(actor=None, link=link, workplace=wp, staff_on_site=1)
    link2 = services.report_link_create(actor=street, workplace=wp)
    link2.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    with pytest.raises(ValidationError, match="not valid"):
        services.zero_report_file(actor=None, link=link2, workplace=wp, staff_on_site=1)
    assert not ZeroReport.objects.exists()


def test_writer_outside_scope_meets_a_missing_workplace(tree, make_user, wp):
    other_street = make_user("street_coordinator", tree.street2)
    with pytest.raises(ValidationError) as exc:
        services.zero_report_file(actor=other_street, workplace=wp, staff_on_site=1)
    assert exc.value.message_dict == {"workplace": ["Unknown workplace."]}
    contact = make_user("workplace_contact", tree.street1)  # not this workplace's contact
    with pytest.raises(ValidationError) as exc2:
        services.zero_report_file(actor=contact, workplace=wp, staff_on_site=1)
    assert exc2.value.message_dict == exc.value.message_dict
    wp.safety_contact_user = contact
    wp.save()
    assert services.zero_report_file(actor=contact, workplace=wp, staff_on_site=1).pk


def test_onsite_ratio_over_policy_is_a_violation_naming_report_and_version(street, tree):
    dense = wp_workplace(tree.a.community, staff_count=20, dense=True)
    r = services.zero_report_file(actor=street, workplace=dense, staff_on_site=15)
    v = Violation.objects.get(workplace=dense)
    assert v.report_id == r.pk and v.rule == "workplace.onsite.max_ratio" and v.resolved_at is None
    assert v.policy.version == 1 and "50%" in v.policy.source
    # the same report again: still one violation; amended under the limit: resolved
    services.zero_report_file(actor=street, workplace=dense, staff_on_site=16)
    assert Violation.objects.filter(workplace=dense).count() == 1
    services.zero_report_file(actor=street, workplace=dense, staff_on_site=10)
    v.refresh_from_db()
    assert v.resolved_at is not None
    # not dense: no rule
    loose = wp_workplace(tree.a.community, staff_count=20)
    services.zero_report_file(actor=street, workplace=loose, staff_on_site=20)
    assert not Violation.objects.filter(workplace=loose).exists()


def test_missing_scan_after_deadline_is_idempotent(street, tree, wp):
    day = timezone.localdate()
    reported = wp_workplace(tree.b.community)
    closed = wp_workplace(tree.c.community, open=False)
    services.zero_report_file(actor=street, workplace=reported, staff_on_site=3)
    before = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 59)))
    after = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 1)))
    assert services.missing_reports_scan(day=day, now=before) == 0
    assert services.missing_reports_scan(day=day, now=after) == 1
    assert services.missing_reports_scan(day=day, now=after) == 0
    alert = MissingReportAlert.objects.get()
    assert alert.workplace_id == wp.pk and alert.area_path == wp.area_path
    assert not MissingReportAlert.objects.filter(workplace__in=[reported, closed]).exists()
    # a late report resolves it
    services.zero_report_file(actor=street, workplace=wp, staff_on_site=2)
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def _results(wp, failed=()):
    checklist = services.checklist_for(wp.type)
    return {i["key"]: i["key"] not in failed for i in checklist.items}


def test_inspection_failures_become_ledger_items_closed_on_reinspection(street, wp):
    i1 = services.inspection_record(
        actor=street,
        workplace=wp,
        results=_results(wp, failed=("canteen", "ventilation")),
        findings={"canteen": "未分餐"},
        responsible="张经理",
    )
    items = {li.item_key: li for li in LedgerItem.objects.filter(inspection=i1)}
    assert set(items) == {"canteen", "ventilation"}
    assert items["canteen"].finding == "未分餐"
    assert items["canteen"].deadline == timezone.localdate() + datetime.timedelta(days=3)
    # re-inspection: canteen passes, ventilation still fails (no second item for it)
    services.inspection_record(actor=street, workplace=wp, results=_results(wp, failed=("ventilation",)))
    items["canteen"].refresh_from_db()
    assert items["canteen"].status == "closed" and items["canteen"].closed_at
    assert LedgerItem.objects.filter(workplace=wp, item_key="ventilation").count() == 1
    kinds = list(items["canteen"].events.values_list("kind", flat=True))
    assert kinds == ["created", "closed"]


def test_inspection_bad_input(street, wp, tree, make_user):
    with pytest.raises(ValidationError, match="every item"):
        services.inspection_record(actor=street, workplace=wp, results={"canteen": False})
    with pytest.raises(ValidationError):
        services.inspection_record(actor=street, workplace=wp, results={**_results(wp), "nonsense": True})
    other = make_user("street_coordinator", tree.street2)
    with pytest.raises(ValidationError, match="Unknown workplace"):
        services.inspection_record(actor=other, workplace=wp, results=_results(wp))
    with pytest.raises(ValidationError, match="responsible"):
        services.inspection_record(actor=street, workplace=wp, results=_results(wp, failed=("canteen",)))
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="not a photo"):
        services.inspection_record(
            actor=street,
            workplace=wp,
            results=_results(wp, failed=("canteen",)),
            responsible="张经理",
            photos=[SimpleUploadedFile("x.jpg", b"<script>", "image/jpeg")],
        )
    assert not LedgerItem.objects.exists()


def test_inspection_retried_with_the_same_key_is_one(street, wp):
    a = services.inspection_record(
        actor=street,
        workplace=wp,
        results=_results(wp, failed=("canteen",)),
        idempotency_key="k1",
        responsible="甲",
    )
    b = services.inspection_record(
        actor=street,
        workplace=wp,
        results=_results(wp, failed=("canteen",)),
        idempotency_key="k1",
        responsible="甲",
    )
    assert a.pk == b.pk and LedgerItem.objects.count() == 1


def test_extend_needs_a_reason_and_escalation_is_idempotent(street, wp):
    services.inspection_record(
        actor=street, workplace=wp, results=_results(wp, failed=("canteen",)), responsible="张经理"
    )
    item = LedgerItem.objects.get()
    with pytest.raises(ValidationError, match="reason"):
        services.ledger_item_extend(
            actor=street, item=item, deadline=item.deadline + datetime.timedelta(days=2), reason=" "
        )
    with pytest.raises(ValidationError, match="later"):
        services.ledger_item_extend(actor=street, item=item, deadline=item.deadline, reason="设备未到")
    later = timezone.localdate() + datetime.timedelta(days=10)
    assert services.ledger_escalate_overdue(today=later) == 1
    assert services.ledger_escalate_overdue(today=later) == 0
    item.refresh_from_db()
    assert item.escalated_at is not None
    services.ledger_item_extend(actor=street, item=item, deadline=later, reason="设备未到")
    item.refresh_from_db()
    assert item.status == "extended" and item.escalated_at is None and item.deadline == later
    ev = item.events.get(kind=LedgerEvent.Kind.EXTENDED)
    assert ev.reason == "设备未到" and ev.new_deadline == later


def test_checklist_versions_are_data(tree, make_user):
    admin = make_user("district_admin", tree.district)
    c = services.checklist_version_create(
        actor=admin,
        workplace_type="barber",
        items=[{"key": "tools", "zh": "理发工具一客一消毒"}],
        source="指引",
    )
    assert c.version == 2 and services.checklist_for("barber") == c
    with pytest.raises(ValidationError):
        services.checklist_version_create(actor=admin, workplace_type="barber", items=[])
    with pytest.raises(ValidationError):
        services.checklist_version_create(
            actor=admin, workplace_type="spaceport", items=[{"key": "a", "zh": "甲"}]
        )
