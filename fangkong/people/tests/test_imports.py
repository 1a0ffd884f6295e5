import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import Workbook, load_workbook

from fangkong.core import crypto
from fangkong.core.models import ChangeLog
from fangkong.people import imports as ix
from fangkong.people import services
from fangkong.people.models import ImportBatch, Person

from .helpers import add_person, bad_check_digit, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(tree_branch, name, number, phone="13800138000", **extra):
    return {
        ix.NAME: name,
        ix.ID_NUMBER: number,
        ix.PHONE: phone,
        ix.BUILDING: tree_branch.building.name,
        ix.ENTRANCE: tree_branch.entrance.name,
        ix.HOUSEHOLD: tree_branch.household.name,
        **extra,
    }


def test_template_has_chinese_headers_and_roundtrips():
    data = ix.build_template()
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in ws[1]] == ix.TEMPLATE_HEADERS
    assert "姓名" in ix.TEMPLATE_HEADERS and "证件号码" in ix.TEMPLATE_HEADERS
    assert ix.read_rows(data) == []


def test_preview_changes_nothing_and_commit_writes(tree):
    rows = [
        row(tree.a, "张三", resident_id()),
        row(tree.a, "李四", resident_id(), phone="", **{ix.RELATION: "家属"}),
    ]
    report = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=False)
    assert (report.new, report.updated, report.unchanged, report.errors) == (2, 0, 0, 0)
    assert not Person.objects.exists()
    report = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=True)
    assert report.committed and report.new == 2
    li = Person.objects.get(name="李四")
    assert li.relation == "family" and li.area == tree.a.household and li.name_initials == "ls"
    assert crypto.decrypt(li.id_number_enc) == rows[1][ix.ID_NUMBER] and li.sex == "M"
    assert ChangeLog.objects.filter(message__contains="survey import").count() == 1


def test_second_import_of_same_rows_changes_nothing(tree):
    rows = [row(tree.a, f"居民{i}", resident_id()) for i in range(5)]
    services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=True)
    stamps = dict(Person.objects.values_list("id", "updated_at"))
    again = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=True)
    assert (again.new, again.updated, again.unchanged, again.errors) == (0, 0, 5, 0)
    assert dict(Person.objects.values_list("id", "updated_at")) == stamps


def test_update_and_move_inside_jurisdiction(tree):
    from fangkong.areas import services as area_services

    other = area_services.area_create(actor=None, parent=tree.a.entrance, name="102室", level="household")
    number = resident_id()
    p = add_person(tree.a.household, name="张三", number=number)
    rows = [{**row(tree.a, "张三", number, phone="13911112222"), ix.HOUSEHOLD: "102室", ix.RETURN: "未返京"}]
    report = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=True)
    assert (report.updated, report.moved) == (1, 1)
    p.refresh_from_db()
    assert p.area == other and p.return_status == "not_returned" and p.phone_masked == "139****2222"
    log = ChangeLog.objects.filter(object_id=str(p.pk), message="survey import").get()
    assert log.before["area"] == tree.a.household.pk and log.after["area"] == other.pk


def test_all_or_nothing_with_errors_per_cell(tree):
    dup = resident_id()
    rows = [
        row(tree.a, "好人", resident_id()),
        row(tree.a, "坏号", bad_check_digit(resident_id())),
        row(tree.a, "重复一", dup),
        row(tree.a, "重复二", dup),
        row(tree.a, "坏电话", resident_id(), phone="1234"),
        {**row(tree.a, "无楼", resident_id()), ix.BUILDING: "99号楼"},
        {**row(tree.a, "无户", resident_id()), ix.HOUSEHOLD: "909室"},
        {**row(tree.a, "类型", resident_id()), ix.PERSON_TYPE: "外星"},
    ]
    report = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=True)
    assert not report.committed and report.errors == 6 and report.new == 2
    cells = {(e.row, e.column) for e in report.row_errors}
    assert cells == {
        (3, ix.ID_NUMBER),
        (5, ix.ID_NUMBER),
        (6, ix.PHONE),
        (7, ix.BUILDING),
        (8, ix.HOUSEHOLD),
        (9, ix.PERSON_TYPE),
    }
    assert "row 4" in next(e.message for e in report.row_errors if e.row == 5)
    assert not Person.objects.exists()


def test_person_registered_elsewhere_is_an_error(tree):
    number = resident_id()
    add_person(tree.b.household, number=number)  # another community
    report = services.survey_import(
        actor=None, rows=[row(tree.a, "张三", number)], within=tree.a.community, commit=True
    )
    assert report.errors == 1 and report.row_errors[0].column == ix.ID_NUMBER
    assert tree.b.community.name not in report.row_errors[0].message  # where they live is not disclosed
    assert Person.objects.get().area == tree.b.household


