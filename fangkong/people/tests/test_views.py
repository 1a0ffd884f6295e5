import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import load_workbook

from fangkong.core.models import SensitiveAccess
from fangkong.people import imports as ix
from fangkong.people import services
from fangkong.people.models import ImportBatch, Person

from .helpers import add_person, bad_check_digit, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def worker_client(client, tree, make_user):
    user = make_user("community_worker", tree.a.community)
    client.force_login(user)
    client.user = user
    return client


def test_list_filters_search_and_masked_export(worker_client, tree):
    number = resident_id()
    zs = add_person(tree.a.household, name="张三", number=number)
    ls = add_person(tree.a.household, name="李四", phone="")
    add_person(tree.b.household, name="张五", phone="")
    services.vulnerable_entry_create(actor=None, person=ls, category="disabled")
    resp = worker_client.get("/people/")
    assert {p.name for p in resp.context["object_list"]} == {"张三", "李四"}
    assert number not in resp.content.decode() and zs.id_masked in resp.content.decode()
    assert [p.name for p in worker_client.get("/people/?q=zs").context["object_list"]] == ["张三"]
    assert [p.name for p in worker_client.get("/people/?category=disabled").context["object_list"]] == [
        "李四"
    ]
    assert [p.name for p in worker_client.get(f"/people/?q={number}").context["object_list"]] == ["张三"]
    export = worker_client.get("/people/?q=zs&export=xlsx")
    ws = load_workbook(io.BytesIO(export.content)).worksheets[0]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert len(values) == 2 and zs.id_masked in values[1] and number not in str(values)


def test_detail_reveal_flow(worker_client, tree):
    number = resident_id()
    p = add_person(tree.a.household, name="张三", number=number)
    services.person_status_set(actor=None, person=p, status="home_observation", reason="返京观察")
    page = worker_client.get(f"/people/{p.pk}/").content.decode()
    assert p.id_masked in page and number not in page and "返京观察" in page and 'id="reveal-id"' in page
    resp = worker_client.post(f"/people/{p.pk}/reveal/", {"field": "id_number", "reason": "核验身份"})
    assert resp.status_code == 200 and number in resp.content.decode()
    log = SensitiveAccess.objects.get()
    assert (log.user, log.reason, log.field) == (worker_client.user, "核验身份", "id_number")
    assert (
        worker_client.post(f"/people/{p.pk}/reveal/", {"field": "id_number", "reason": ""}).status_code == 400
    )


def test_grid_member_sees_no_reveal_button(client, tree, make_user):
    p = add_person(tree.a.household)
    client.force_login(make_user("grid_member", tree.a.community))
    page = client.get(f"/people/{p.pk}/").content.decode()
    assert p.id_masked in page and 'id="reveal-id"' not in page
    assert client.post(f"/people/{p.pk}/reveal/", {"field": "id_number", "reason": "想看"}).status_code == 403
    assert not SensitiveAccess.objects.exists()


def test_create_edit_status_move(worker_client, tree):
    number = resident_id()
    resp = worker_client.post(
        f"/people/households/{tree.a.household.pk}/add/",
        {
            "name": "赵六",
            "id_type": "resident_id",
            "id_number": number,
            "phone": "13800001111",
            "person_type": "permanent",
            "relation": "owner",
            "return_status": "present",
        },
    )
    p = Person.objects.get(name="赵六")
    assert resp.status_code == 302 and resp["Location"] == f"/people/{p.pk}/"
    resp = worker_client.post(
        f"/people/households/{tree.a.household.pk}/add/",
        {
            "name": "重复",
            "id_type": "resident_id",
            "id_number": number,
            "person_type": "permanent",
            "relation": "owner",
            "return_status": "present",
        },
    )
    assert resp.status_code == 400 and "该证件号码的居民已登记" in resp.content.decode()
    assert worker_client.get(f"/people/households/{tree.b.household.pk}/add/").status_code == 404
    resp = worker_client.post(
        f"/people/{p.pk}/edit/",
        {
            "name": "赵六",
            "id_type": "resident_id",
            "id_number": "",
            "phone": "",
            "person_type": "migrant",
            "relation": "owner",
            "return_status": "not_returned",
            "notes": "春节回老家",
        },
    )
    assert resp.status_code == 302
    p.refresh_from_db()
    assert (
        p.person_type == "migrant" and p.return_status == "not_returned" and p.phone_masked == "138****1111"
    )
    resp = worker_client.post(
        f"/people/{p.pk}/status/", {"status": "health_monitoring", "reason": "健康监测"}
    )
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.status == "health_monitoring"
    from fangkong.areas import services as area_services

    h2 = area_services.area_create(actor=None, parent=tree.a.entrance, name="202室", level="household")
    resp = worker_client.post(
        f"/people/{p.pk}/move/", {"household": h2.pk, "relation": "tenant", "reason": "换房"}
    )
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.area == h2 and p.relation == "tenant"


