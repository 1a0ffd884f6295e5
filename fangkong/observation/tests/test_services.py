import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.models import ChangeLog
from fangkong.observation import services
from fangkong.observation.models import (
    Alert,
    ObservationOrder,
    OrderEvent,
    OrderStatus,
    RequiredTest,
)
from fangkong.people.models import Person
from fangkong.people.tests.factories import make_person
from fangkong.policies.services import policy_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(tree, make_user):
    return make_user("community_worker", tree.a.community)


@pytest.fixture
def person(tree):
    return make_person(tree.a.household)


def _order(worker, person, **kw):
    args = {"order_type": "home", "reason": "returnee", "source": "gates.ReturneeNotice:1", **kw}
    return services.order_create(actor=worker, person=person, **args)


def test_order_create_end_and_tests_from_policy(worker, person):
    today = timezone.localdate()
    order = _order(worker, person)
    assert order.planned_end == today + datetime.timedelta(days=14)
    assert order.policy_key == "observation.returnee.days"
    assert order.policy.value == 14 and order.policy_version == order.policy.version
    assert order.status == OrderStatus.ACTIVE and order.area_path == person.area_path
    assert list(order.tests.values_list("day", "due_date")) == [
        (7, today + datetime.timedelta(days=7)),
        (14, today + datetime.timedelta(days=14)),
    ]
    person.refresh_from_db()
    assert person.status == "home_observation"
    sc = person.status_history.first()
    assert sc.source == f"observation.ObservationOrder:{order.pk}"
    assert ChangeLog.objects.filter(object_id=str(order.pk), action="create").exists()
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["created", "status"]


def test_order_create_rejects_unknown_type(worker, person):
    with pytest.raises(ValidationError):
        _order(worker, person, order_type="prison")


def test_close_contact_period_follows_policy_in_force(worker, person):
    order = _order(worker, person, order_type="centralized", reason="close_contact")
    assert order.policy_key == "observation.close_contact.days"
    assert order.days_total == 5  # 第九版: 5 days since 2022-06-28
    assert list(order.tests.values_list("day", flat=True)) == [5]  # day 7 and 14 move to the last day


def test_future_start_stays_planned(worker, person):
    start = timezone.localdate() + datetime.timedelta(days=3)
    order = _order(worker, person, start=start)
    assert order.status == OrderStatus.PLANNED
    person.refresh_from_db()
    assert person.status == "normal"
    services.order_activate(actor=worker, order=order)
    person.refresh_from_db()
    assert person.status == "home_observation"


def test_whole_household_moves_every_member(worker, tree):
    a, b = make_person(tree.a.household), make_person(tree.a.household)
    _order(worker, a, whole_household=True)
    assert set(Person.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
        "home_observation"
    }


def test_end_refused_until_ready_then_ends(worker, person):
    order = _order(worker, person, start=timezone.localdate() - datetime.timedelta(days=14))
    with pytest.raises(services.OrderEndBlocked) as exc:
        services.order_end(actor=worker, order=order)
    assert any("day 7" in p or "第7天" in p for p in exc.value.problems) and len(exc.value.problems) == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE
    for t in order.tests.all():
        services.test_result_set(actor=worker, test=t, result="negative")
    order = services.order_end(actor=worker, order=order)
    assert order.status == OrderStatus.ENDED and order.ended_at
    person.refresh_from_db()
    assert person.status == "normal"


def test_end_forced_needs_reason(worker, person):
    from django.utils import translation

    translation.activate("en")
    order = _order(worker, person)
    with pytest.raises(services.OrderEndBlocked):
        services.order_end(actor=worker, order=order, force=True)
    order = services.order_end(actor=worker, order=order, force=True, reason="moved away")
    assert "moved away" in order.end_reason and "not reached" in order.end_reason


def test_extend_records_event(worker, person):
    order = _order(worker, person)
    old = order.planned_end
    order = services.order_extend(actor=worker, order=order, days=3, reason="fever on day 12")
    assert order.status == OrderStatus.EXTENDED and order.planned_end == old + datetime.timedelta(days=3)
    ev = order.events.filter(kind="end_moved").get()
    assert (ev.old_value, ev.new_value, ev.reason) == (str(old), str(order.planned_end), "fever on day 12")


