"""Import batches: upload, preview, confirm, commit, cancel, the error report and expiry of files."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area
from fangkong.core import imports as core_imports
from fangkong.core import jobs, metrics
from fangkong.core.audit import record, record_access, snapshot
from fangkong.core.identity import (
    mask_id,
    mask_phone,
)
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from .. import imports as ix
from ..metrics import IMPORT_KIND as METRIC_KIND
from ..models import ImportBatch
from .imports import ImportReport, survey_import
from .registry import _actor, may_reveal_in

# ---------------------------------------------------------------- import batches (upload -> preview -> confirm)


# Why a whole file was refused, by code (imports.ImportFileError): translated when shown, so the reader
# sees it in their own language although the background job that found it had none.
FILE_ERRORS = {
    "unreadable": _lazy("This file cannot be read as .xlsx or .csv: %(e)s"),
    "too_big": _lazy("The file is larger than %(mb)s MB: split it."),
    "too_big_unpacked": _lazy(
        "The spreadsheet unpacks to more than %(mb)s MB: it is not a survey sheet, or split it."
    ),
    "too_many_rows": _lazy("The file has more than %(n)s rows: split it into several files."),
    "no_rows": _lazy("The file has no rows."),
    "missing_columns": _lazy("Missing columns: %(c)s. Use the template."),
    "nul": _lazy(core_imports.FILE_ERRORS["nul"]),
}


def file_error_text(code: str, params: dict) -> str:
    return str(FILE_ERRORS.get(code, FILE_ERRORS["unreadable"])) % {"e": code, **params}


@transaction.atomic
def import_batch_create(*, actor, within: Area, filename: str, content: bytes) -> ImportBatch:
    """Keep the upload server-side and queue its preview; confirm later needs no re-upload.

    The request checks only what is cheap (imports.check_upload: size, an .xlsx's zip directory, so a
    zip bomb is refused before anything unpacks it). Reading and checking the rows is the background
    job's (state `analysing` until it is done); a file it refuses ends `failed` with the reason."""
    if (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and not user_can_see_path(actor, "people.add_person", within.path)
    ):
        raise PermissionDenied(_("You may not import residents into this area."))
    try:
        ix.check_upload(content, filename)
    except ix.ImportFileError as exc:
        raise ValidationError({"file": file_error_text(exc.code, exc.params)}) from exc
    batch = ImportBatch.objects.create(
        area=within,
        area_path=within.path,
        filename=filename[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=_actor(actor),
        row_count=0,
        report={},
        state=ImportBatch.State.ANALYSING,
    )
    record(batch, ChangeLog.Action.CREATE, actor=actor)
    from ..tasks import import_preview_task

    jobs.enqueue(import_preview_task, batch.pk, getattr(_actor(actor), "pk", None))
    batch.refresh_from_db(fields=["state", "report", "row_count", "updated_at"])  # done when run inline
    return batch


def _batch_rows_checked(batch: ImportBatch) -> list[dict]:
    """The batch's rows, or ImportFileError for a file that cannot be imported as a whole."""
    try:
        rows = import_batch_rows(batch)
    except ix.ImportFileError:
        raise
    except Exception as exc:  # openpyxl/csv raise many kinds on a broken file
        raise ix.ImportFileError("unreadable", e=str(exc)[:200]) from exc
    if not rows:
        raise ix.ImportFileError("no_rows")
    missing = [h for h in ix.REQUIRED if h not in rows[0]]
    if missing:
        raise ix.ImportFileError("missing_columns", c="、".join(missing))
    return rows


def import_batch_preview(*, batch_id: int, actor) -> ImportBatch:
    """The background half of an upload: read the file (within the limits of imports), validate every
    row, store the outcomes (writes no person). A file refused as a whole ends `failed` with why."""
    batch = ImportBatch.objects.select_related("area").get(pk=batch_id)
    if batch.state != ImportBatch.State.ANALYSING:
        return batch
    try:
        rows = _batch_rows_checked(batch)
    except ix.ImportFileError as exc:
        ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.ANALYSING).update(
            report={"file_error": [exc.code, exc.params]},
            state=ImportBatch.State.FAILED,
            updated_at=timezone.now(),
        )
        batch.refresh_from_db(fields=["report", "state", "updated_at"])
        metrics.imports_counted(kind=METRIC_KIND, outcome="failed")
        return batch
    report = survey_import(actor=actor, rows=rows, within=batch.area, commit=False)
    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.ANALYSING).update(
        report=report.as_dict(),
        state=ImportBatch.State.PREVIEW,
        row_count=len(rows),
        updated_at=timezone.now(),
    )
    batch.refresh_from_db(fields=["report", "state", "row_count", "updated_at"])
    metrics.imports_counted(kind=METRIC_KIND, outcome="previewed")
    return batch


def import_batch_rows(batch: ImportBatch) -> list[dict]:
    return ix.read_rows(bytes(batch.content), filename=batch.filename, max_rows=core_imports.MAX_ROWS)


