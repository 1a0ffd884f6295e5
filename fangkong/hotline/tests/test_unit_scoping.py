"""A department's members see the orders dispatched to their unit and nothing else (models.py)."""

import pytest
from django.utils import timezone

from fangkong.hotline.models import Dispatch, HandlingEntry, Unit, WorkOrder

from .factories import make_dispatch, make_entry, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(tree, make_user):
    unit = Unit.objects.create(area=tree.district, name="区人力社保局", kind=Unit.Kind.DEPARTMENT)
    clerk = make_user("hotline_department", tree.district)
    unit.members.add(clerk)
    return unit, clerk


def test_department_sees_only_its_live_dispatches(tree, department):
    unit, clerk = department
    mine = make_order(tree.a.household)
    other = make_order(tree.a.household)
    make_dispatch(tree.a.household, order=mine, unit=unit)
    returned = make_order(tree.c.household)
    make_dispatch(tree.c.household, order=returned, unit=unit, returned_at=timezone.now(), lead=False)
    make_entry(tree.a.household)
    HandlingEntry.objects.create(area=mine.area, order=mine, kind="call", text="联系")

    visible = set(WorkOrder.objects.visible_to(clerk).values_list("pk", flat=True))
    assert visible == {mine.pk}
    assert other.pk not in visible
    assert set(Dispatch.objects.visible_to(clerk).values_list("order_id", flat=True)) == {mine.pk}
    assert set(HandlingEntry.objects.visible_to(clerk).values_list("order_id", flat=True)) == {mine.pk}


def test_non_member_of_the_unit_sees_nothing(tree, department, make_user):
    unit, _clerk = department
    stranger = make_user("hotline_department", tree.district)
    order = make_order(tree.a.household)
    make_dispatch(tree.a.household, order=order, unit=unit)
    assert not WorkOrder.objects.visible_to(stranger).exists()


def test_community_worker_scoped_by_path(tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    a = make_order(tree.a.household)
    b = make_order(tree.b.household)
    visible = set(WorkOrder.objects.visible_to(worker).values_list("pk", flat=True))
    assert a.pk in visible and b.pk not in visible


def test_city_number_once_per_channel(tree):
    from django.db import IntegrityError, transaction

    make_order(tree.a.household, city_number="X1")
    make_order(tree.a.household, city_number="X1", channel="online")  # another channel: fine
    make_order(tree.a.household, city_number="")
    make_order(tree.a.household, city_number="")  # no number: no constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        make_order(tree.a.household, city_number="X1")
