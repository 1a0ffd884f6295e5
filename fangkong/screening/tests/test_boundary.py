"""Issue 18, writes cross no boundary: a box, a sample and a seal check site and jurisdiction in the
service; an id outside the writer's scope answers exactly like a missing one (same message, same status);
outside their jurisdiction the lane learns only what it needs. Over real HTTP (DRF with a token, the
Django client) and on the services."""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError

from fangkong.people.tests.factories import make_person
from fangkong.screening import services
from fangkong.screening.models import Box, Sample, TargetPerson, Tube

from .helpers import campaign, item, people, site

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(tree, make_user):
    """A campaign over the street: a site in community A and one in community B, people in both; a
    closed and an open tube at B's site; a lane worker of A."""
    pa = people(tree, 3)
    pb = [make_person(tree.b.household) for _i in range(3)]
    c = campaign(tree, area=tree.street1)
    site_a = site(c, tree, name="镇国寺采样点")
    site_b = services.site_create(
        actor=None,
        campaign=c,
        name="宛平城采样点",
        area=tree.b.community,
        latitude="39.852",
        longitude="116.282",
    )
    services.sample_batch_record(
        actor=None,
        site=site_b,
        items=[item(pb[0], "BBBB000001", close=True), item(pb[1], "BBBB000002")],
    )
    worker = make_user("medical_staff", tree.a.community)
    return c, site_a, site_b, pa, pb, worker


def _errors(resp) -> str:
    return json.dumps(resp.json(), ensure_ascii=False, sort_keys=True)


def test_a_box_takes_only_its_own_sites_tubes(api, client, two):
    c, site_a, site_b, pa, pb, worker = two
    api.as_user(worker)
    theirs = api.post(
        "/api/screening/boxes/", {"site": site_a.pk, "code": "BOXA1", "tubes": ["BBBB000001"]}, format="json"
    )
    missing = api.post(
        "/api/screening/boxes/", {"site": site_a.pk, "code": "BOXA1", "tubes": ["NONE000001"]}, format="json"
    )
    # Exactly like an unknown barcode: same status, same message (but for the barcode typed).
    assert theirs.status_code == missing.status_code == 400
    assert _errors(theirs).replace("BBBB000001", "X") == _errors(missing).replace("NONE000001", "X")
    tube = Tube.objects.get(barcode="BBBB000001")
    assert tube.box_id is None and tube.state == Tube.State.CLOSED and not Box.objects.exists()
    # The page says the same and seals nothing.
    client.force_login(worker)
    page = client.post(
        "/screening/boxes/add/", {"site": site_a.pk, "code": "BOXA1", "tubes": "BBBB000001", "lab": "丰台"}
    )
    assert page.status_code == 400 and "BBBB000001" in page.content.decode()
    assert not Box.objects.exists()
    # The service itself: a site outside the writer's jurisdiction is an unknown site.
    with pytest.raises(ValidationError) as exc:
        services.box_seal(actor=worker, site=site_b, code="BOXB1", barcodes=["BBBB000001"])
    assert "site" in exc.value.message_dict and not Box.objects.exists()


def test_a_sample_goes_only_into_its_own_sites_tube(api, two):
    c, site_a, site_b, pa, pb, worker = two
    api.as_user(worker)
    r = api.post("/api/screening/samples/", {**item(pa[0], "BBBB000002"), "site": site_a.pk}, format="json")
    assert r.status_code == 400 and r.json()["status"] == "invalid" and "tube" in r.json()["errors"]
    assert "宛平城" not in r.content.decode()
    assert Tube.objects.get(barcode="BBBB000002").count == 1
    assert not Sample.objects.filter(person=pa[0]).exists()
    # A site outside the writer's jurisdiction answers like an unknown site.
    r = api.post("/api/screening/samples/", {**item(pa[0], "AAAA000001"), "site": site_b.pk}, format="json")
    gone = api.post("/api/screening/samples/", {**item(pa[0], "AAAA000001"), "site": 99999999}, format="json")
    assert r.status_code == gone.status_code == 400
    assert r.json()["errors"] == gone.json()["errors"]
    # The service refuses it too (not only the API's scoped lookup).
    [res] = services.sample_batch_record(actor=worker, site=site_b, items=[item(pa[0], "AAAA000001")])
    assert res.status == "invalid" and "site" in res.errors
    # Into a tube of its own site: fine.
    r = api.post("/api/screening/samples/", {**item(pa[0], "AAAA000001"), "site": site_a.pk}, format="json")
    assert r.status_code == 201, r.content


def test_a_person_id_outside_the_jurisdiction_answers_like_a_missing_one(api, client, two):
    c, site_a, site_b, pa, pb, worker = two
    api.as_user(worker)
    sampled = api.post(
        "/api/screening/samples/", {**item(pb[0], "AAAA000009"), "site": site_a.pk}, format="json"
    )
    unsampled = api.post(
        "/api/screening/samples/", {**item(pb[2], "AAAA000009"), "site": site_a.pk}, format="json"
    )
    missing = api.post(
        "/api/screening/samples/",
        {"client_id": str(uuid.uuid4()), "person": 99999999, "tube": "AAAA000009", "site": site_a.pk},
        format="json",
    )
    assert sampled.status_code == unsampled.status_code == missing.status_code == 400
    assert sampled.json()["errors"] == unsampled.json()["errors"] == missing.json()["errors"]
    body = sampled.content.decode()
    assert pb[0].name not in body and "BBBB000001" not in body
    assert not Sample.objects.filter(person=pb[2]).exists()
    # The resident in front of the lane (their code) is sampled; the answer does not name them.
    t2 = TargetPerson.objects.get(campaign=c, person=pb[2])
    code = services.resident_token(t2)
    r = api.post(
        "/api/screening/samples/",
        {"client_id": str(uuid.uuid4()), "code": code, "tube": "AAAA000009", "site": site_a.pk},
        format="json",
    )
    assert r.status_code == 201 and r.json()["name"] == "", r.content
    # Their code again: already sampled, and nothing more (no name, time or tube).
    t0 = TargetPerson.objects.get(campaign=c, person=pb[0])
    r = api.post(
        "/api/screening/samples/",
        {
            "client_id": str(uuid.uuid4()),
            "code": services.resident_token(t0),
            "tube": "AAAA000010",
            "site": site_a.pk,
        },
        format="json",
    )
    assert r.status_code == 400
    assert pb[0].name not in r.content.decode() and "BBBB000001" not in r.content.decode()
    # Inside the jurisdiction the lane still hears who and where.
    api.post(
        "/api/screening/samples/", {**item(pa[1], "AAAA000011", close=True), "site": site_a.pk}, format="json"
    )
    again = api.post(
        "/api/screening/samples/", {**item(pa[1], "AAAA000012"), "site": site_a.pk}, format="json"
    )
    assert (
        again.status_code == 400
        and pa[1].name in again.content.decode()
        and "AAAA000011" in again.content.decode()
    )
    # The lane's lookup names a resident of another community by their code, not an id it would refuse.
    client.force_login(worker)
    t1 = TargetPerson.objects.get(campaign=c, person=pb[1])
    found = client.get(
        f"/screening/sites/{site_a.pk}/lane/lookup/", {"code": services.resident_token(t1)}
    ).json()
    assert found["people"] and all("person" not in p and p["code"] for p in found["people"])
    mine = client.get(
        f"/screening/sites/{site_a.pk}/lane/lookup/",
        {"code": services.resident_token(TargetPerson.objects.get(campaign=c, person=pa[2]))},
    ).json()
    assert mine["people"][0]["person"] == pa[2].pk
