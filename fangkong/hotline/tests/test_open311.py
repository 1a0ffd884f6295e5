"""Open311 GeoReport v2, tested with the standard's own examples (fixtures/open311_examples.json): every
answer has the example's fields with the example's types; the spec's example POST files an order through
the intake service; bad keys, unknown service codes and malformed dates answer in the standard's error
format."""

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from fangkong.hotline.models import Category, Channel, Integration, Status, WorkOrder
from fangkong.hotline.services import integration_create

from .factories import make_order

pytestmark = pytest.mark.django_db

EX = json.loads((Path(__file__).parent / "fixtures" / "open311_examples.json").read_text(encoding="utf-8"))
BASE = "/hotline/open311/v2"
# Fields of a service request the standard marks "may not be returned" (or returned only when known): we
# answer null for them. No coordinates are kept (the address is matched to the area tree instead), no
# zip codes in Beijing's addresses, no media.
OPTIONAL = (
    "status_notes",
    "agency_responsible",
    "service_notice",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


def _like(ours: dict, example: dict, *, nullable=()):
    """Field by field: the example's keys exactly, each value of the example's JSON type (a field the
    standard says "may not be returned" may be null)."""
    assert set(ours) == set(example), set(ours) ^ set(example)
    for key, ex in example.items():
        got = ours[key]
        if ex is None or (got is None and key in nullable):
            continue
        if isinstance(ex, bool):
            assert isinstance(got, bool), key
        elif isinstance(ex, int | float):
            assert isinstance(got, int | float) and not isinstance(got, bool), key
        elif isinstance(ex, str):
            assert isinstance(got, str), key
        elif isinstance(ex, list):
            assert isinstance(got, list), key


def _error(response, code):
    assert response.status_code == code
    body = response.json()
    _like(body[0], EX["error"][0])
    assert body[0]["code"] == code
    return body[0]["description"]


@pytest.fixture
def integration(tree, make_user):
    admin = make_user("district_admin", tree.district)
    return integration_create(actor=admin, name="市级平台", street_id=tree.street1.pk)


def _example_post(key: str, **changes) -> dict:
    data = dict(parse_qsl(EX["post_request"]))
    data["api_key"] = key
    data.update(changes)
    return data


def test_services_and_definitions(client):
    services = client.get(f"{BASE}/services.json").json()
    assert [s["service_code"] for s in services] == list(Category.values)
    for s in services:
        _like(s, EX["services"][0])
        assert s["type"] == "realtime" and s["metadata"] is False
    definition = client.get(f"{BASE}/services/noise.json").json()
    _like(definition, EX["service_definition"])
    assert definition == {"service_code": "noise", "attributes": []}
    assert "DMV66" in _error(client.get(f"{BASE}/services/DMV66.json"), 404)
    _error(client.get(f"{BASE}/services.xml"), 404)  # JSON only


def test_the_spec_example_post_files_an_order(client, tree, integration):
    obj, key = integration
    data = _example_post(key, service_code="sanitation", address_string=tree.a.building.name)
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 200, response.content
    body = response.json()
    _like(body[0], EX["post_response"][0], nullable=("service_notice",))
    order = WorkOrder.objects.get(pk=body[0]["service_request_id"])
    assert (order.channel, order.street, order.category) == (Channel.OPEN311, tree.street1, "sanitation")
    assert order.text == "A large sinkhole is destroying the street"
    assert order.caller_name == "john smith" and order.caller_phone == "111111111"
    assert order.area_path.startswith(tree.street1.path)
    # an address nobody knows: the order waits in the street's triage list
    data = _example_post(key, service_code="noise")  # the spec's own "1234 5th street"
    triage = WorkOrder.objects.get(
        pk=client.post(f"{BASE}/requests.json", data).json()[0]["service_request_id"]
    )
    assert (triage.status, triage.area) == (Status.TRIAGE, tree.street1)


def test_post_errors_in_the_standard_format(client, integration):
    obj, key = integration
    assert _error(client.post(f"{BASE}/requests.json", _example_post("xyz")), 403) == "Invalid api_key"
    before = WorkOrder.objects.count()
    # the spec's example verbatim (service_code 001) with a valid key: not one of our services
    assert "001" in _error(client.post(f"{BASE}/requests.json", _example_post(key)), 400)
    _error(client.post(f"{BASE}/requests.json", _example_post(key, service_code="")), 400)
    bad = _example_post(key, service_code="noise", description="")
    assert _error(client.post(f"{BASE}/requests.json", bad), 400)
    no_place = _example_post(key, service_code="noise", address_string="", lat="", long="")
    _error(client.post(f"{BASE}/requests.json", no_place), 400)
    assert WorkOrder.objects.count() == before
    Integration.objects.filter(pk=obj.pk).update(active=False)
    _error(client.post(f"{BASE}/requests.json", _example_post(key, service_code="noise")), 403)


def test_retried_post_with_an_idempotency_key_files_once(client, tree, integration):
    obj, key = integration
    data = _example_post(key, service_code="noise", address_string=tree.a.building.name)
    first = client.post(f"{BASE}/requests.json", data, headers={"Idempotency-Key": "abc-1"}).json()
    again = client.post(f"{BASE}/requests.json", data, headers={"Idempotency-Key": "abc-1"}).json()
    assert first[0]["service_request_id"] == again[0]["service_request_id"]
    assert WorkOrder.objects.filter(channel=Channel.OPEN311).count() == 1
    _error(client.post(f"{BASE}/requests.json", data, headers={"Idempotency-Key": "x" * 40}), 400)


def test_get_requests_filters_and_shapes(client, tree, integration):
    obj, key = integration
    closed = make_order(
        tree.a.household, status=Status.CLOSED, outcome="resolved", reply="已清理", category="sanitation"
    )
    open_ = make_order(tree.b.household, category="noise")
    other = make_order(tree.c.household, category="noise")  # street 2: never shown to this integration
    url = f"{BASE}/requests.json"
    listed = client.get(url, {"api_key": key}).json()
    assert {r["service_request_id"] for r in listed} == {closed.pk, open_.pk}
    for r in listed:
        _like(r, EX["requests"][0], nullable=OPTIONAL)
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", r["requested_datetime"])
    by_id = {r["service_request_id"]: r for r in listed}
    assert by_id[closed.pk]["status"] == "closed" and by_id[closed.pk]["status_notes"] == "已清理"
    assert by_id[open_.pk]["status"] == "open"
    assert [
        r["service_request_id"] for r in client.get(url, {"api_key": key, "status": "closed"}).json()
    ] == [closed.pk]
    assert [
        r["service_request_id"] for r in client.get(url, {"api_key": key, "service_code": "noise"}).json()
    ] == [open_.pk]
    ids = f"{closed.pk},{other.pk}"
    assert [
        r["service_request_id"] for r in client.get(url, {"api_key": key, "service_request_id": ids}).json()
    ] == [closed.pk]
    assert (
        client.get(
            url, {"api_key": key, "start_date": "2010-05-24T00:00:00Z", "end_date": "2010-06-24T00:00:00Z"}
        ).json()
        == []
    )
    detail = client.get(f"{BASE}/requests/{closed.pk}.json", {"api_key": key}).json()
    assert detail == [by_id[closed.pk]]
    _error(client.get(f"{BASE}/requests/{other.pk}.json", {"api_key": key}), 404)
    _error(client.get(f"{BASE}/requests/{closed.pk}.json"), 403)
    _error(client.get(url, {"api_key": "fk311_00000000_nope"}), 403)
    _error(client.get(url, {"api_key": key, "start_date": "2022-13-45"}), 400)
    _error(client.get(url, {"api_key": key, "end_date": "yesterday"}), 400)
    _error(
        client.get(
            url, {"api_key": key, "start_date": "2010-01-01T00:00:00Z", "end_date": "2010-06-24T00:00:00Z"}
        ),
        400,
    )
    _error(client.get(url, {"api_key": key, "status": "pending"}), 400)
    _error(client.get(url, {"api_key": key, "service_request_id": "1;drop"}), 400)


def test_integration_pages_show_the_key_once_and_revoke(client, tree, make_user):
    admin = make_user("district_admin", tree.district)
    client.force_login(admin)
    assert client.get("/hotline/integrations/add/").status_code == 200
    page = client.post("/hotline/integrations/add/", {"name": "区网格平台", "street": tree.street2.pk})
    assert page.status_code == 200
    key = re.search(r'id="api-key">([^<]+)<', page.content.decode()).group(1)
    obj = Integration.objects.get(name="区网格平台")
    assert obj.area == tree.street2 and key not in obj.key_hash
    listing = client.get("/hotline/integrations/").content.decode()
    assert "区网格平台" in listing and key not in listing
    assert client.get(f"{BASE}/requests.json", {"api_key": key}).status_code == 200
    assert client.post(f"/hotline/integrations/{obj.pk}/revoke/").status_code == 302
    assert client.get(f"{BASE}/requests.json", {"api_key": key}).status_code == 403
    # a street coordinator of street 1 cannot file into street 2, nor revoke its integration
    coordinator = make_user("street_coordinator", tree.street1)
    client.force_login(coordinator)
    bad = client.post("/hotline/integrations/add/", {"name": "x", "street": tree.street2.pk})
    assert bad.status_code == 400 and not Integration.objects.filter(name="x").exists()
    assert client.post(f"/hotline/integrations/{obj.pk}/revoke/").status_code == 404
