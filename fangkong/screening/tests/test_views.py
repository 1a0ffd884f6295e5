"""Pages and API of mass testing over real HTTP (Django test client, DRF client): the flow campaign →
target → site → lane (API, idempotent batch) → boxes → laboratory file → retest list → coverage and
untested with reasons; scoping (403 / 404) of each page that takes an id."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fangkong.core.testing import APIViewTestCases, ViewTestCases
from fangkong.screening import services
from fangkong.screening.models import Box, Campaign, RetestItem, Sample, Site, TargetPerson, Tube

from .helpers import campaign, item, now_text, people, result_csv, site

pytestmark = pytest.mark.django_db


def _dt(d):
    return timezone.localtime(d).strftime("%Y-%m-%dT%H:%M")


def test_campaign_flow_through_the_pages(client, tree, make_user):
    people(tree, 12)
    coord = make_user("street_coordinator", tree.street1)
    client.force_login(coord)
    now = timezone.now()
    resp = client.post(
        "/screening/campaigns/add/",
        {
            "name": "第一轮",
            "area": tree.a.community.pk,
            "starts": _dt(now - datetime.timedelta(hours=1)),
            "ends": _dt(now + datetime.timedelta(hours=12)),
            "rule": "everyone",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    c = Campaign.objects.get()
    assert resp["Location"] == f"/screening/campaigns/{c.pk}/"
    client.post(f"/screening/campaigns/{c.pk}/do/target/")
    page = client.get(f"/screening/campaigns/{c.pk}/").content.decode()
    assert 'id="target-total">12<' in page and "镇国寺社区" in page
    resp = client.post(
        f"/screening/campaigns/{c.pk}/sites/add/",
        {
            "name": "社区广场采样点",
            "area": tree.a.community.pk,
            "latitude": "39.851",
            "longitude": "116.281",
            "kind": "fixed",
            "lanes": 2,
            "per_lane_hour": 60,
            "opens": _dt(c.starts),
            "closes": _dt(c.ends),
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    s = Site.objects.get(campaign=c)
    assert s.place.kind == "sampling_site"
    client.post(f"/screening/campaigns/{c.pk}/do/running/")
    c.refresh_from_db()
    assert c.state == "running"

    # The lane page and its lookup.
    worker = make_user("community_worker", tree.a.community)
    client.force_login(worker)
    lane = client.get(f"/screening/sites/{s.pk}/lane/").content.decode()
    assert "offline-queue.js" in lane and "lane.js" in lane
    found = client.get(f"/screening/sites/{s.pk}/lane/lookup/", {"code": "13800000000"})
    assert found.status_code == 404


def test_lane_api_single_and_batch_are_idempotent(api, tree, make_user):
    ps = people(tree, 12)
    c = campaign(tree)
    s = site(c, tree)
    api.as_user(make_user("medical_staff", tree.a.community))
    one = {**item(ps[0], "TUBE000001"), "site": s.pk}
    r = api.post("/api/screening/samples/", one, format="json")
    assert r.status_code == 201 and r.json()["tube_count"] == 1, r.content
    r = api.post("/api/screening/samples/", one, format="json")
    assert r.status_code == 200 and r.json()["status"] == "duplicate"
    batch = [{**item(p, "TUBE000001"), "site": s.pk} for p in ps[1:10]] + [
        {**item(ps[10], "TUBE000002"), "site": s.pk},
        {**item(ps[0], "TUBE000003"), "site": s.pk},  # sampled twice
        {"client_id": str(uuid.uuid4()), "site": 999999, "person": ps[11].pk, "tube": "TUBE000002"},
    ]
    r = api.post("/api/screening/samples/batch/", {"samples": batch}, format="json")
    body = r.json()
    assert (
        r.status_code == 200 and [x["status"] for x in body["results"]] == ["accepted"] * 10 + ["invalid"] * 2
    )
    assert body["results"][8]["tube_closed"] is True
    r = api.post("/api/screening/samples/batch/", {"samples": batch}, format="json")
    assert [x["status"] for x in r.json()["results"]][:10] == ["duplicate"] * 10
    assert Sample.objects.count() == 11
    r = api.post("/api/screening/samples/batch/", {"samples": []}, format="json")
    assert r.status_code == 400


def test_boxes_lab_file_retests_coverage_untested(client, tree, make_user):
    ps = people(tree, 12)
    c = campaign(tree)
    s = site(c, tree)
    services.sample_batch_record(
        actor=None,
        site=s,
        items=[item(p, "TUBE000001") for p in ps[:10]] + [item(ps[10], "TUBE000002", close=True)],
    )
    admin = make_user("street_coordinator", tree.street1)
    client.force_login(admin)
    resp = client.post(
        "/screening/boxes/add/",
        {
            "site": s.pk,
            "code": "BOX1",
            "tubes": "TUBE000001\nTUBE000002",
            "lab": "丰台检测中心",
            "person_name": "张",
        },
    )
    box = Box.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/screening/boxes/{box.pk}/"
    client.post(f"/screening/boxes/{box.pk}/step/", {"state": "handed_over", "person_name": "王师傅"})
    client.post(f"/screening/boxes/{box.pk}/step/", {"state": "received", "person_name": "李"})
    box.refresh_from_db()
    assert box.state == "received"
    cov = client.get(f"/screening/campaigns/{c.pk}/coverage/").content.decode()
    assert 'data-sampled="11"' in cov and 'data-positive="0"' in cov
    # A GBK file with a wrong header: refused with its message, nothing written.
    bad = result_csv([["TUBE000001", "阳性"]], encoding="gbk", header=("管号", "结论"))
    resp = client.post(
        f"/screening/campaigns/{c.pk}/results/",
        {"file": SimpleUploadedFile("r.csv", bad)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = client.get(resp["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="import-failed"' in page and "试管条码" in page
    good = result_csv(
        [
            ["TUBE000001", "阳性", now_text(), "丰台检测中心"],
            ["TUBE000002", "阴性", now_text(), "丰台检测中心"],
        ],
        encoding="gbk",
    )
    resp = client.post(f"/screening/campaigns/{c.pk}/results/", {"file": SimpleUploadedFile("r.csv", good)})
    page = client.get(resp["Location"]).content.decode()
    assert 'id="import-ok"' in page
    retests = client.get(f"/screening/retests/?campaign={c.pk}").content.decode()
    import re

    table = re.search(r'<table[^>]*id="retests".*?</table>', retests, re.S).group(0)
    assert all(p.name in table for p in ps[:10]) and ps[10].name not in table
    assert RetestItem.objects.count() == 10
    cov = client.get(f"/screening/campaigns/{c.pk}/coverage/").content.decode()
    assert 'data-positive="0"' in cov and 'data-to-retest="10"' in cov
    xlsx = client.get(f"/screening/campaigns/{c.pk}/coverage/?level=building&export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    # Untested: one person left; a reason recorded from the list.
    untested = client.get(f"/screening/campaigns/{c.pk}/untested/").content.decode()
    table = re.search(r'<table[^>]*id="untested".*?</table>', untested, re.S).group(0)
    assert ps[11].name in table and ps[0].name not in table
    t = TargetPerson.objects.get(campaign=c, person=ps[11])
    client.post(f"/screening/targets/{t.pk}/reason/", {"reason": "bed_bound"})
    t.refresh_from_db()
    assert t.state == "bed_bound" and c.home_visits.filter(person=ps[11]).exists()
    assert client.get(f"/screening/campaigns/{c.pk}/untested/?export=xlsx").status_code == 200


def test_leader_sees_figures_not_names(client, tree, make_user):
    ps = people(tree, 3)
    c = campaign(tree)
    client.force_login(make_user("leadership_viewer", tree.district))
    home = client.get("/screening/")
    assert home.status_code == 200 and c.name in home.content.decode()
    cov = client.get(f"/screening/campaigns/{c.pk}/coverage/")
    assert cov.status_code == 200 and 'data-due="3"' in cov.content.decode()
    assert ps[0].name not in cov.content.decode()
    assert client.get(f"/screening/campaigns/{c.pk}/").status_code == 403
    assert client.get(f"/screening/campaigns/{c.pk}/untested/").status_code == 403


def test_resident_page_and_antigen(client, tree):
    ps = people(tree, 2)
    c = campaign(tree)
    t = TargetPerson.objects.get(campaign=c, person=ps[0])
    url = f"/screening/r/{services.resident_token(t)}/"
    page = client.get(url).content.decode()
    assert 'id="my-code"' in page and ps[0].name not in page
    assert client.get("/screening/r/1.forged/").status_code == 404
    resp = client.post(url, {"result": "positive"})
    assert resp.status_code == 200
    ps[0].refresh_from_db()
    assert ps[0].status == "preliminary_positive"
    assert c.transfers.filter(person=ps[0]).exists()


class TestCampaignDetail(ViewTestCases):
    url = "/screening/campaigns/{pk}/"
    model = Campaign


class TestCoverage(ViewTestCases):
    url = "/screening/campaigns/{pk}/coverage/"
    model = Campaign
    role_without = "gate_volunteer"


class TestSiteDetail(ViewTestCases):
    url = "/screening/sites/{pk}/"
    model = Site


class TestLane(ViewTestCases):
    url = "/screening/sites/{pk}/lane/"
    model = Site


class TestBoxDetail(ViewTestCases):
    url = "/screening/boxes/{pk}/"
    model = Box


class TestCampaignAPI(APIViewTestCases):
    prefix = "screening/campaigns"
    model = Campaign

    def valid_payload(self, tree):
        now = timezone.now()
        return {
            "name": "全员核酸",
            "area": tree.a.community.pk,
            "starts": now.isoformat(),
            "ends": (now + datetime.timedelta(hours=12)).isoformat(),
        }

    def invalid_payload(self, tree):
        now = timezone.now()
        return {
            "name": "x",
            "area": tree.a.community.pk,
            "starts": now.isoformat(),
            "ends": (now - datetime.timedelta(hours=1)).isoformat(),
        }, "ends"


class TestTubeAPI(APIViewTestCases):
    prefix = "screening/tubes"
    model = Tube
    creatable = False


def test_results_api_all_or_nothing_and_coverage_api(api, tree, make_user):
    ps = people(tree, 3)
    c = campaign(tree)
    s = site(c, tree)
    services.sample_batch_record(actor=None, site=s, items=[item(p, "TUBE000001") for p in ps[:2]])
    services.sample_batch_record(actor=None, site=s, items=[item(ps[2], "TUBE000002", close=True)])
    api.as_user(make_user("street_coordinator", tree.street1))
    rows = [
        {"barcode": "TUBE000001", "result": "阴性", "tested_at": now_text(), "lab": "lab"},
        {"barcode": "TUBE000002", "result": "阳性", "tested_at": now_text(), "lab": "lab"},
    ]
    r = api.post(f"/api/screening/campaigns/{c.pk}/results/", {"results": rows}, format="json")
    assert r.status_code == 400 and r.json()["report"]["error_count"] == 1  # TUBE000001 is still open
    assert not c.tubes.filter(state="resulted").exists()
    services.tube_close(actor=None, tube=Tube.objects.get(barcode="TUBE000001"))
    r = api.post(f"/api/screening/campaigns/{c.pk}/results/", {"results": rows}, format="json")
    assert r.status_code == 200 and r.json()["applied"] == 2
    r = api.post(f"/api/screening/campaigns/{c.pk}/results/", {"results": rows}, format="json")
    assert r.status_code == 200 and r.json()["applied"] == 0 and r.json()["unchanged"] == 2
    cov = api.get(f"/api/screening/campaigns/{c.pk}/coverage/?level=building").json()
    assert cov["totals"]["sampled"] == 3 and cov["totals"]["positive"] == 1 and cov["totals"]["negative"] == 2