def import_batch_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """Queue the import of a previewed upload. A second confirm (double click, second tab) finds the
    batch importing or committed and queues nothing."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ImportBatch.State.PREVIEW:
            return batch
        if not batch.content:
            raise ValidationError({"file": _("The uploaded file has been deleted; upload it again.")})
        batch.state = ImportBatch.State.IMPORTING
        batch.save(update_fields=["state", "updated_at"])
        from ..tasks import import_commit_task

        jobs.enqueue(import_commit_task, batch.pk, getattr(_actor(actor), "pk", None))
    batch.refresh_from_db(fields=["state", "report", "committed_at", "updated_at"])
    return batch


def import_batch_run(*, batch_id: int, actor) -> ImportBatch:
    """The background half of a confirm. All-or-nothing: a failure halfway leaves the registry as it
    was and the batch back in preview, to be confirmed again.

    Safe to run twice (a broker redelivers a job whose worker died): the commit locks the batch row and
    a committed batch writes nothing; a batch no longer being imported (cancelled, put back to preview)
    is left alone, since only a confirm queues an import."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state not in (ImportBatch.State.IMPORTING, ImportBatch.State.COMMITTED):
        return batch
    try:
        import_batch_commit(actor=actor, batch=batch)
    except Exception:
        ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.IMPORTING).update(
            state=ImportBatch.State.PREVIEW, updated_at=timezone.now()
        )
        raise
    batch.refresh_from_db()
    return batch


@transaction.atomic
def import_batch_commit(*, actor, batch: ImportBatch) -> ImportReport:
    """Apply a previewed upload. Confirming again (double click, second tab) writes nothing."""
    batch = ImportBatch.objects.select_for_update().select_related("area").get(pk=batch.pk)
    if batch.state == ImportBatch.State.COMMITTED:
        return ImportReport.from_dict(batch.report)
    if not batch.content:
        raise ValidationError({"file": _("The uploaded file has been deleted; upload it again.")})
    report = survey_import(
        actor=actor, rows=import_batch_rows(batch), within=batch.area, commit=True, batch=batch
    )
    if not report.committed:
        before = snapshot(batch)
        batch.report = report.as_dict()
        batch.state = ImportBatch.State.FAILED if report.errors else ImportBatch.State.PREVIEW
        batch.save(update_fields=["report", "state", "updated_at"])
        record(
            batch,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=before,
            message=gettext_noop("import rejected"),
        )
    metrics.imports_counted(kind=METRIC_KIND, outcome="committed" if report.committed else "rejected")
    return report


# ---------------------------------------------------------------- uploads: error report, cancel, expiry

# Columns of a survey file that hold personal numbers, with how each is masked for the error report.
REPORT_MASKS = {ix.ID_NUMBER: mask_id, ix.LANDLORD_ID: mask_id, ix.PHONE: mask_phone}


@transaction.atomic
def import_error_report(*, actor, batch: ImportBatch) -> bytes:
    """The uploaded rows with the bad cells marked (.xlsx). ID numbers and phones are in clear only for
    a role that may reveal them in the batch's area, and each such download is logged in the access
    log; everyone else gets them masked."""
    batch = ImportBatch.objects.get(pk=batch.pk)
    if not batch.content:
        raise ValidationError({"file": _("The uploaded file has been deleted; upload it again.")})
    rows = import_batch_rows(batch)
    report = ImportReport.from_dict(batch.report or {})
    if may_reveal_in(actor, batch.area_path):
        record_access(actor=actor, instance=batch, field="error_report", reason="survey import error report")
    else:
        rows = [{k: REPORT_MASKS[k](v) if v and k in REPORT_MASKS else v for k, v in r.items()} for r in rows]
    return ix.error_report(rows, report.row_errors)


def _drop_upload(batch: ImportBatch, *, actor, message: str) -> None:
    """Delete the stored file; the batch stays with its report (counts, masked numbers) for the record."""
    before = snapshot(batch)
    if batch.state in (ImportBatch.State.ANALYSING, ImportBatch.State.PREVIEW):
        batch.state = ImportBatch.State.FAILED  # nothing left to confirm
    batch.content = b""
    batch.save(update_fields=["content", "state", "updated_at"])
    record(batch, ChangeLog.Action.UPDATE, actor=actor, before=before, message=message)


@transaction.atomic
def import_batch_cancel(*, actor, batch: ImportBatch) -> ImportBatch:
    """The uploader drops a previewed file: it is deleted now, not kept until it expires."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state in (ImportBatch.State.IMPORTING, ImportBatch.State.COMMITTED):
        raise ValidationError({"state": _("This file is being imported or was imported already.")})
    _drop_upload(batch, actor=actor, message=gettext_noop("upload cancelled, file deleted"))
    return batch


def import_files_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of uploads left longer than settings.IMPORT_FILE_RETENTION_HOURS (abandoned
    previews, rejected files kept for their error report). The periodic task calls this."""
    from django.conf import settings

    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IMPORT_FILE_RETENTION_HOURS)
    stale = (
        ImportBatch.objects.filter(updated_at__lt=cutoff)
        .exclude(state=ImportBatch.State.IMPORTING)
        .exclude(content=b"")
        .values_list("pk", flat=True)
    )
    n = 0
    for pk in list(stale):
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().filter(pk=pk).first()
            if batch is not None and batch.content and batch.state != ImportBatch.State.IMPORTING:
                _drop_upload(batch, actor=None, message=gettext_noop("upload expired, file deleted"))
                n += 1
    return n