def test_household_and_entrance_pages(worker_client, tree):
    add_person(tree.a.household, name="张三")
    page = worker_client.get(f"/people/households/{tree.a.household.pk}/").content.decode()
    assert "张三" in page and tree.a.building.name in page
    page = worker_client.get(f"/people/areas/{tree.a.entrance.pk}/residents/").content.decode()
    assert "张三" in page and tree.a.household.name in page
    assert worker_client.get(f"/people/areas/{tree.b.entrance.pk}/residents/").status_code == 404


def test_ledger_list_print_visit_and_counts(worker_client, tree):
    p = add_person(tree.a.household, name="孤老甲")
    entry = services.vulnerable_entry_create(
        actor=None, person=p, category="elderly_alone", responsible_name="刘"
    )
    resp = worker_client.post(
        f"/people/ledger/{entry.pk}/visit/",
        {"date": str(timezone.localdate()), "channel": "door", "findings": "门口放了菜", "follow_up": ""},
    )
    assert resp.status_code == 302 and entry.visits.get().findings == "门口放了菜"
    resp = worker_client.get("/people/ledger/")
    assert [e.pk for e in resp.context["object_list"]] == [entry.pk]
    page = worker_client.get(f"/people/ledger/print/?area={tree.a.community.pk}").content.decode()
    assert "孤老甲" in page and "门口放了菜" in page and "@media print" in page
    export = worker_client.get("/people/ledger/?export=xlsx")
    ws = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert "孤老甲" in [c.value for c in ws[2]]
    counts = worker_client.get("/people/counts/")
    row = counts.context["rows"][0]
    assert row["community"] == tree.a.community and row["counts"] == {"normal": 1}


def _upload(client, within, rows, name="survey.csv"):
    lines = [",".join(ix.TEMPLATE_HEADERS)] + [
        ",".join(r.get(h, "") for h in ix.TEMPLATE_HEADERS) for r in rows
    ]
    f = SimpleUploadedFile(name, "\n".join(lines).encode("gbk"), content_type="text/csv")
    return client.post("/people/import/", {"within": within.pk, "file": f})


def test_import_pages_preview_confirm_and_error_report(worker_client, tree):
    assert worker_client.get("/people/import/template.xlsx")["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    base = {
        ix.BUILDING: tree.a.building.name,
        ix.ENTRANCE: tree.a.entrance.name,
        ix.HOUSEHOLD: tree.a.household.name,
    }
    good = {ix.NAME: "张三", ix.ID_NUMBER: resident_id(), **base}
    bad = {ix.NAME: "李四", ix.ID_NUMBER: bad_check_digit(resident_id()), **base}
    resp = _upload(worker_client, tree.a.community, [good, bad])
    batch = ImportBatch.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/people/import/{batch.pk}/"
    page = worker_client.get(resp["Location"]).content.decode()
    assert 'id="confirm-import"' not in page and 'id="error-report"' in page
    report = worker_client.get(f"/people/import/{batch.pk}/errors.xlsx")
    ws = load_workbook(io.BytesIO(report.content)).worksheets[0]
    headers = [c.value for c in ws[1]]
    assert ws.cell(row=3, column=headers.index(ix.ID_NUMBER) + 1).fill.fgColor.rgb.endswith("FFC7CE")
    assert worker_client.post(f"/people/import/{batch.pk}/confirm/").status_code == 302
    assert not Person.objects.exists()

    resp = _upload(worker_client, tree.a.community, [good])
    batch = ImportBatch.objects.order_by("-pk").first()
    assert 'id="confirm-import"' in worker_client.get(resp["Location"]).content.decode()
    worker_client.post(f"/people/import/{batch.pk}/confirm/")
    worker_client.post(f"/people/import/{batch.pk}/confirm/")  # a double click
    assert Person.objects.count() == 1
    assert 'id="committed"' in worker_client.get(f"/people/import/{batch.pk}/").content.decode()


def test_import_into_foreign_area_refused(worker_client, tree):
    resp = _upload(worker_client, tree.b.community, [{ix.NAME: "x", ix.ID_NUMBER: resident_id()}])
    assert resp.status_code == 400 and not ImportBatch.objects.exists()


def test_other_community_batch_is_hidden(client, tree, make_user):
    batch = ImportBatch.objects.create(area=tree.b.community, filename="b.csv", content=b"x", sha256="0" * 64)
    client.force_login(make_user("community_worker", tree.a.community))
    assert client.get(f"/people/import/{batch.pk}/").status_code == 404
    assert client.get(f"/people/import/{batch.pk}/errors.xlsx").status_code == 404
    assert client.post(f"/people/import/{batch.pk}/confirm/").status_code == 404


