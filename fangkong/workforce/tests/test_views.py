"""The workforce pages and API over real HTTP (Django test client): scoping, the import, the public
registration page, the review, the district's page and its bulk assignment."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from faker import Faker
from openpyxl import load_workbook

from fangkong.core.models import SensitiveAccess
from fangkong.people.tests.factories import make_person
from fangkong.workforce import services
from fangkong.workforce.models import Assignment, RegistrationLink, Worker
from fangkong.workforce.tests.factories import make_worker

pytestmark = pytest.mark.django_db

fake = Faker("zh_CN")
fake.seed_instance(5)


def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.cookies["django_language"] = "en"
    return client


def login_en(client, user):
    """English pages: the user's saved language wins over the browser's."""
    user.language = "en"
    user.save(update_fields=["language"])
    en(client).force_login(user)
    return user


def test_lists_are_scoped_street_community_and_self(client, tree, make_user):
    a = make_worker(tree.a.community, name="甲社区队员")
    make_worker(tree.b.community, name="乙社区队员")
    make_worker(tree.c.community, name="丙社区队员")
    street_only = make_worker(tree.street1, name="街道待派干部")
    client.force_login(make_user("street_coordinator", tree.street1))
    html = client.get("/workforce/").content.decode()
    assert (
        "甲社区队员" in html and "乙社区队员" in html and "街道待派干部" in html and "丙社区队员" not in html
    )
    client.force_login(make_user("community_worker", tree.a.community))
    html = client.get("/workforce/").content.decode()
    assert "甲社区队员" in html and "乙社区队员" not in html and "街道待派干部" not in html
    # A cadre (no registry permission) sees their own record, and nothing else.
    cadre = make_user("cadre", tree.a.community)
    Worker.objects.filter(pk=street_only.pk).update(user=cadre)
    client.force_login(cadre)
    html = client.get("/workforce/").content.decode()
    assert "街道待派干部" in html and "甲社区队员" not in html
    assert client.get(f"/workforce/{street_only.pk}/").status_code == 200
    assert client.get(f"/workforce/{a.pk}/").status_code == 404


def test_out_of_scope_worker_is_missing_and_export_is_masked(client, tree, make_user):
    mine = make_worker(tree.a.community, name="本社区")
    other = make_worker(tree.c.community, name="外社区")
    client.force_login(make_user("community_worker", tree.a.community))
    assert client.get(f"/workforce/{other.pk}/").status_code == 404
    assert client.get("/workforce/999999999/").status_code == 404
    assert (
        client.post(f"/workforce/{other.pk}/reveal/", {"field": "phone", "reason": "核实"}).status_code == 404
    )
    resp = client.get("/workforce/", {"export": "xlsx"})
    assert resp.status_code == 200
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    flat = " ".join(str(c) for r in rows for c in r if c)
    assert "本社区" in flat and "外社区" not in flat and mine.id_masked in flat
    # The reveal shows the clear phone once and logs it.
    resp = client.post(f"/workforce/{mine.pk}/reveal/", {"field": "phone", "reason": "联系上岗"})
    assert resp.status_code == 200 and 'id="phone-clear"' in resp.content.decode()
    assert SensitiveAccess.objects.filter(object_id=str(mine.pk), field="phone").count() == 1


def test_add_and_edit_a_worker_through_the_pages(client, tree, make_user):
    login_en(client, make_user("community_worker", tree.a.community))
    number = fake.ssn()
    data = {
        "area": tree.a.community.pk,
        "name": "新队员",
        "kind": "volunteer",
        "level": "community",
        "id_type": "resident_id",
        "id_number": number,
        "phone": "13512345678",
        "skills": ["driver"],
        "health_status": "healthy",
    }
    resp = client.post("/workforce/add/", data)
    w = Worker.objects.get(name="新队员")
    assert resp.status_code == 302 and w.skills == ["driver"]
    resp = client.post("/workforce/add/", {**data, "name": "重复", "phone": "135123"})
    assert resp.status_code == 400 and "11 digits" in resp.content.decode()
    resp = client.post(
        f"/workforce/{w.pk}/edit/", {**data, "id_number": "", "phone": "", "home_unit": "区教委"}
    )
    w.refresh_from_db()
    assert resp.status_code == 302 and w.home_unit == "区教委" and w.phone_masked == "135****5678"
    # Another community's team is not a choice.
    resp = client.post("/workforce/add/", {**data, "area": tree.c.community.pk, "id_number": fake.ssn()})
    assert resp.status_code == 400 and not Worker.objects.filter(area=tree.c.community).exists()


def _upload(rows):
    text = "姓名,身份证号,手机\n" + "\n".join(",".join(r) for r in rows)
    return SimpleUploadedFile("名单.csv", text.encode("gbk"), content_type="text/csv")


def test_import_page_rejects_a_bad_row_and_writes_nothing(client, tree, make_user):
    login_en(client, make_user("street_coordinator", tree.street1))
    resp = client.post(
        "/workforce/import/",
        {
            "area": tree.street1.pk,
            "kind": "cadre",
            "level": "district",
            "home_unit": "区财政局",
            "file": _upload([["赵一", fake.ssn(), "13800000001"], ["钱二", fake.ssn(), "1380000000"]]),
        },
    )
    html = resp.content.decode()
    assert resp.status_code == 400 and 'id="error-table"' in html and "11 digits" in html
    assert not Worker.objects.exists()
    report = resp.context["report_key"]
    data = client.get(reverse("workforce:import-report", args=[report]))
    assert data.status_code == 200 and data.content[:2] == b"PK"
    resp = client.post(
        "/workforce/import/",
        {
            "area": tree.street1.pk,
            "kind": "cadre",
            "level": "district",
            "home_unit": "区财政局",
            "file": _upload([["赵一", fake.ssn(), "13800000001"], ["钱二", fake.ssn(), "13800000002"]]),
        },
    )
    assert resp.status_code == 302
    assert set(Worker.objects.values_list("home_unit", "area_id")) == {("区财政局", tree.street1.pk)}
    assert client.get("/workforce/import/template.xlsx").content[:2] == b"PK"


def test_registration_link_public_page_and_review(client, tree, make_user):
    cw = make_user("community_worker", tree.a.community)
    login_en(client, cw)
    resp = client.post(
        "/workforce/links/add/", {"area": tree.a.community.pk, "kind": "party_member", "days": 7}
    )
    link = RegistrationLink.objects.get()
    assert resp.status_code == 302 and "<svg" in client.get(f"/workforce/links/{link.pk}/").content.decode()
    public = en(client.__class__())
    url = reverse("workforce:register", args=[link.token])
    assert public.get(url).status_code == 200
    resp = public.post(
        url, {"name": "报到党员", "phone": "1390000", "id_type": "resident_id", "id_number": fake.ssn()}
    )
    assert resp.status_code == 400 and not Worker.objects.exists()
    resp = public.post(
        url, {"name": "报到党员", "phone": "13900000001", "id_type": "resident_id", "id_number": fake.ssn()}
    )
    assert resp.status_code == 200 and 'id="register-done"' in resp.content.decode()
    w = Worker.objects.get()
    assert (w.status, w.kind) == ("pending", "party_member")
    assert "报到党员" in client.get("/workforce/registrations/").content.decode()
    resp = client.post(f"/workforce/registrations/{w.pk}/review/", {"decision": "approve"})
    w.refresh_from_db()
    assert resp.status_code == 302 and w.status == "active"
    # Revoked: the same clear message as an unknown link, nothing registered.
    client.post(f"/workforce/links/{link.pk}/revoke/")
    for token in (link.token, "not-a-token"):
        resp = public.post(
            reverse("workforce:register", args=[token]),
            {"name": "迟到", "phone": "13900000002", "id_type": "resident_id", "id_number": fake.ssn()},
        )
        assert resp.status_code == 404 and "no longer open" in resp.content.decode()
    assert Worker.objects.count() == 1


def test_review_of_another_community_is_missing(client, tree, make_user):
    other = make_user("community_worker", tree.c.community)
    link = services.registration_link_create(actor=other, area=tree.c.community)
    w = services.self_register(token=link.token, name="外社区报名", phone="13900000003", id_number=fake.ssn())
    client.force_login(make_user("community_worker", tree.a.community))
    assert client.post(f"/workforce/registrations/{w.pk}/review/", {"decision": "approve"}).status_code == 404
    w.refresh_from_db()
    assert w.status == "pending"


def test_district_page_shows_needs_and_assigns_by_criteria(client, tree, make_user):
    admin = make_user("district_admin", tree.district)
    cw = make_user("community_worker", tree.b.community)
    services.request_create(actor=cw, area=tree.b.community, count=3)
    for _i in range(4):
        make_person(tree.a.household)
    make_person(tree.c.household)
    for _i in range(6):
        make_worker(tree.district)
    login_en(client, admin)
    html = client.get("/workforce/deployment/").content.decode()
    assert 'id="needs-table"' in html and "卢沟桥街道" in html
    street = client.get("/workforce/deployment/", {"within": tree.street1.pk})
    assert street.status_code == 200 and "宛平城社区" in street.content.decode()
    resp = client.post("/workforce/deployment/", {"count": 3, "criterion": "open_requests", "duty": "gate"})
    assert resp.status_code == 302
    assert set(Assignment.objects.values_list("area_id", flat=True)) == {tree.b.community.pk}
    resp = client.post("/workforce/deployment/", {"count": 3, "criterion": "population", "duty": "patrol"})
    assert resp.status_code == 302
    # 4 residents against 1: 2.4 and 0.6 of the 3, the larger remainder rounds up.
    assert Assignment.objects.filter(area=tree.a.community).count() == 2
    assert Assignment.objects.filter(area=tree.c.community).count() == 1
    resp = client.post("/workforce/deployment/", {"count": 5, "criterion": "population", "duty": "patrol"})
    assert resp.status_code == 400 and "Only 0 available" in resp.content.decode()
    # A community worker sees the page but may not assign.
    client.force_login(cw)
    assert client.get("/workforce/deployment/").status_code == 200
    assert client.post("/workforce/deployment/", {"count": 1, "criterion": "population"}).status_code == 403


def test_api_lists_creates_and_reveals(api, tree, make_user):
    cw = make_user("community_worker", tree.a.community)
    make_worker(tree.c.community, name="外社区")
    api.as_user(cw)
    resp = api.post(
        "/api/workforce/workers/",
        {
            "area": tree.a.community.pk,
            "name": "接口队员",
            "id_number": fake.ssn(),
            "phone": "13700000001",
            "skills": ["it"],
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert resp.json()["phone_masked"] == "137****0001" and "phone" not in resp.json()
    names = [w["name"] for w in api.get("/api/workforce/workers/").json()["results"]]
    assert names == ["接口队员"]
    resp = api.post(
        f"/api/workforce/workers/{pk}/reveal/", {"field": "phone", "reason": "联系"}, format="json"
    )
    assert resp.json()["value"] == "13700000001"
    bad = api.post(
        "/api/workforce/workers/",
        {"area": tree.a.community.pk, "name": "坏号", "phone": "123"},
        format="json",
    )
    assert bad.status_code == 400 and "phone" in bad.json()
    foreign = api.post(
        "/api/workforce/workers/", {"area": tree.c.community.pk, "name": "越界"}, format="json"
    )
    assert foreign.status_code == 400 and not Worker.objects.filter(name="越界").exists()
    req = api.post(
        "/api/workforce/requests/",
        {"area": tree.a.community.pk, "count": 2, "start": "2026-12-07"},
        format="json",
    )
    assert req.status_code == 201, req.content
