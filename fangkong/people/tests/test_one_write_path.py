"""Issue 9: an API edit that also moves a resident is one service in one transaction."""

from fangkong.core.models import ChangeLog
from fangkong.people.models import Person

from .helpers import add_person, bad_check_digit, resident_id


def test_patch_that_moves_and_fails_leaves_the_resident_where_they_were(api, tree, make_user):
    person = add_person(tree.a.household, number=resident_id())
    api.as_user(make_user("district_admin", tree.district))
    logs = ChangeLog.objects.count()
    resp = api.patch(
        f"/api/people/{person.pk}/",
        {"household": tree.b.household.pk, "id_number": bad_check_digit(resident_id())},
        format="json",
    )
    assert resp.status_code == 400 and "id_number" in resp.json()
    assert Person.objects.get(pk=person.pk).area_id == tree.a.household.pk
    assert ChangeLog.objects.count() == logs
    resp = api.patch(
        f"/api/people/{person.pk}/", {"household": tree.b.household.pk, "notes": "搬来"}, format="json"
    )
    assert resp.status_code == 200
    moved = Person.objects.get(pk=person.pk)
    assert (moved.area_id, moved.notes) == (tree.b.household.pk, "搬来")