def test_street_level_import_needs_community(tree):
    rows = [
        {**row(tree.a, "张三", resident_id()), ix.COMMUNITY: tree.a.community.name},
        {**row(tree.b, "李四", resident_id()), ix.COMMUNITY: tree.b.community.name},
        row(tree.a, "王五", resident_id()),
    ]
    report = services.survey_import(actor=None, rows=rows, within=tree.street1, commit=False)
    assert report.new == 2 and [(e.row, e.column) for e in report.row_errors] == [(4, ix.COMMUNITY)]
    outside = [
        {**row(tree.a, "张三", resident_id()), ix.COMMUNITY: tree.a.community.name, ix.STREET: "马家堡街道"}
    ]
    report = services.survey_import(actor=None, rows=outside, within=tree.street1, commit=False)
    assert report.row_errors[0].column == ix.STREET


def test_landlord_link_in_same_file(tree):
    owner, tenant = resident_id(), resident_id()
    rows = [
        row(tree.a, "房东", owner),
        row(tree.a, "租客", tenant, **{ix.RELATION: "租户", ix.LANDLORD_ID: owner}),
    ]
    report = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=True)
    assert report.committed
    assert Person.objects.get(name="租客").landlord == Person.objects.get(name="房东")
    again = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=False)
    assert again.unchanged == 2


def test_import_outside_scope_refused(tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    with pytest.raises(PermissionDenied):
        services.survey_import(
            actor=worker, rows=[row(tree.b, "x", resident_id())], within=tree.b.community, commit=False
        )


def _csv(rows, encoding, bom=False):
    lines = [",".join(ix.TEMPLATE_HEADERS)] + [
        ",".join(r.get(h, "") for h in ix.TEMPLATE_HEADERS) for r in rows
    ]
    data = "\r\n".join(lines).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize(("encoding", "bom"), [("gbk", False), ("utf-8", True), ("utf-8", False)])
def test_read_csv_encodings(tree, encoding, bom):
    rows = [row(tree.a, "张三", resident_id(), **{ix.REGISTERED: "河北省保定市"})]
    got = ix.read_rows(_csv(rows, encoding, bom), filename="摸排.csv")
    assert got[0][ix.NAME] == "张三" and got[0][ix.REGISTERED] == "河北省保定市"
    assert got[0][ix.ID_NUMBER] == rows[0][ix.ID_NUMBER]


def test_read_xlsx_with_aliases_and_numbers(tmp_path, tree):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "联系电话", "楼栋", "单元", "门牌号"])
    ws.append(["张三", resident_id(), 13800138000, "1号楼", "1单元", 101])
    ws.append([None] * 6)
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    got = ix.read_rows(str(path))
    assert len(got) == 1
    assert got[0][ix.ID_NUMBER] and got[0][ix.PHONE] == "13800138000" and got[0][ix.HOUSEHOLD] == "101"


def test_error_report_marks_bad_cells(tree):
    rows = [row(tree.a, "好人", resident_id()), row(tree.a, "坏电话", resident_id(), phone="12")]
    report = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=False)
    ws = load_workbook(io.BytesIO(ix.error_report(rows, report.row_errors))).worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[-1] == ix.ERROR_HEADER
    phone_col = headers.index(ix.PHONE) + 1
    bad = ws.cell(row=3, column=phone_col)
    assert bad.value == "12" and bad.fill.fgColor.rgb.endswith("FFC7CE") and bad.comment is not None
    assert ws.cell(row=2, column=phone_col).fill.fgColor.rgb != bad.fill.fgColor.rgb
    assert "11 digits" in ws.cell(row=3, column=len(headers)).value
    assert ws.cell(row=2, column=len(headers)).value in ("", None)


