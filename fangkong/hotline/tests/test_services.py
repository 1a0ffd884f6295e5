"""The work order's flows through the services, and the bad input the issue names."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.models import ChangeLog
from fangkong.hotline import hooks, services
from fangkong.hotline.models import Dispatch, HandlingEntry, Status, WorkOrder

pytestmark = pytest.mark.django_db


def _order(hl, tree, **kw):
    fields = {
        "actor": hl.street,
        "channel": "phone",
        "text": "小区门口垃圾三天没人清运",
        "category": "sanitation",
        "address": "卢沟桥街道镇国寺社区1号楼",
        "within": tree.street1,
        **kw,
    }
    return services.order_create(**fields)


def test_confident_address_sets_the_community_building(hl, tree):
    order = _order(hl, tree)
    assert order.status == Status.TO_DISPATCH
    assert order.area == tree.a.building  # 镇国寺社区 + its 1号楼
    assert order.street == tree.street1
    assert order.response_due == order.received_at + datetime.timedelta(hours=24)
    assert order.resolve_due == order.received_at + datetime.timedelta(days=7)
    assert ChangeLog.objects.filter(object_id=str(order.pk), content_type__model="workorder").exists()


def test_homophone_matches_by_pinyin(hl, tree):
    order = _order(hl, tree, address="镇国四社区门口")  # 寺 → 四: same pinyin
    assert order.area == tree.a.community
    assert order.match_score == 95


def test_unknown_address_lands_in_the_streets_triage(hl, tree):
    order = _order(hl, tree, address="某某大院东门")
    assert order.status == Status.TRIAGE
    assert order.area == tree.street1
    # the community worker does not see the street's triage; the street does
    assert not WorkOrder.objects.visible_to(hl.worker_a).filter(pk=order.pk).exists()
    services.order_match(actor=hl.street, order=order, area=tree.b.community)
    order.refresh_from_db()
    assert order.status == Status.TO_DISPATCH and order.area == tree.b.community
    assert WorkOrder.objects.visible_to(hl.worker_b).filter(pk=order.pk).exists()


def test_match_outside_the_street_is_unknown_area(hl, tree):
    order = _order(hl, tree, address="某某大院东门")
    with pytest.raises(ValidationError) as exc:
        services.order_match(actor=hl.street, order=order, area=tree.c.community)  # street 2
    assert "Unknown area." in str(exc.value) or "未知" in str(exc.value)
    order.refresh_from_db()
    assert order.status == Status.TRIAGE


def test_order_for_an_area_outside_the_street_is_refused(hl, tree):
    with pytest.raises(ValidationError):
        _order(hl, tree, area=tree.c.community, within=None)
    assert not WorkOrder.objects.exists()


def test_duplicate_city_number_is_idempotent(hl, tree):
    a = _order(hl, tree, channel="city_dispatch", city_number="2020061300001")
    b = _order(hl, tree, channel="city_dispatch", city_number="2020061300001", text="another text")
    assert a.pk == b.pk
    assert WorkOrder.objects.count() == 1


def test_dispatch_return_redispatch_joint(hl, tree):
    order = _order(hl, tree)
    services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_a, co_units=[hl.dept])
    assert Dispatch.objects.filter(order=order, returned_at=None, withdrawn_at=None).count() == 2
    assert WorkOrder.objects.visible_to(hl.clerk).filter(pk=order.pk).exists()  # co-handling department
    # a unit of another street is unknown
    with pytest.raises(ValidationError):
        services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_c)
    # the lead returns it with a reason: back to the street, the department's part ends too
    lead = Dispatch.objects.get(order=order, lead=True, returned_at=None)
    with pytest.raises(ValidationError):
        services.dispatch_return(actor=hl.worker_a, dispatch=lead, reason="  ")
    services.dispatch_return(actor=hl.worker_a, dispatch=lead, reason="不属于本社区")
    order.refresh_from_db()
    assert order.status == Status.TO_DISPATCH
    assert not WorkOrder.objects.visible_to(hl.clerk).filter(pk=order.pk).exists()
    # another community's worker cannot return a dispatch that is not theirs
    services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_b)
    d = Dispatch.objects.get(order=order, returned_at=None, withdrawn_at=None)
    with pytest.raises(ValidationError):
        services.dispatch_return(actor=hl.worker_a, dispatch=d, reason="x")
    # re-dispatch withdraws the live one
    services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_a, handler=hl.worker_a)
    live = Dispatch.objects.get(order=order, returned_at=None, withdrawn_at=None)
    assert live.unit == hl.unit_a and live.handler == hl.worker_a


def test_handle_close_rate_reopen(hl, tree):
    order = _order(hl, tree)
    services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_a)
    services.order_respond(actor=hl.worker_a, order=order, kind="call", text="已联系来电人，约定下午上门")
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS and order.first_response_at is not None
    # closing without a reply is refused, nothing changes
    with pytest.raises(ValidationError) as exc:
        services.order_close(actor=hl.worker_a, order=order, outcome="resolved")
    assert "reply" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.order_close(actor=hl.worker_a, order=order, outcome="not_resolvable", reply="无法解决")
    assert "outcome_reason" in exc.value.message_dict
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS
    # a rating on an open order is refused
    with pytest.raises(ValidationError) as exc:
        services.order_rate(actor=hl.operator, order=order, rating="satisfied")
    order.refresh_from_db()
    assert order.rating == ""
    services.order_close(actor=hl.worker_a, order=order, outcome="resolved", reply="垃圾已清运，已告知来电人")
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.closed_at and order.reply
    services.order_rate(actor=hl.operator, order=order, rating="dissatisfied", note="只清了一半")
    services.order_rate(actor=hl.operator, order=order, rating="dissatisfied")  # a retry: no-op
    with pytest.raises(ValidationError):
        services.order_rate(actor=hl.operator, order=order, rating="satisfied")
    services.order_reopen(actor=hl.street, order=order, reason="来电人不满意，重新派单")
    order.refresh_from_db()
    assert order.status == Status.REOPENED and order.reopen_count == 1 and order.rating == "dissatisfied"


def test_rating_by_token_only_when_closed(hl, tree):
    order = _order(hl, tree)
    with pytest.raises(ValidationError):
        services.order_rate_by_token(token=order.callback_token, rating="satisfied")
    with pytest.raises(ValidationError):
        services.order_rate_by_token(token="nope", rating="satisfied")


def test_pause_only_while_waiting_for_the_caller(hl, tree):
    order = _order(hl, tree)
    services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_a)
    services.order_pause(actor=hl.worker_a, order=order, reason="等待来电人提供照片")
    order.refresh_from_db()
    assert order.status == Status.WAITING_CALLER and order.paused_since
    due = order.resolve_due
    WorkOrder.objects.filter(pk=order.pk).update(paused_since=timezone.now() - datetime.timedelta(hours=5))
    services.order_resume(actor=hl.worker_a, order=order)
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS and order.paused_since is None
    assert order.paused_seconds >= 5 * 3600
    assert order.resolve_due - due >= datetime.timedelta(hours=5)
    with pytest.raises(ValidationError):  # resume twice
        services.order_resume(actor=hl.worker_a, order=order)


def test_escalation_once_per_missed_deadline(hl, tree):
    order = _order(hl, tree)
    later = timezone.now() + datetime.timedelta(days=8)
    assert services.overdue_escalate(now=later) == 2  # response and resolution
    assert services.overdue_escalate(now=later) == 0
    assert HandlingEntry.objects.filter(order=order, kind="escalation").count() == 2
    order.refresh_from_db()
    assert order.escalated_at is not None


def test_department_cannot_act_on_others_orders(hl, tree):
    order = _order(hl, tree)
    services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_a)
    with pytest.raises(ValidationError) as exc:
        services.order_respond(actor=hl.clerk, order=order, kind="call", text="x")
    assert exc.value.messages == ["Unknown work order."] or "工单" in exc.value.messages[0]


def test_hooks_see_every_transition(hl, tree):
    seen = []

    def spy(order, *, event, old, new, at):
        seen.append(event)

    hooks.register(spy)
    try:
        order = _order(hl, tree)
        services.order_dispatch(actor=hl.street, order=order, unit=hl.unit_a)
        services.order_close(actor=hl.worker_a, order=order, outcome="explained", reply="已解释政策")
        services.order_rate(actor=hl.operator, order=order, rating="satisfied")
    finally:
        hooks.HOOKS.remove(spy)
    assert seen == ["created", "dispatched", "closed", "rated"]