def test_transfer_to_hospital_and_to_other_type(worker, person):
    order = _order(worker, person)
    new = services.order_transfer(
        actor=worker, order=order, destination="order", new_type="centralized", reason="home not suitable"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.TRANSFERRED and new.order_type == "centralized" and new.is_open
    person.refresh_from_db()
    assert person.status == "centralized_observation"
    services.order_transfer(actor=worker, order=new, destination="hospital", reason="chest pain")
    new.refresh_from_db()
    assert new.status == OrderStatus.TRANSFERRED


# ---- policy re-evaluation


def test_preview_counts_and_apply_moves_with_events(worker, tree, make_user):
    orders = [_order(worker, make_person(tree.a.household)) for _ in range(3)]
    other = _order(worker, make_person(tree.b.household), order_type="centralized", reason="close_contact")
    ended = _order(worker, make_person(tree.a.household))
    services.order_end(actor=worker, order=ended, force=True, reason="x")
    now = timezone.now()
    preview = services.policy_change_preview(key="observation.returnee.days", value="10", effective_from=now)
    assert (preview.governed, preview.moved, preview.earlier, preview.later) == (3, 3, 3, 0)
    old_end = orders[0].planned_end
    assert preview.changes == [(old_end, old_end - datetime.timedelta(days=4), 3)]
    assert {o["id"] for o in preview.orders} == {o.pk for o in orders}

    admin = make_user("district_admin", tree.district, is_superuser=True)
    result = policy_change(
        actor=admin, key="observation.returnee.days", value=10, effective_from=now, source="第X版方案"
    )
    assert result.moved == 3
    pol = result.policy
    for o in orders:
        o.refresh_from_db()
        assert o.planned_end == old_end - datetime.timedelta(days=4)
        assert o.policy_id == pol.pk and o.policy_version == pol.version
        ev = o.events.get(kind="end_moved")
        assert ev.old_value == str(old_end) and ev.new_value == str(o.planned_end)
        assert ev.policy_version == pol.version and "第X版方案" in ev.reason and ev.actor == admin
        assert sorted(o.tests.values_list("day", flat=True)) == [7, 10]
    ended.refresh_from_db()
    other.refresh_from_db()
    assert ended.planned_end == old_end and other.days_total == 5
    # A second identical change moves nothing.
    again = services.policy_change_preview(key="observation.returnee.days", value=10)
    assert (again.governed, again.moved) == (3, 0)


def test_area_version_governs_only_its_area_and_overrides_win(worker, tree):
    in_a = _order(worker, make_person(tree.a.household))
    in_b = _order(worker, make_person(tree.b.household))
    now = timezone.now()
    policy_change(
        actor=None,
        key="observation.returnee.days",
        value=7,
        effective_from=now,
        source="社区A",
        area=tree.a.community,
    )
    in_a.refresh_from_db()
    in_b.refresh_from_db()
    assert (in_a.days_total, in_b.days_total) == (7, 14)
    # A city-wide change now leaves community A (its own version wins) alone.
    preview = services.policy_change_preview(key="observation.returnee.days", value=21, effective_from=now)
    assert (preview.governed, preview.moved) == (1, 1)
    # The preview says so: community A keeps its own version and its one open order.
    assert [(s["area"], s["value"], s["governed"]) for s in preview.shadowed] == [(tree.a.community, 7, 1)]


def test_apply_orm_path_matches(worker, tree, monkeypatch):
    from django.db import connection

    order = _order(worker, make_person(tree.a.household))
    monkeypatch.setattr(connection, "vendor", "sqlite")
    res = policy_change(
        actor=None, key="observation.returnee.days", value=12, effective_from=timezone.now(), source="s"
    )
    order.refresh_from_db()
    assert res.moved == 1 and order.days_total == 12
    assert OrderEvent.objects.get(order=order, kind="end_moved").new_value == str(order.planned_end)


# ---- reports and alerts


def test_report_fever_and_symptoms_alert(worker, person):
    order = _order(worker, person)
    services.report_submit(actor=None, order=order, temperature="36.6")
    assert not Alert.objects.exists()
    r = services.report_submit(
        actor=None, order=order, temperature="37.3", symptoms=["cough"], needs=["food"]
    )
    kinds = set(Alert.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == {"fever", "symptoms"} and r.reporter == "resident"
    assert services.needs_handoff(r)[0]["kind"] == "food"
    with pytest.raises(ValidationError):
        services.report_submit(actor=None, order=order, temperature="hot")


def test_alerts_scan_idempotent_and_closed_by_report(worker, tree):
    o1 = _order(worker, make_person(tree.a.household))
    o2 = _order(worker, make_person(tree.a.household))
    services.report_submit(actor=worker, order=o2, temperature="36.5", channel="call")
    morning = timezone.localtime().replace(hour=9, minute=0)
    noon = timezone.localtime().replace(hour=12, minute=5)
    assert services.alerts_scan(at=morning) == 0
    assert services.alerts_scan(at=noon) == 1
    assert services.alerts_scan(at=noon) == 0
    alert = Alert.objects.get(kind="missing_report")
    assert alert.order == o1
    services.report_submit(actor=worker, order=o1, temperature="36.5", channel="call")
    alert.refresh_from_db()
    assert alert.status == "closed"


def test_alert_refer_to_medical(worker, person):
    order = _order(worker, person)
    services.report_submit(actor=None, order=order, temperature="38.2")
    alert = Alert.objects.get()
    services.alert_resolve(actor=worker, alert=alert, action="refer")
    alert.refresh_from_db()
    assert alert.status == "referred" and order.events.filter(reason__contains="38.2").exists()


# ---- care groups, sites, sick leave


def test_care_group_limits(worker, tree, make_user):
    from fangkong.policies.services import policy_add

    g = services.care_group_create(actor=worker, household=tree.a.household)
    policy_add(actor=None, key="care_group.max_members", value=2, effective_from=timezone.now(), source="t")
    services.care_group_member_add(actor=worker, group=g, user=worker, role="community_worker")
    services.care_group_member_add(
        actor=worker, group=g, user=make_user("grid_member", tree.a.grid), role="grid_member"
    )
    with pytest.raises(ValidationError):
        services.care_group_member_add(
            actor=worker, group=g, user=make_user("grid_member", tree.a.grid), role="volunteer"
        )


def test_site_check_in_transfer_discharge(worker, tree, person):
    from fangkong.areas.models import Place

    site = Place.objects.create(area=tree.a.community, kind="observation_site", name="观察点一")
    site2 = Place.objects.create(area=tree.a.community, kind="observation_site", name="观察点二")
    services.room_create(actor=worker, site=site, number="101", capacity=1)
    r2 = services.room_create(
        actor=worker, site=site, number="201", floor=2, capacity=1, features=["network"]
    )
    services.room_create(actor=worker, site=site2, number="1", capacity=1)
    order = _order(
        worker,
        person,
        order_type="centralized",
        reason="close_contact",
        start=timezone.localdate() - datetime.timedelta(days=5),
    )
    stay = services.stay_check_in(actor=worker, order=order, site=site, special_needs=["exam"])
    assert stay.room == r2
    services.order_transfer(actor=worker, order=order, destination="site", site=site2, reason="重新安排")
    stay = order.stays.get(outcome="staying")
    assert stay.site == site2 and stay.special_needs == ["exam"]
    with pytest.raises(services.OrderEndBlocked):
        services.stay_discharge(actor=worker, stay=stay)
    for t in order.tests.all():
        services.test_result_set(actor=worker, test=t, result="negative")
    stay = services.stay_discharge(actor=worker, stay=stay)
    assert stay.certificate_number.startswith("JG") and stay.outcome == "discharged"
    order.refresh_from_db()
    assert order.status == OrderStatus.ENDED


def test_sick_leave_creates_health_monitoring(worker, tree):
    from fangkong.areas.models import Place
    from fangkong.core import crypto

    p = make_person(tree.a.household, phone_hash=crypto.blind_index("13800138000", kind="phone"))
    wp = Place.objects.create(area=tree.a.community, kind="workplace", name="公司")
    rep = services.sick_leave_report(
        actor=worker, workplace=wp, person_name=p.name, phone="138 0013 8000", symptoms=["cough"], days=2
    )
    assert (
        rep.person == p and rep.order.order_type == "health_monitoring" and rep.phone_masked == "138****8000"
    )
    unknown = services.sick_leave_report(
        actor=worker, workplace=wp, person_name="无名", phone="13900000000", days=1
    )
    assert unknown.order is None
    assert ObservationOrder.objects.count() == 1 and RequiredTest.objects.filter(order=rep.order).exists()


def test_sick_leave_of_a_resident_elsewhere_is_referred_not_ordered(worker, tree, make_user):
    """Issue 9.2: a report naming another community's resident writes nothing onto that person; a
    referral (person linked, no order) lands in the person's own community and only there."""
    from fangkong.areas.models import Place
    from fangkong.core import crypto
    from fangkong.observation.models import SickLeaveReport

    other = make_person(tree.b.household, phone_hash=crypto.blind_index("13800138001", kind="phone"))
    wp = Place.objects.create(area=tree.a.community, kind="workplace", name="公司")
    rep = services.sick_leave_report(
        actor=worker, workplace=wp, person_name=other.name, phone="13800138001", days=2
    )
    assert rep.person is None and rep.order is None and rep.area_id == tree.a.community.pk
    assert not ObservationOrder.objects.filter(person=other).exists()
    assert not other.status_history.exists()
    assert [r.pk for r in SickLeaveReport.objects.visible_to(worker)] == [rep.pk]
    b_worker = make_user("community_worker", tree.b.community)
    referral = SickLeaveReport.objects.visible_to(b_worker).get()
    assert referral.person == other and referral.order is None and referral.workplace == wp


def test_missing_report_deadline_follows_the_areas_own_policy(worker, tree, make_user):
    """A community that set a later deadline (its own policy version) is not alerted at the city's."""
    from fangkong.policies import services as policies

    policies.policy_add(
        actor=None,
        key="observation.report.deadline",
        value="14:00",
        effective_from=timezone.now() - datetime.timedelta(days=1),
        area=tree.a.community,
        source="镇国寺社区：下午统一收报",
    )
    in_a = _order(worker, make_person(tree.a.household))
    in_b = _order(make_user("community_worker", tree.b.community), make_person(tree.b.household))
    today = timezone.localtime()
    assert services.alerts_scan(at=today.replace(hour=12, minute=5)) == 1
    alert_b = Alert.objects.get()
    assert alert_b.order_id == in_b.pk and "12:00" in alert_b.message
    assert services.alerts_scan(at=today.replace(hour=14, minute=5)) == 1
    alert_a = Alert.objects.get(order=in_a)
    assert "14:00" in alert_a.message and alert_a.area_path.startswith(tree.a.community.path)
