"""Issues 9 and 10: one policy-change flow (preview by area, then confirm) for /policies/, the
observation page, the API and the admin; the system-wide rule in the service."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.observation import services as observation
from fangkong.observation.models import ObservationOrder, OrderEvent
from fangkong.people.tests.factories import make_person
from fangkong.policies import services
from fangkong.policies.models import Policy

KEY = "observation.returnee.days"


@pytest.fixture
def orders(tree):
    """Two open 14-day returnee orders: one in community A (street 1), one in community C (street 2)."""
    return [
        observation.order_create(
            actor=None, person=make_person(branch.household), order_type="home", reason="returnee"
        )
        for branch in (tree.a, tree.c)
    ]


@pytest.fixture
def district_admin(tree, make_user):
    return make_user("district_admin", tree.district)


@pytest.fixture
def superuser(tree, make_user):
    return make_user("district_admin", tree.district, is_superuser=True)


def _days(order) -> int:
    order.refresh_from_db()
    return order.days_total


def _form(**extra):
    return {
        "value": "10",
        # A minute ahead: versions the test saved "now" are in force by then (the field drops seconds).
        "effective_from": (timezone.localtime() + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
        "source": "区指挥部通知",
        **extra,
    }


# ---- the rule lives in the service


def test_service_refuses_system_wide_version_to_a_district_admin(district_admin, orders):
    before = Policy.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.policy_change(
            actor=district_admin, key=KEY, value=10, effective_from=timezone.now(), source="x"
        )
    assert "area" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.policy_change_preview(actor=district_admin, key=KEY, value=10)
    assert Policy.objects.count() == before and _days(orders[0]) == 14


def test_service_refuses_an_area_outside_the_jurisdiction(tree, make_user, orders):
    street_admin = make_user("district_admin", tree.street1)
    with pytest.raises(ValidationError) as exc:
        services.policy_change(
            actor=street_admin,
            key=KEY,
            value=10,
            effective_from=timezone.now(),
            area=tree.street2,
            source="x",
        )
    assert "area" in exc.value.message_dict and _days(orders[1]) == 14


def test_policy_add_re_evaluates_too(superuser, orders):
    """Every caller of the service moves the orders (the hook used to have no caller)."""
    services.policy_add(actor=superuser, key=KEY, value=9, effective_from=timezone.now(), source="s")
    assert [_days(o) for o in orders] == [9, 9]
    assert OrderEvent.objects.filter(kind="end_moved").count() == 2


def test_failure_in_re_evaluation_leaves_no_version(superuser, orders, monkeypatch):
    def boom(**kw):
        raise RuntimeError("re-evaluation failed")

    monkeypatch.setattr(observation, "orders_reevaluate", boom)
    before = Policy.objects.count()
    with pytest.raises(RuntimeError):
        services.policy_change(actor=superuser, key=KEY, value=9, effective_from=timezone.now(), source="s")
    assert Policy.objects.count() == before and _days(orders[0]) == 14


def test_preview_by_area_shows_the_shadowing_area_version(tree, superuser, district_admin, orders):
    """Issue 10: a street version shadows the city one; the city-wide preview says where and why."""
    services.policy_change(
        actor=district_admin, key=KEY, value=7, effective_from=timezone.now(), area=tree.street1, source="s1"
    )
    assert [_days(o) for o in orders] == [7, 14]
    preview = services.policy_change_preview(actor=superuser, key=KEY, value=10)
    ((gov, p),) = preview.governed
    assert gov.name == "observation" and (p.governed, p.moved) == (1, 1)
    assert [(r["area"], r["moved"]) for r in p.by_area] == [(tree.district, 1)]
    assert [(s["area"], s["value"], s["governed"]) for s in p.shadowed] == [(tree.street1, 7, 1)]
    # Previewing the street itself finds its order.
    street = services.policy_change_preview(actor=district_admin, key=KEY, value=10, area=tree.street1)
    assert street.moved == 1 and street.current.value == 7


# ---- /policies/ page


def test_policies_page_previews_then_moves_open_orders(client, tree, district_admin, orders):
    client.force_login(district_admin)
    url = f"/policies/{KEY}/"
    resp = client.post(url, {**_form(area=tree.district.pk), "action": "preview"})
    html = resp.content.decode()
    assert resp.status_code == 200 and "卢沟桥街道" in html and "马家堡街道" in html
    assert resp.context["preview"].moved == 2 and [_days(o) for o in orders] == [14, 14]
    resp = client.post(url, {**_form(area=tree.district.pk), "action": "apply"})
    assert resp.status_code == 302
    assert [_days(o) for o in orders] == [10, 10]


def test_policies_page_area_is_optional_and_the_service_says_who_may_leave_it_empty(
    client, district_admin, superuser, orders
):
    client.force_login(district_admin)
    page = client.get(f"/policies/{KEY}/")
    assert page.context["form"].fields["area"].required is False
    resp = client.post(f"/policies/{KEY}/", {**_form(), "action": "apply"})
    assert resp.status_code == 400 and "只有系统管理员" in resp.content.decode()
    assert _days(orders[0]) == 14
    client.force_login(superuser)
    resp = client.post(f"/policies/{KEY}/", {**_form(), "action": "apply"})
    assert resp.status_code == 302
    assert Policy.objects.filter(definition__key=KEY, area_path="", value=10).exists()
    assert [_days(o) for o in orders] == [10, 10]


# ---- API


def test_api_preview_saves_nothing_and_create_re_evaluates(api, tree, district_admin, orders):
    api.as_user(district_admin)
    body = {"key": KEY, "value": 10, "area": tree.street1.pk, "source": "api"}
    before = Policy.objects.count()
    preview = api.post("/api/policies/preview/", body, format="json")
    assert preview.status_code == 200, preview.content
    data = preview.json()
    assert data["moved"] == 1 and data["governed"][0]["by_area"][0]["area"] == tree.a.community.pk
    assert Policy.objects.count() == before and _days(orders[0]) == 14
    created = api.post(
        "/api/policies/", {**body, "effective_from": timezone.now().isoformat()}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["moved"] == 1 and created.json()["queued"] is False
    assert [_days(o) for o in orders] == [10, 14]


def test_api_system_wide_needs_a_superuser(api, district_admin, orders):
    api.as_user(district_admin)
    body = {"key": KEY, "value": 10, "source": "api", "effective_from": timezone.now().isoformat()}
    for url in ("/api/policies/", "/api/policies/preview/"):
        resp = api.post(url, body, format="json")
        assert resp.status_code == 400 and "area" in resp.json()
    assert _days(orders[0]) == 14


def test_api_preview_bad_value_is_400(api, tree, district_admin):
    api.as_user(district_admin)
    resp = api.post(
        "/api/policies/preview/", {"key": KEY, "value": "十四", "area": tree.street1.pk}, format="json"
    )
    assert resp.status_code == 400 and "value" in resp.json()


# ---- observation page: the same flow, with an area field


def test_observation_page_has_the_area_and_shadowing(client, tree, superuser, district_admin, orders):
    services.policy_change(
        actor=district_admin, key=KEY, value=7, effective_from=timezone.now(), area=tree.street1, source="s1"
    )
    client.force_login(superuser)
    data = {**_form(key=KEY), "action": "preview"}
    resp = client.post("/observation/policy/", data)
    html = resp.content.decode()
    assert 'name="area"' in html and 'id="preview-shadowed"' in html and "卢沟桥街道" in html
    client.post("/observation/policy/", {**data, "area": tree.street1.pk, "action": "apply"})
    assert [_days(o) for o in orders] == [10, 14]


# ---- admin: no writes around the service


def test_admin_cannot_write_policies_roles_or_scopes(client, superuser, tree):
    from fangkong.accounts.models import Role

    client.force_login(superuser)
    pol = Policy.objects.filter(definition__key=KEY).first()
    assert client.get("/admin/policies/policy/add/").status_code == 403
    before = Policy.objects.count()
    client.post(
        "/admin/policies/policy/add/",
        {"definition": pol.definition_id, "value": "3", "effective_from_0": "2020-01-01", "version": 9},
    )
    assert Policy.objects.count() == before
    assert client.post(f"/admin/policies/policy/{pol.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Policy.objects.filter(pk=pol.pk).exists()
    role = Role.objects.get(code="community_worker")
    perms = set(role.permissions.values_list("pk", flat=True))
    resp = client.post(f"/admin/accounts/role/{role.pk}/change/", {"code": "x", "permissions": []})
    assert resp.status_code == 403
    assert set(role.permissions.values_list("pk", flat=True)) == perms
    # The user page shows scopes but offers no way to add or edit them there.
    page = client.get(f"/admin/accounts/user/{superuser.pk}/change/").content.decode()
    assert "丰台区" in page and not re.search(r'name="[\w-]+-\d+-area"', page)


def test_orders_moved_record_why(superuser, orders):
    result = services.policy_change(
        actor=superuser, key=KEY, value=12, effective_from=timezone.now(), source="第十版"
    )
    ev = OrderEvent.objects.filter(order=orders[0], kind="end_moved").get()
    assert ev.policy_id == result.policy.pk and "第十版" in ev.reason
    assert ObservationOrder.objects.get(pk=orders[0].pk).planned_end == orders[0].start + datetime.timedelta(
        days=12
    )
