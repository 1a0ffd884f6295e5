"""A task without a named owner belongs to its creator's own scope, not to the area the briefing covers;
the service enforces the owner's jurisdiction for the page, the API and anyone else."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.briefing import services
from fangkong.briefing.models import Item
from fangkong.briefing.tests.test_views import _order

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_briefing(tree):
    _order(tree.a.household)
    _order(tree.c.household)
    briefing = services.briefing_generate(actor=None, date=timezone.localdate())
    assert briefing.area == tree.district
    return briefing


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=1)


def test_service_defaults_the_owner_to_the_creators_street(tree, make_user, district_briefing):
    coordinator = make_user("street_coordinator", tree.street2)
    item = services.item_add(
        actor=coordinator, briefing=district_briefing, kind="task", text="核查角门东里", deadline=_deadline()
    )
    assert item.area == tree.street2 and item.area_path == tree.street2.path
    # The district's own staff still own the district's tasks.
    admin = make_user("leadership_viewer", tree.district)
    item = services.item_add(actor=admin, briefing=district_briefing, kind="decision", text="全区会商")
    assert item.area == tree.district


def test_service_refuses_an_owner_outside_the_creators_jurisdiction(tree, make_user, district_briefing):
    coordinator = make_user("street_coordinator", tree.street2)
    for area in (tree.street1, tree.district, tree.a.community):
        with pytest.raises(ValidationError) as err:
            services.item_add(
                actor=coordinator,
                briefing=district_briefing,
                kind="task",
                text="越权",
                area=area,
                deadline=_deadline(),
            )
        assert "area" in err.value.message_dict
    assert not Item.objects.exists()


def test_api_task_without_owner_goes_to_the_creators_street(api, tree, make_user, district_briefing):
    api.as_user(make_user("street_coordinator", tree.street2))
    resp = api.post(
        "/api/briefing/items/",
        {
            "briefing": district_briefing.pk,
            "kind": "task",
            "text": "核查角门东里",
            "deadline": _deadline().isoformat(),
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["area"] == tree.street2.pk
    assert Item.objects.get().area == tree.street2


def test_page_task_without_owner_goes_to_the_creators_street(client, tree, make_user, district_briefing):
    client.force_login(make_user("street_coordinator", tree.street2))
    client.post(
        f"/briefing/{district_briefing.pk}/items/add/",
        {"kind": "task", "text": "核查角门东里", "deadline": _deadline().isoformat()},
    )
    assert Item.objects.get().area == tree.street2
