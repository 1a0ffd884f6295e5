"""Staff lists feed the investigation: a case's colleagues on the same shift, or in the same dormitory
room, become candidate contacts with that reason (tracing's candidate search, unchanged)."""

import pytest
from django.utils import timezone

from fangkong.core import crypto
from fangkong.core.testing import make_user
from fangkong.people.tests.factories import make_person
from fangkong.tracing import hooks
from fangkong.tracing import services as tracing
from fangkong.tracing.models import Contact
from fangkong.workplaces import services

pytestmark = pytest.mark.django_db


def _staff(workplace, person, **kw):
    return services.staff_add(
        actor=None,
        workplace=workplace,
        name=person.name,
        id_number=crypto.decrypt(person.id_number_enc),
        **kw,
    )


def test_colleagues_become_candidates_with_the_reason(wp, dorm):
    tree = wp.tree
    # The case alone in their household: the others live elsewhere (no household link).
    case_person = make_person(tree.a.household)
    same_shift, other_shift, roommate, elsewhere = (make_person(tree.b.household) for _ in range(4))
    room = services.room_create(
        actor=None, dormitory=dorm.above, number="101", floor_area=30, beds=6, occupants=2
    )
    _staff(wp.factory, case_person, shift="night", room=room)
    _staff(wp.factory, same_shift, shift="night")
    _staff(wp.factory, other_shift, shift="day")
    _staff(wp.factory, roommate, shift="day", room=room)
    _staff(wp.other, elsewhere, shift="night")  # same shift name, another workplace
    found = dict((p.pk, reason) for p, reason in hooks.workplace_colleagues(case_person))
    assert set(found) == {same_shift.pk, roommate.pk}
    assert "镇国寺制衣厂" in found[same_shift.pk]
    assert "1号宿舍 101" in found[roommate.pk]

    investigator = make_user("investigator", tree.district)
    case = tracing.case_open(actor=investigator, person=case_person, sample_date=timezone.localdate())
    tracing.candidates_find(actor=investigator, case=case)
    by_person = {c.person_id: c for c in Contact.objects.filter(case=case)}
    assert by_person[same_shift.pk].kind == "workplace"
    assert by_person[roommate.pk].kind == "workplace"
    assert "镇国寺制衣厂" in by_person[same_shift.pk].reasons()[0]
    assert "101" in by_person[roommate.pk].reasons()[0]
    assert other_shift.pk not in by_person or by_person[other_shift.pk].kind != "workplace"
    assert elsewhere.pk not in by_person


def test_no_staff_list_no_colleagues(tree):
    assert hooks.workplace_colleagues(make_person(tree.a.household)) == []
