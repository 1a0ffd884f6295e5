import pytest

from fangkong.core.testing import make_user


@pytest.fixture
def wp(tree):
    """A street coordinator of street 1, a community worker of community C (street 2), a workplace in
    community A with its contact user, and another workplace in community B (same street)."""
    from fangkong.workplaces import services

    street = make_user("street_coordinator", tree.street1, username="street1")
    other_street = make_user("street_coordinator", tree.street2, username="street2")
    contact = make_user("workplace_contact", tree.street1, username="contact1")
    factory = services.workplace_create(
        actor=street,
        area=tree.a.community,
        name="镇国寺制衣厂",
        type="factory",
        staff_count=40,
        dense=True,
        safety_contact_name="冯雪",
        safety_contact_phone="13900000001",
        address="镇国寺北街1号",
    )
    services.workplace_update(actor=street, workplace=factory, safety_contact_user=contact)
    factory.refresh_from_db()
    other = services.workplace_create(
        actor=street,
        area=tree.b.community,
        name="宛平城超市",
        type="supermarket",
        staff_count=12,
    )
    return type(
        "WP",
        (),
        {
            "street": street,
            "other_street": other_street,
            "contact": contact,
            "factory": factory,
            "other": other,
            "tree": tree,
        },
    )


@pytest.fixture
def dorm(wp):
    from fangkong.workplaces import services

    above = services.dormitory_create(actor=wp.street, workplace=wp.factory, name="1号宿舍")
    below = services.dormitory_create(
        actor=wp.street, workplace=wp.factory, name="地下宿舍", underground=True
    )
    return type("D", (), {"above": above, "below": below})
