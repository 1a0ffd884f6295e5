"""Import limits: the upload request only stores the file and checks cheap things; reading runs in the
background job, and a file past the documented limits is refused with a clear message."""

import io
import struct
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from fangkong.core import imports as core_ix
from fangkong.people import imports as ix
from fangkong.people import services
from fangkong.people.models import ImportBatch, Person

from .helpers import resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    return client


def _csv(tree, n, name="张三"):
    base = [tree.a.building.name, tree.a.entrance.name, tree.a.household.name]
    heads = [ix.NAME, ix.ID_NUMBER, ix.BUILDING, ix.ENTRANCE, ix.HOUSEHOLD]
    lines = [",".join(heads)] + [",".join([f"{name}{i}", resident_id(), *base]) for i in range(n)]
    return "\n".join(lines).encode("utf-8")


def _declared_bomb() -> bytes:
    """A few hundred bytes whose zip directory declares a 4 GB sheet (a zip bomb as openpyxl sees it)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    data = bytearray(buf.getvalue())
    at = data.rfind(b"PK\x01\x02")  # the last central directory entry: the sheet
    struct.pack_into("<I", data, at + 24, 0xFFFF0000)  # its uncompressed size
    return bytes(data)


def _deflated_bomb(mb: int) -> bytes:
    """A real zip bomb: `mb` MB of zeros deflated to a few hundred KB."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/worksheets/sheet1.xml", "w") as fh,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _i in range(mb):
            fh.write(chunk)
    return buf.getvalue()


def _upload(client, within, data, name):
    return client.post(
        "/people/import/",
        {"within": within.pk, "file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


@pytest.mark.parametrize("bomb", ["declared", "deflated"])
def test_zip_bomb_refused_in_the_request_quickly_and_small(worker, tree, monkeypatch, bomb):
    if bomb == "declared":
        data = _declared_bomb()
    else:
        monkeypatch.setattr(core_ix, "MAX_UNPACKED_BYTES", 20 * 1024 * 1024)  # a 40 MB bomb suffices
        data = _deflated_bomb(40)
    assert len(data) < 200_000
    tracemalloc.start()
    t0 = time.perf_counter()
    resp = _upload(worker, tree.a.community, data, "survey.xlsx")
    elapsed = time.perf_counter() - t0
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert resp.status_code == 400
    assert "解压后超过" in resp.content.decode()
    assert elapsed < 5 and peak < 20 * 1024 * 1024, (elapsed, peak)
    assert not ImportBatch.objects.exists()


def test_member_larger_than_declared_is_refused_by_the_reader(monkeypatch):
    """A header that understates the size does not help: reading stops at the limit."""
    monkeypatch.setattr(core_ix, "MAX_UNPACKED_BYTES", 5 * 1024 * 1024)
    data = _deflated_bomb(4)
    ix.check_upload(data, "a.xlsx")  # declares 4 MB: under the limit
    monkeypatch.setattr(core_ix, "MAX_UNPACKED_BYTES", 3 * 1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(data)) as zf, pytest.raises(ix.ImportFileError) as exc:
        ix._member(zf, "xl/worksheets/sheet1.xml")
    assert exc.value.code == "too_big_unpacked"


def test_file_over_the_size_limit_is_refused(worker, tree, monkeypatch):
    monkeypatch.setattr(core_ix, "MAX_FILE_BYTES", 1024)
    resp = _upload(worker, tree.a.community, _csv(tree, 40), "survey.csv")
    assert resp.status_code == 400 and "文件超过" in resp.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_file_over_the_row_limit_is_refused_with_the_message(worker, tree, monkeypatch, kind):
    monkeypatch.setattr(core_ix, "MAX_ROWS", 30)
    data = _csv(tree, 31)
    if kind == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("s")
        for line in data.decode().split("\n"):
            ws.append(line.split(","))
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    resp = _upload(worker, tree.a.community, data, f"survey.{kind}")
    batch = ImportBatch.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/people/import/{batch.pk}/"
    assert batch.state == ImportBatch.State.FAILED and batch.content  # the file is kept, nothing lost
    page = worker.get(resp["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="file-error"' in page and "超过 30 行" in page and 'id="confirm-import"' not in page
    with translation.override("en"):  # the message is translated when shown, not when the job ran
        assert "more than 30 rows" in services.file_error_text(*batch.report["file_error"])
    assert worker.get(f"/people/import/{batch.pk}/errors.xlsx").status_code == 404
    assert not Person.objects.exists()


def test_file_at_the_row_limit_still_imports(worker, tree, monkeypatch):
    monkeypatch.setattr(core_ix, "MAX_ROWS", 30)
    data = _csv(tree, 30) + b"\n,,,,\n,,,,\n"  # trailing blank lines do not count
    resp = _upload(worker, tree.a.community, data, "survey.csv")
    batch = ImportBatch.objects.get()
    assert resp.status_code == 302 and batch.state == ImportBatch.State.PREVIEW and batch.row_count == 30
    worker.post(f"/people/import/{batch.pk}/confirm/")
    assert Person.objects.count() == 30


def test_unreadable_and_columnless_files_fail_in_the_job_with_why(tree):
    with pytest.raises(ValidationError) as exc:  # a broken zip directory: refused in the request
        services.import_batch_create(
            actor=None, within=tree.a.community, filename="a.xlsx", content=b"PK\x03\x04 broken"
        )
    assert "file" in exc.value.message_dict and not ImportBatch.objects.exists()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "not a workbook")
    bad = services.import_batch_create(
        actor=None, within=tree.a.community, filename="a.xlsx", content=buf.getvalue()
    )
    assert bad.state == "failed" and bad.report["file_error"][0] == "unreadable"
    cols = services.import_batch_create(
        actor=None, within=tree.a.community, filename="a.csv", content="名字,电话\n张三,1\n".encode()
    )
    assert cols.state == "failed" and cols.report["file_error"][0] == "missing_columns"
    assert "证件号码" in services.file_error_text(*cols.report["file_error"])


def test_upload_request_does_not_read_rows(tree, monkeypatch, settings, django_capture_on_commit_callbacks):
    """With a broker the request only stores and queues: the rows are read by the worker alone."""
    from fangkong.people import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks.import_preview_task, "delay", lambda *a: None)
    monkeypatch.setattr(ix, "read_rows", lambda *a, **k: pytest.fail("read in the request"))
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_batch_create(
            actor=None, within=tree.a.community, filename="a.csv", content=_csv(tree, 3)
        )
    assert batch.state == "analysing" and batch.row_count == 0
