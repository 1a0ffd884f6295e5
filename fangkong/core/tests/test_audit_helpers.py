"""core.audit.model_update and record_bulk: the helpers services use instead of hand-built rows."""

import pytest
from django.core.exceptions import ValidationError

from fangkong.areas import services as area_services
from fangkong.areas.models import Place
from fangkong.core.audit import model_update, record_bulk, snapshot
from fangkong.core.models import ChangeLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(tree):
    return area_services.place_create(actor=None, area=tree.a.community, name="东门", kind="gate")


def test_model_update_saves_and_logs_before_and_after(place, tree, make_user):
    actor = make_user("district_admin", tree.district)
    updated, changed = model_update(place, {"name": "西门"}, actor=actor, message="renamed")
    assert changed and Place.objects.get(pk=place.pk).name == "西门"
    log = ChangeLog.objects.filter(object_id=str(place.pk), action="update").get()
    assert (log.before["name"], log.after["name"], log.user, log.message) == (
        "东门",
        "西门",
        actor,
        "renamed",
    )
    assert log.area_path == tree.a.community.path


def test_model_update_without_change_writes_nothing(place):
    logs = ChangeLog.objects.count()
    _obj, changed = model_update(place, {"name": "东门"}, actor=None)
    assert not changed and ChangeLog.objects.count() == logs


def test_model_update_validates_before_saving(place):
    with pytest.raises(ValidationError):
        model_update(place, {"name": ""}, actor=None, validate=True)
    assert Place.objects.get(pk=place.pk).name == "东门"


def test_record_bulk_one_row_per_object(tree):
    places = [
        area_services.place_create(actor=None, area=tree.a.community, name=f"门{i}", kind="gate")
        for i in range(3)
    ]
    befores = {p.pk: snapshot(p) for p in places}
    Place.objects.filter(pk__in=[p.pk for p in places]).update(active=False)
    for p in places:
        p.refresh_from_db()
    rows = record_bulk(places, ChangeLog.Action.UPDATE, actor=None, befores=befores, message="bulk")
    assert len(rows) == 3
    stored = ChangeLog.objects.filter(message="bulk").order_by("object_id")
    assert [(r.before["active"], r.after["active"]) for r in stored] == [(True, False)] * 3
    assert {r.object_id for r in stored} == {str(p.pk) for p in places}
    assert record_bulk([], ChangeLog.Action.UPDATE) == []


def test_record_bulk_copies_many_rows_with_their_json(tree):
    from fangkong.core import audit

    n = audit.COPY_AT + 5
    places = Place.objects.bulk_create(
        [
            Place(area=tree.a.community, area_path=tree.a.community.path, name=f"岗{i}", kind="gate")
            for i in range(n)
        ]
    )
    befores = {p.pk: {"name": f"旧{p.pk}"} for p in places}
    record_bulk(
        places, ChangeLog.Action.UPDATE, actor=None, befores=befores, message="copied", params={"n": n}
    )
    stored = list(ChangeLog.objects.filter(message="copied"))
    assert len(stored) == n
    assert {r.object_id for r in stored} == {str(p.pk) for p in places}
    one = next(r for r in stored if r.object_id == str(places[0].pk))
    assert one.before == {"name": f"旧{places[0].pk}"} and one.params == {"n": n}
    assert one.area_path == tree.a.community.path and one.time is not None
