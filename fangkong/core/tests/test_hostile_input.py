"""Issue 18: hostile input that answered 500. A NUL byte anywhere in a request is refused centrally
(core.middleware.RefuseNulMiddleware); impossible and out-of-range dates and times go through one parser
(core.dates) in every form, serializer and file reader; a NUL inside an uploaded table is a file error."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fangkong.core.choices import LOOKUPS
from fangkong.screening.models import LabResult, Sample
from fangkong.screening.tests.helpers import campaign, item, now_text, people, result_csv, site
from fangkong.support.tests import conftest as support_conftest

closed = support_conftest.closed  # the closed community of the support tests

pytestmark = pytest.mark.django_db

IMPOSSIBLE_TIMES = ["2022-02-30 10:00", "2022-05-01 25:00", "2022-05-01T24:61", "9999-12-31T23:59-23:59"]


# -- NUL ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(LOOKUPS))
def test_nul_in_a_lookup_query_is_a_clear_400(client, tree, make_user, key):
    client.force_login(make_user("district_admin", tree.district))
    resp = client.get(f"/lookup/{key}/", {"q": "a\x00b"})
    assert resp.status_code == 400
    assert resp.json()["detail"] == "请求中含有空字符（\\0），任何字段都不接受。"  # the default language


def test_nul_in_a_board_filter_is_a_page_in_the_readers_language(client, closed):
    client.force_login(closed.lead)
    resp = client.get(
        reverse("support:board", args=[closed.closure.pk]) + "?kind=%00",
        HTTP_ACCEPT="text/html",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert resp.status_code == 400
    assert resp["Content-Type"].startswith("text/html") and "空字符" in resp.content.decode()


def test_nul_in_a_form_field_or_a_json_body_or_the_path(client, api, tree, make_user):
    client.force_login(make_user("district_admin", tree.district))
    resp = client.post("/screening/campaigns/add/", {"name": "x\x00y"}, HTTP_ACCEPT="text/html")
    assert resp.status_code == 400 and "空字符" in resp.content.decode()
    resp = client.get("/people/a%00b/")
    assert resp.status_code == 400
    api.as_user(make_user("district_admin", tree.district))
    # JSON escapes a NUL as \u0000: refused just the same, with the API's JSON.
    resp = api.post("/api/screening/campaigns/", '{"name": "a\\u0000b"}', content_type="application/json")
    assert resp.status_code == 400 and "空字符" in resp.json()["detail"]
    # An escaped backslash before "u0000" is no NUL: the request goes on to the serializer.
    resp = api.post("/api/screening/campaigns/", '{"name": "a\\\\u0000b"}', content_type="application/json")
    assert resp.status_code == 400 and "area" in resp.json()


def test_nul_inside_an_uploaded_lab_csv_is_a_file_error(client, tree, make_user):
    c = campaign(tree)
    client.force_login(make_user("street_coordinator", tree.street1))
    data = result_csv([["TUBE000001", "阴性", now_text(), "丰台\x00检测中心"]])
    resp = client.post(f"/screening/campaigns/{c.pk}/results/", {"file": SimpleUploadedFile("r.csv", data)})
    page = client.get(resp["Location"]).content.decode()
    assert 'id="import-failed"' in page and "空字符" in page and ("Row 2 " in page or "第 2 行" in page)
    assert not LabResult.objects.exists()


# -- impossible dates and times ----------------------------------------------------------------------


@pytest.mark.parametrize("when", IMPOSSIBLE_TIMES)
def test_impossible_lab_result_times_are_row_errors_in_the_api(api, tree, make_user, when):
    ps = people(tree, 1)
    c = campaign(tree)
    from fangkong.screening import services

    services.sample_batch_record(
        actor=None, site=site(c, tree), items=[item(ps[0], "TUBE000001", close=True)]
    )
    api.as_user(make_user("street_coordinator", tree.street1))
    rows = [{"barcode": "TUBE000001", "result": "阴性", "tested_at": when, "lab": "lab"}]
    resp = api.post(f"/api/screening/campaigns/{c.pk}/results/", {"results": rows}, format="json")
    assert resp.status_code == 400
    errors = resp.json()["report"]["row_errors"]
    assert [e[1] for e in errors] == ["检测时间"] and not LabResult.objects.exists()


@pytest.mark.parametrize("when", IMPOSSIBLE_TIMES)
def test_impossible_lab_result_times_are_row_errors_in_an_upload(client, tree, make_user, when):
    c = campaign(tree)
    client.force_login(make_user("street_coordinator", tree.street1))
    data = result_csv([["TUBE000001", "阴性", when, "丰台检测中心"]])
    resp = client.post(f"/screening/campaigns/{c.pk}/results/", {"file": SimpleUploadedFile("r.csv", data)})
    page = client.get(resp["Location"]).content.decode()
    assert 'id="import-failed"' in page and "检测时间" in page


@pytest.mark.parametrize("when", IMPOSSIBLE_TIMES)
def test_impossible_sampling_times_are_invalid_items(api, tree, make_user, when):
    ps = people(tree, 1)
    c = campaign(tree)
    s = site(c, tree)
    api.as_user(make_user("medical_staff", tree.a.community))
    batch = [{**item(ps[0], "TUBE000001"), "site": s.pk, "sampled_at": when}]
    resp = api.post("/api/screening/samples/batch/", {"samples": batch}, format="json")
    assert resp.status_code in (200, 400)
    body = json.dumps(resp.json())
    assert "sampled_at" in body and not Sample.objects.exists()


@pytest.mark.parametrize("when", IMPOSSIBLE_TIMES)
def test_impossible_runner_sync_times_are_rejected_items(client, closed, when):
    from fangkong.support import services

    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    steps = req.steps.count()
    client.force_login(closed.runner_user)
    body = {"actions": [{"client_id": "x1", "request": req.pk, "action": "card_collected", "at": when}]}
    resp = client.post(reverse("support:runner-sync"), json.dumps(body), content_type="application/json")
    result = resp.json()["results"][0]
    assert resp.status_code == 200 and result["status"] == "rejected" and result["message"]
    assert req.steps.count() == steps


@pytest.mark.parametrize(
    "starts,ends",
    [("9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z"), ("0001-01-01T00:00:00+23:59", "2022-05-01T00:00")],
)
def test_campaign_window_past_the_calendar_is_a_400(api, tree, make_user, starts, ends):
    api.as_user(make_user("street_coordinator", tree.street1))
    body = {"name": "x", "area": tree.a.community.pk, "starts": starts, "ends": ends}
    resp = api.post("/api/screening/campaigns/", body, format="json")
    assert resp.status_code == 400 and "starts" in resp.json()


def test_campaign_window_past_the_calendar_in_the_form(client, tree, make_user):
    client.force_login(make_user("street_coordinator", tree.street1))
    resp = client.post(
        "/screening/campaigns/add/",
        {
            "name": "x",
            "area": tree.a.community.pk,
            "starts": "9999-12-31T00:00",
            "ends": "0001-01-01T00:00",
            "rule": "everyone",
        },
    )
    assert resp.status_code == 400
    form = resp.context["form"]
    assert "starts" in form.errors and "ends" in form.errors


# -- a NUL inside one item of an offline backlog rejects that item alone ------------------------------


def test_nul_in_one_sample_of_a_lane_batch_rejects_that_sample_alone(api, tree, make_user):
    ps = people(tree, 2)
    c = campaign(tree)
    s = site(c, tree)
    api.as_user(make_user("medical_staff", tree.a.community))
    good = {**item(ps[0], "TUBE000001"), "site": s.pk}
    bad = {**item(ps[1], "TUBE000001"), "site": s.pk, "client_id": "nul\x00item"}
    resp = api.post("/api/screening/samples/batch/", {"samples": [bad, good]}, format="json")
    assert resp.status_code == 200
    first, second = resp.json()["results"]
    assert first["status"] == "invalid" and "空字符" in json.dumps(first["errors"], ensure_ascii=False)
    assert first["client_id"] == "nulitem" and second["status"] == "accepted"
    assert list(Sample.objects.values_list("person_id", flat=True)) == [ps[0].pk]


@pytest.mark.parametrize("via", ["page", "api"])
def test_nul_in_one_runner_action_rejects_that_action_alone(client, api, closed, via):
    from fangkong.support import services

    reqs = [
        services.request_create(
            actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
        )
        for _ in range(2)
    ]
    for req in reqs:
        services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    steps = [r.steps.count() for r in reqs]
    actions = [
        {"client_id": "a1", "request": reqs[0].pk, "action": "card_collected", "note": "bad\x00note"},
        {"client_id": "a2", "request": reqs[1].pk, "action": "card_collected"},
    ]
    if via == "page":
        client.force_login(closed.runner_user)
        resp = client.post(
            reverse("support:runner-sync"), json.dumps({"actions": actions}), content_type="application/json"
        )
    else:
        resp = api.as_user(closed.runner_user).post(
            "/api/support/requests/sync/", {"actions": actions}, format="json"
        )
    assert resp.status_code == 200, resp.content
    first, second = resp.json()["results"]
    assert first["status"] == "rejected" and "空字符" in first["message"]
    assert second["status"] == "ok"
    assert [r.steps.count() for r in reqs] == [steps[0], steps[1] + 1]
