"""Centralized sites from the community, rooms added from a page, order history in words (issue 10)."""

import pytest

from fangkong.areas.models import Place
from fangkong.observation import services
from fangkong.observation.models import OrderEvent, Room, Stay
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tree):
    # Sites belong to the street and serve its communities.
    return Place.objects.create(
        area=tree.street1,
        area_path=tree.street1.path,
        kind=Place.Kind.OBSERVATION_SITE,
        name="第一集中观察点",
    )


def test_community_worker_checks_in_at_the_street_site(client, tree, make_user, site):
    other = Place.objects.create(
        area=tree.street2,
        area_path=tree.street2.path,
        kind=Place.Kind.OBSERVATION_SITE,
        name="第二集中观察点",
    )
    admin = make_user("district_admin", tree.district)
    services.room_create(actor=admin, site=site, number="101")
    worker = make_user("community_worker", tree.a.community)
    order = services.order_create(
        actor=worker, person=make_person(tree.a.household), order_type="centralized", reason="close_contact"
    )
    client.force_login(worker)
    html = client.get(order.get_absolute_url()).content.decode()
    assert "第一集中观察点" in html and "第二集中观察点" not in html  # another street's site is not offered
    resp = client.post(f"/observation/orders/{order.pk}/checkin/", {"site": site.pk})
    assert resp.status_code == 302
    assert Stay.objects.get(order=order).site == site
    # A site of another street is refused even when posted by hand.
    order2 = services.order_create(
        actor=worker, person=make_person(tree.a.household), order_type="centralized", reason="close_contact"
    )
    client.post(f"/observation/orders/{order2.pk}/checkin/", {"site": other.pk})
    assert not Stay.objects.filter(order=order2).exists()


def test_rooms_are_added_from_the_rooms_page(client, tree, make_user, site):
    user = make_user("street_coordinator", tree.street1)
    client.force_login(user)
    assert "/observation/rooms/add/" in client.get("/observation/rooms/").content.decode()
    resp = client.post(
        "/observation/rooms/add/",
        {"site": site.pk, "number": "201", "floor": 2, "capacity": 2, "network": "on"},
    )
    assert resp.status_code == 302 and resp["Location"] == "/observation/rooms/"
    room = Room.objects.get(site=site, number="201")
    assert (room.floor, room.capacity, room.features) == (2, 2, ["network"])
    again = client.post(
        "/observation/rooms/add/", {"site": site.pk, "number": "201", "floor": 1, "capacity": 1}
    )
    assert again.status_code == 400 and Room.objects.filter(number="201").count() == 1
    assert "该房号已存在" in again.content.decode()
    listing = client.get("/observation/rooms/").content.decode()
    assert "网络" in listing and '"network"' not in listing


def test_order_history_and_policy_in_words(client, tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    order = services.order_create(
        actor=worker, person=make_person(tree.a.household), order_type="home", reason="returnee"
    )
    assert OrderEvent.objects.filter(order=order, new_value="active").exists()
    client.force_login(worker)
    html = client.get(order.get_absolute_url()).content.decode()
    assert "observation.returnee.days" not in html
    assert "返京人员居家观察天数" in html
    assert ">active<" not in html and ">planned<" not in html
