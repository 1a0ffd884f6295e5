import datetime
import uuid

import pytest
from django.utils import timezone

from fangkong.areas import services as area_services
from fangkong.people.tests.factories import make_person


@pytest.fixture
def investigator(tree, make_user):
    return make_user("investigator", tree.street1)


def scan(person, place, at, **extra):
    from fangkong.gates.models import ScanEvent

    return ScanEvent.objects.create(
        client_id=uuid.uuid4(),
        place=place,
        area=place.area,
        area_path=place.area_path,
        person=person,
        verdict="allow",
        scanned_at=at,
        received_at=at,
        **extra,
    )


@pytest.fixture
def outbreak(tree):
    """A case in community A; a neighbour in the same household; two people at the same gate within the
    window (one in community B); one at the gate but too far apart in time; one at another gate."""
    gate = area_services.place_create(actor=None, area=tree.a.community, name="镇国寺东门", kind="gate")
    other_gate = area_services.place_create(actor=None, area=tree.a.community, name="镇国寺西门", kind="gate")
    case_person = make_person(tree.a.household, name="王一")
    neighbour = make_person(tree.a.household, name="王二")
    h102 = area_services.area_create(actor=None, parent=tree.a.entrance, name="102室", level="household")
    near1 = make_person(h102, name="周七")
    near2 = make_person(tree.b.household, name="赵四")
    far = make_person(h102, name="钱五")
    elsewhere = make_person(h102, name="孙六")
    t = timezone.now() - datetime.timedelta(days=1)
    t = t.replace(hour=10, minute=0, second=0, microsecond=0)
    scan(case_person, gate, t)
    scan(case_person, gate, t - datetime.timedelta(days=2))
    scan(near1, gate, t + datetime.timedelta(minutes=5))
    scan(near2, gate, t - datetime.timedelta(minutes=12))
    scan(far, gate, t + datetime.timedelta(minutes=50))
    scan(elsewhere, other_gate, t)
    return {
        "gate": gate,
        "case_person": case_person,
        "neighbour": neighbour,
        "near1": near1,
        "near2": near2,
        "far": far,
        "elsewhere": elsewhere,
        "t": t,
    }