def test_batch_confirm_twice_does_not_duplicate(tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    content = _csv([row(tree.a, "张三", resident_id()), row(tree.a, "李四", resident_id())], "gbk")
    batch = services.import_batch_create(
        actor=worker, within=tree.a.community, filename="a.csv", content=content
    )
    assert batch.report["new"] == 2 and batch.state == "preview" and not Person.objects.exists()
    first = services.import_batch_commit(actor=worker, batch=batch)
    second = services.import_batch_commit(actor=worker, batch=batch)
    assert first.new == 2 and second.new == 2  # the stored report, nothing written again
    assert Person.objects.count() == 2
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED and batch.committed_at


def test_batch_with_errors_is_rejected(tree):
    content = _csv([row(tree.a, "张三", bad_check_digit(resident_id()))], "utf-8")
    batch = services.import_batch_create(
        actor=None, within=tree.a.community, filename="a.csv", content=content
    )
    report = services.import_batch_commit(actor=None, batch=batch)
    assert report.errors == 1 and not report.committed and not Person.objects.exists()
    batch.refresh_from_db()
    assert batch.state == "failed"


def test_fast_xlsx_reader_matches_openpyxl(tmp_path, tree):
    """The regex reader (used for speed) reads inline strings, shared strings, numbers and escapes as openpyxl."""
    for write_only in (True, False):
        wb = Workbook(write_only=write_only)
        ws = wb.create_sheet("s") if write_only else wb.active
        ws.append(ix.TEMPLATE_HEADERS)
        ws.append(
            [
                "张<三>&",
                "居民身份证",
                resident_id(),
                13800138000,
                "流动",
                "户主",
                None,
                "",
                "",
                "1号楼",
                "1单元",
                "101室",
                " 河北 ",
                "在京",
                "两行\n备注",
            ]
        )
        ws.append([None] * 3)
        ws.append(["李四", None, resident_id(), "13900139000"])
        path = tmp_path / f"w{write_only}.xlsx"
        wb.save(path)
        fast = ix.read_rows(str(path))
        slow = ix._rows_from_matrix(
            load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
        )
        assert fast == slow
        assert (
            fast[0][ix.NAME] == "张<三>&"
            and fast[0][ix.PHONE] == "13800138000"
            and fast[2][ix.NAME] == "李四"
        )
        assert fast[0][ix.NOTES] == "两行\n备注" and fast[1][ix.NAME] == ""


def test_with_a_broker_upload_and_confirm_only_queue_jobs(
    tree, make_user, client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Production (a broker configured): the request stores the file and queues the preview; confirm
    queues the import; the page says so and refreshes itself; a second confirm queues nothing."""
    from django.urls import reverse

    from fangkong.people import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.import_preview_task, "delay", lambda *a: sent.append(("preview", a)))
    monkeypatch.setattr(tasks.import_commit_task, "delay", lambda *a: sent.append(("commit", a)))
    worker = make_user("community_worker", tree.a.community)
    content = _csv([row(tree.a, "张三", resident_id()), row(tree.a, "李四", resident_id())], "gbk")
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_batch_create(
            actor=worker, within=tree.a.community, filename="a.csv", content=content
        )
    assert batch.state == "analysing" and sent == [("preview", (batch.pk, worker.pk))]
    client.force_login(worker)
    detail = reverse("people:import-detail", args=[batch.pk])
    html = client.get(detail).content.decode()
    assert 'id="import-working"' in html and 'http-equiv="refresh"' in html and "confirm-import" not in html

    tasks.import_preview_task(*sent[0][1])  # what the worker does
    batch.refresh_from_db()
    assert batch.state == "preview" and batch.report["new"] == 2 and not Person.objects.exists()
    assert "confirm-import" in client.get(detail).content.decode()

    confirm = reverse("people:import-commit", args=[batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)  # a double click
    batch.refresh_from_db()
    assert batch.state == "importing" and sent[1:] == [("commit", (batch.pk, worker.pk))]
    assert not Person.objects.exists()

    tasks.import_commit_task(*sent[1][1])
    batch.refresh_from_db()
    assert batch.state == "committed" and Person.objects.count() == 2
    assert 'id="committed"' in client.get(detail).content.decode()


def test_landlord_of_another_community_is_not_linked_nor_disclosed(tree):
    """Issue 9.4: the landlord column links only inside the import's jurisdiction, and a landlord
    registered elsewhere reads exactly like one registered nowhere (preview and commit)."""
    elsewhere = resident_id()
    add_person(tree.b.household, name="外区房东", number=elsewhere)

    def tenant_rows(landlord):
        return [row(tree.a, "租客", resident_id(n=900), **{ix.RELATION: "租户", ix.LANDLORD_ID: landlord})]

    seen = []
    for landlord in (elsewhere, resident_id(n=901)):  # registered in B / registered nowhere
        for commit in (False, True):
            report = services.survey_import(
                actor=None, rows=tenant_rows(landlord), within=tree.a.community, commit=commit
            )
            seen.append([(e.row, e.column, e.message) for e in report.row_errors])
    assert seen[0] == seen[1] == seen[2] == seen[3] and seen[0][0][1] == ix.LANDLORD_ID
    assert not Person.objects.filter(name="租客").exists()


def test_preview_does_not_tell_a_number_is_registered_elsewhere(tree):
    """Issue 9.4: the preview of a number registered in another community looks like a new one; the
    commit then refuses that row and writes nothing."""
    elsewhere, fresh = resident_id(), resident_id()
    add_person(tree.b.household, number=elsewhere)
    previews = [
        services.survey_import(
            actor=None, rows=[row(tree.a, "张三", n)], within=tree.a.community, commit=False
        )
        for n in (elsewhere, fresh)
    ]
    assert [p.as_dict() | {"outcomes": None} for p in previews] == [
        previews[1].as_dict() | {"outcomes": None}
    ] * 2
    assert previews[0].new == 1 and not previews[0].row_errors
    done = services.survey_import(
        actor=None, rows=[row(tree.a, "张三", elsewhere)], within=tree.a.community, commit=True
    )
    assert not done.committed and done.row_errors[0].column == ix.ID_NUMBER
    assert Person.objects.get().area == tree.b.household