def test_edit_links_tenant_to_landlord_by_id_number(worker_client, tree):
    owner_id = resident_id()
    owner = add_person(tree.a.household, name="房东", number=owner_id)
    tenant = add_person(tree.a.household, name="租客", phone="")
    form = {
        "name": "租客",
        "id_type": "resident_id",
        "id_number": "",
        "phone": "",
        "person_type": "migrant",
        "relation": "tenant",
        "return_status": "present",
        "landlord_id_number": resident_id(),
    }
    resp = worker_client.post(f"/people/{tenant.pk}/edit/", form)
    assert resp.status_code == 400 and "landlord_id_number" in resp.context["form"].errors
    resp = worker_client.post(f"/people/{tenant.pk}/edit/", {**form, "landlord_id_number": owner_id})
    assert resp.status_code == 302
    tenant.refresh_from_db()
    assert tenant.landlord == owner
    page = worker_client.get(f"/people/{owner.pk}/").content.decode()
    assert "租客" in page  # the landlord's page lists the tenants


def test_error_report_clear_only_with_reveal_and_logged(worker_client, tree, make_user):
    """Issue 9.5: the error report shows ID numbers and phones in clear only to a role that may reveal
    them, and each such download is in the access log; a grid member gets them masked, unlogged."""
    number = bad_check_digit(resident_id())
    bad = {
        ix.NAME: "李四",
        ix.ID_NUMBER: number,
        ix.PHONE: "13812345678",
        ix.BUILDING: tree.a.building.name,
        ix.ENTRANCE: tree.a.entrance.name,
        ix.HOUSEHOLD: tree.a.household.name,
    }
    _upload(worker_client, tree.a.community, [bad])
    batch = ImportBatch.objects.get()

    def cells(c):
        ws = load_workbook(io.BytesIO(c.get(f"/people/import/{batch.pk}/errors.xlsx").content)).worksheets[0]
        headers = [x.value for x in ws[1]]
        return ws.cell(row=2, column=headers.index(ix.ID_NUMBER) + 1).value, ws.cell(
            row=2, column=headers.index(ix.PHONE) + 1
        ).value

    from django.test import Client

    grid = Client()
    grid.force_login(make_user("grid_member", tree.a.community))
    masked_id, masked_phone = cells(grid)
    assert number not in str(masked_id) and masked_id.endswith(number[-4:]) and masked_phone == "138****5678"
    assert not SensitiveAccess.objects.exists()
    assert cells(worker_client) == (number, "13812345678")
    log = SensitiveAccess.objects.get()
    assert log.user == worker_client.user and log.object_id == str(batch.pk) and log.field == "error_report"


def test_uploaded_files_deleted_on_commit_cancel_and_expiry(worker_client, tree, settings):
    """Issue 9.5: the stored upload (clear IDs and phones) goes on import, on cancel, and when left
    longer than IMPORT_FILE_RETENTION_HOURS (the hourly beat task)."""
    from fangkong.people.tasks import import_files_expire_task

    def upload():
        row = {
            ix.NAME: "张三",
            ix.ID_NUMBER: resident_id(),
            ix.BUILDING: tree.a.building.name,
            ix.ENTRANCE: tree.a.entrance.name,
            ix.HOUSEHOLD: tree.a.household.name,
        }
        _upload(worker_client, tree.a.community, [row])
        return ImportBatch.objects.order_by("-pk").first()

    done, dropped, left, fresh = upload(), upload(), upload(), upload()
    worker_client.post(f"/people/import/{done.pk}/confirm/")
    worker_client.post(f"/people/import/{dropped.pk}/cancel/")
    ImportBatch.objects.filter(pk=left.pk).update(updated_at=timezone.now() - timezone.timedelta(hours=73))
    assert "fangkong.people.tasks.import_files_expire_task" in {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert import_files_expire_task() == 1
    kept = {b.pk: (bytes(b.content), b.state) for b in ImportBatch.objects.all()}
    assert kept[done.pk] == (b"", "committed") and Person.objects.count() == 1
    assert kept[dropped.pk] == (b"", "failed") and kept[left.pk] == (b"", "failed")
    assert kept[fresh.pk][0] and kept[fresh.pk][1] == "preview"
    page = worker_client.get(f"/people/import/{left.pk}/").content.decode()
    assert 'id="file-deleted"' in page and 'id="confirm-import"' not in page
    resp = worker_client.post(f"/people/import/{left.pk}/confirm/", follow=True)
    assert Person.objects.count() == 1 and resp.status_code == 200
