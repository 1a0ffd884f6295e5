"""Laboratory results: a CSV/Excel file (read by fangkong.core.imports, the survey import's machinery) or
an API batch; all or nothing with a row-by-row report; a re-sent file changes nothing. A positive pooled
tube flags its members (status from policy) and lists them for single-tube retest per community; a
positive single tube (or a positive antigen self-test) sets preliminary positive, opens a transfer task
with the policy's deadline and hands the person to case investigation (handoff.py). Writes are
set-based: one statement per step for the whole file, whatever its size."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area
from fangkong.core import dates, metrics
from fangkong.core import imports as core_imports
from fangkong.core.audit import msgid, record, record_bulk
from fangkong.core.imports import ImportFileError, RowError
from fangkong.core.ingest import Phases, copy_rows
from fangkong.people.models import Person, PersonStatus, StatusChange

from .. import handoff, policy
from ..models import (
    AntigenReport,
    Campaign,
    CoverageCount,
    LabImport,
    LabResult,
    RetestItem,
    Sample,
    TargetPerson,
    TransferTask,
    Tube,
)

BARCODE, RESULT, TIME, LAB = "试管条码", "检测结果", "检测时间", "检测机构"
HEADERS = [BARCODE, RESULT, TIME, LAB]
ALIASES = {
    "条码": BARCODE,
    "管码": BARCODE,
    "样本编号": BARCODE,
    "barcode": BARCODE,
    "tube": BARCODE,
    "结果": RESULT,
    "result": RESULT,
    "时间": TIME,
    "报告时间": TIME,
    "time": TIME,
    "tested_at": TIME,
    "机构": LAB,
    "实验室": LAB,
    "检测实验室": LAB,
    "lab": LAB,
}
RESULTS = {
    "阴性": LabResult.Result.NEGATIVE,
    "阳性": LabResult.Result.POSITIVE,
    "negative": LabResult.Result.NEGATIVE,
    "positive": LabResult.Result.POSITIVE,
    "neg": LabResult.Result.NEGATIVE,
    "pos": LabResult.Result.POSITIVE,
    "-": LabResult.Result.NEGATIVE,
    "+": LabResult.Result.POSITIVE,
}
FILE_ERRORS = {
    "too_big": gettext_noop("The file is larger than %(mb)s MB."),
    "too_big_unpacked": gettext_noop("The file unpacks to more than %(mb)s MB."),
    "too_many_rows": gettext_noop("The file has more than %(n)s rows."),
    "unreadable": gettext_noop("The file cannot be read (%(e)s): upload .xlsx or .csv."),
    "header": gettext_noop("Wrong header: the file needs the columns %(need)s (found: %(found)s)."),
    "empty": gettext_noop("The file has no rows."),
    "nul": core_imports.FILE_ERRORS["nul"],
}


@dataclass
class ResultReport:
    rows: int = 0
    recorded: int = 0
    unchanged: int = 0
    positive_tubes: int = 0
    flagged: int = 0
    preliminary: int = 0
    file_error: list | None = None  # [code, params]
    row_errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.row_errors

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "recorded": self.recorded,
            "unchanged": self.unchanged,
            "positive_tubes": self.positive_tubes,
            "flagged": self.flagged,
            "preliminary": self.preliminary,
            "file_error": self.file_error,
            "row_errors": [[e.row, e.column, e.message] for e in self.row_errors[:2000]],
            "error_count": len(self.row_errors),
        }


def file_error_text(code: str, params: dict) -> str:
    try:
        return _(FILE_ERRORS[code]) % params
    except (KeyError, TypeError, ValueError):
        return code


def _parse_time(text: str) -> datetime.datetime | None:
    try:  # the one parser of dates (core.dates): 2022-02-30 or 25:00 is a row error, not a 500
        return dates.parse_datetime(text)
    except dates.DateError:
        return None


def check_rows(campaign: Campaign, rows: list[dict], report: ResultReport) -> list[tuple]:
    """Validate every row against the campaign's tubes; answers the rows to write as
    (tube_id, result, tested_at, lab). Errors go to `report.row_errors` (row 2 = the first data row)."""
    barcodes = {str(r.get(BARCODE, "")).strip().upper() for r in rows} - {""}
    # One query for the whole file: each tube and its result if it has one (a LEFT JOIN), the barcodes
    # passed as one array (not thousands of parameters).
    tubes: dict[str, tuple[int, str]] = {}
    existing: dict[int, str] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT t.id, t.barcode, t.state, r.result FROM screening_tube t "
                "LEFT JOIN screening_labresult r ON r.tube_id = t.id "
                "WHERE t.campaign_id = %s AND t.barcode = ANY(%s)",
                [campaign.pk, list(barcodes)],
            )
            found = cur.fetchall()
    else:  # the embedded demo (SQLite): no arrays, so chunks under its parameter limit
        codes, found = sorted(barcodes), []
        for i in range(0, len(codes), 500):
            chunk = dict(
                Tube.objects.filter(campaign=campaign, barcode__in=codes[i : i + 500]).values_list(
                    "id", "barcode"
                )
            )
            states = dict(Tube.objects.filter(pk__in=chunk).values_list("id", "state"))
            results = dict(LabResult.objects.filter(tube_id__in=chunk).values_list("tube_id", "result"))
            found += [(pk, code, states[pk], results.get(pk)) for pk, code in chunk.items()]
    for pk, code, state, res in found:
        tubes[code] = (pk, state)
        if res is not None:
            existing[pk] = res
    seen: dict[str, str] = {}
    times: dict[str, datetime.datetime | None] = {}  # a lab file repeats a handful of timestamps
    out = []
    now = timezone.now()
    latest = now + datetime.timedelta(minutes=10)
    for i, r in enumerate(rows):
        rownum = i + 2
        code = str(r.get(BARCODE, "")).strip().upper()
        raw_result = str(r.get(RESULT, "")).strip()
        result = RESULTS.get(raw_result.lower(), RESULTS.get(raw_result))
        raw_time = str(r.get(TIME, ""))
        if raw_time in times:
            tested_at = times[raw_time]
        else:
            tested_at = times[raw_time] = _parse_time(raw_time)
        lab = str(r.get(LAB, "")).strip()
        errs = []
        if not code and not any(str(v).strip() for v in r.values()):
            continue  # a blank line inside the data
        tube = tubes.get(code)
        if not code:
            errs.append(RowError(rownum, BARCODE, _("The tube barcode is required.")))
        elif tube is None:
            errs.append(
                RowError(
                    rownum, BARCODE, _("Unknown tube barcode %(code)s in this campaign.") % {"code": code}
                )
            )
        elif tube[1] == Tube.State.OPEN:
            errs.append(
                RowError(
                    rownum,
                    BARCODE,
                    _("Tube %(code)s was never closed: a result cannot belong to it.") % {"code": code},
                )
            )
        if result is None:
            errs.append(RowError(rownum, RESULT, _("The result is 阴性 or 阳性 (negative or positive).")))
        if tested_at is None:
            errs.append(RowError(rownum, TIME, _("Not a date and time (e.g. 2022-05-01 14:30).")))
        elif tested_at > latest:
            errs.append(RowError(rownum, TIME, _("The time lies in the future.")))
        if not lab:
            errs.append(RowError(rownum, LAB, _("The laboratory is required.")))
        elif len(lab) > 100:
            errs.append(RowError(rownum, LAB, _("At most 100 characters.")))
        if code and result is not None:
            if code in seen and seen[code] != result:
                errs.append(
                    RowError(
                        rownum,
                        RESULT,
                        _("Tube %(code)s appears twice with different results.") % {"code": code},
                    )
                )
            if tube is not None and tube[0] in existing and existing[tube[0]] != result:
                errs.append(
                    RowError(
                        rownum,
                        RESULT,
                        _("Tube %(code)s already has the result %(r)s.")
                        % {"code": code, "r": LabResult.Result(existing[tube[0]]).label},
                    )
                )
        if errs:
            report.row_errors.extend(errs)
            continue
        if code in seen or tube[0] in existing:
            report.unchanged += 1
            continue
        seen[code] = result
        out.append((tube[0], result, tested_at, lab))
    return out


@metrics.import_counted("lab_results")
def lab_file_import(*, actor, campaign: Campaign, data: bytes, filename: str) -> LabImport:
    """Read a laboratory file and apply it (all or nothing). The LabImport record keeps the report."""
    report = ResultReport()
    rows: list[dict] = []
    phases = Phases()
    try:
        with phases("read"):
            core_imports.check_upload(data, filename)
            rows = core_imports.read_rows(
                data, filename=filename, max_rows=core_imports.MAX_ROWS * 10, aliases=ALIASES
            )
        if not rows:
            raise ImportFileError("empty")
        missing = [h for h in HEADERS if h not in rows[0]]
        if missing:
            raise ImportFileError(
                "header", need="、".join(HEADERS), found="、".join(k for k in rows[0] if k)[:200]
            )
    except ImportFileError as exc:
        report.file_error = [exc.code, exc.params]
    except (ValueError, UnicodeDecodeError) as exc:
        report.file_error = ["unreadable", {"e": str(exc)[:200]}]
    return results_apply(
        actor=actor,
        campaign=campaign,
        rows=rows,
        filename=filename,
        sha=hashlib.sha256(data).hexdigest(),
        report=report,
        phases=phases,
    )


@transaction.atomic
def results_apply(
    *,
    actor,
    campaign: Campaign,
    rows: list[dict],
    filename: str = "api",
    sha: str = "",
    report: ResultReport | None = None,
    phases: Phases | None = None,
) -> LabImport:
    """Check and write results (rows keyed by HEADERS): nothing is written unless every row is valid.
    The returned LabImport carries `.phases` (seconds of read, validate, write, side effects)."""
    report = report or ResultReport()
    phases = phases or Phases()
    report.rows = len(rows)
    with phases("validate"):
        todo = [] if report.file_error else check_rows(campaign, rows, report)
    imp = LabImport.objects.create(
        filename=filename[:200],
        sha256=sha,
        rows=len(rows),
        by=actor if getattr(actor, "is_authenticated", False) else None,
        area_id=campaign.area_id,
        area_path=campaign.area_path,
    )
    if report.ok and todo:
        sid = transaction.savepoint()
        try:
            _write(actor, campaign, imp, todo, report, phases)
        except Exception:
            transaction.savepoint_rollback(sid)
            raise
        transaction.savepoint_commit(sid)
    report.recorded = len(todo) if report.ok else 0
    imp.applied, imp.unchanged, imp.ok, imp.report = (
        report.recorded,
        report.unchanged,
        report.ok,
        report.as_dict(),
    )
    imp.save(update_fields=["applied", "unchanged", "ok", "report", "updated_at"])
    record(
        imp,
        "create",
        actor=actor,
        message=gettext_noop("Laboratory results %(file)s: %(n)s recorded, %(e)s rows with errors"),
        params={"file": imp.filename, "n": imp.applied, "e": len({e.row for e in report.row_errors})},
    )
    imp.phases = phases.as_dict()
    return imp


# The columns an import writes into screening_labresult, in the order of lab_rows' tuples (the benchmark's
# baseline COPYs the very same tuples).
LAB_COLUMNS = (
    "tube_id",
    "result",
    "tested_at",
    "lab",
    "source_id",
    "area_id",
    "area_path",
    "created_at",
    "updated_at",
)


def lab_rows(todo: list[tuple], source_id: int, campaign: Campaign, now) -> list[tuple]:
    """The checked rows (tube_id, result, tested_at, lab) as screening_labresult rows (LAB_COLUMNS)."""
    area_id, path = campaign.area_id, campaign.area_path
    return [(tid, res, at, lab[:100], source_id, area_id, path, now, now) for tid, res, at, lab in todo]


def _write(
    actor, campaign: Campaign, imp: LabImport, todo: list[tuple], report: ResultReport, phases: Phases
) -> None:
    now = timezone.now()
    with phases("write"):
        # COPY the checked rows straight in (no model instances): the import's bulk of the work.
        copy_rows(LabResult._meta.db_table, LAB_COLUMNS, lab_rows(todo, imp.pk, campaign, now))
        ids = [t[0] for t in todo]
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    "UPDATE screening_tube SET state = 'resulted', updated_at = %s WHERE id = ANY(%s)",
                    [now, ids],
                )
        else:
            for i in range(0, len(ids), 500):
                Tube.objects.filter(pk__in=ids[i : i + 500]).update(state=Tube.State.RESULTED, updated_at=now)
    with phases("side_effects"):
        _side_effects(actor, campaign, imp, report, now, phases)


def _side_effects(
    actor, campaign: Campaign, imp: LabImport, report: ResultReport, now, phases: Phases
) -> None:
    # Sub-phases (bench/README.md quotes them): the maintained counts, the negatives' members, positives.
    with phases("counts"), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE screening_labresult")  # the rows just written: plans by real counts
        # Per-building counts, one UPDATE … FROM for every result: a positive tube of one person makes a
        # preliminary positive, a positive pool makes its members people to re-sample (never positives).
        cur.execute(
            """
            UPDATE screening_coveragecount
            SET pending_results = pending_results - x.n, negative = negative + x.neg,
                positive = positive + x.pos, to_retest = to_retest + x.pool
            FROM (SELECT s.building_id, COUNT(*) AS n,
                         COUNT(*) FILTER (WHERE r.result = 'negative') AS neg,
                         COUNT(*) FILTER (WHERE r.result = 'positive' AND t.count <= 1) AS pos,
                         COUNT(*) FILTER (WHERE r.result = 'positive' AND t.count > 1) AS pool
                  FROM screening_sample s JOIN screening_labresult r ON r.tube_id = s.tube_id
                  JOIN screening_tube t ON t.id = s.tube_id
                  WHERE r.source_id = %s GROUP BY s.building_id) x
            WHERE screening_coveragecount.campaign_id = %s AND screening_coveragecount.area_id = x.building_id
            """,
            [imp.pk, campaign.pk],
        )
    with phases("negative_members"):
        # A negative tube's result is its members' result (the target list filters by it).
        TargetPerson.objects.filter(
            campaign=campaign,
            result=TargetPerson.Result.NONE,
            person_id__in=Sample.objects.filter(
                campaign=campaign, tube__result__source=imp, tube__result__result=LabResult.Result.NEGATIVE
            ).values("person_id"),
        ).update(result=TargetPerson.Result.NEGATIVE, updated_at=now)
    with phases("positives"):
        positives = list(
            LabResult.objects.filter(source=imp, result=LabResult.Result.POSITIVE).select_related("tube")
        )
        report.positive_tubes = len(positives)
        if positives:
            _positives(actor, campaign, positives, report)


def _community_ids(paths: set[str]) -> dict[str, int]:
    """Community area id by path prefix (a community is level community; depth varies little)."""
    prefixes = {p[:i] for p in paths for i in range(8, len(p) + 1, 4)}
    return dict(Area.objects.filter(path__in=prefixes, level="community").values_list("path", "pk"))


def _community_of(path: str, communities: dict[str, int], fallback: int) -> int:
    for i in range(len(path), 0, -4):
        if path[:i] in communities:
            return communities[path[:i]]
    return fallback


def _positives(actor, campaign: Campaign, positives: list[LabResult], report: ResultReport) -> None:
    tube_ids = [r.tube_id for r in positives]
    samples = list(
        Sample.objects.filter(tube_id__in=tube_ids).values_list(
            "person_id", "tube_id", "area_id", "area_path", "sampled_at"
        )
    )
    by_tube: dict[int, list] = {}
    for s in samples:
        by_tube.setdefault(s[1], []).append(s)
    result_of = {r.tube_id: r for r in positives}
    # A tube with several people is a pool (retest each alone); a tube with one person names them (the
    # tube's count, as the coverage counts read it).
    pooled = [s for t, ss in by_tube.items() if result_of[t].tube.count > 1 for s in ss]
    single = [s for t, ss in by_tube.items() if result_of[t].tube.count <= 1 for s in ss]
    now = timezone.now()
    if pooled:
        communities = _community_ids({s[3] for s in pooled})
        RetestItem.objects.bulk_create(
            [
                RetestItem(
                    campaign=campaign,
                    person_id=p,
                    tube_id=t,
                    area_id=a,
                    area_path=path,
                    community_id=_community_of(path, communities, a),
                )
                for p, t, a, path, _at in pooled
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        TargetPerson.objects.filter(campaign=campaign, person_id__in=[s[0] for s in pooled]).update(
            result=TargetPerson.Result.FLAGGED, updated_at=now
        )
        # The policy's status for them is an observation order's (居家观察): it is given through the
        # observation service, with its policy days, reports and end, never as a bare status.
        status = policy.value(policy.POOL_POSITIVE_STATUS, at=now, area=campaign.area)
        first_tube: dict[int, int] = {}
        for p, t, _a, _path, _at in pooled:
            first_tube.setdefault(p, t)
        handoff.on_pool_positive(
            actor=actor,
            person_ids=list(first_tube),
            status=status,
            sources={p: f"screening.Tube:{t}" for p, t in first_tube.items()},
        )
        report.flagged = len(pooled)
    if single:
        hours = int(policy.value(policy.TRANSFER_HOURS, at=now, area=campaign.area))
        persons = {p.pk: p for p in Person.objects.filter(pk__in=[s[0] for s in single])}
        TargetPerson.objects.filter(campaign=campaign, person_id__in=list(persons)).update(
            result=TargetPerson.Result.PRELIMINARY_POSITIVE, updated_at=now
        )
        _status_bulk(
            actor,
            list(persons),
            PersonStatus.PRELIMINARY_POSITIVE,
            _("single tube positive (preliminary)"),
            f"screening.Campaign:{campaign.pk}",
        )
        for p, t, _a, _path, sampled_at in single:
            r = result_of[t]
            transfer_open(
                actor=actor,
                campaign=campaign,
                person=persons[p],
                source=f"screening.Tube:{t}",
                start=r.tested_at,
                hours=hours,
            )
            handoff.on_preliminary_positive(
                actor=actor, person=persons[p], sampled_at=sampled_at, lab=r.lab, ref=f"screening.Tube:{t}"
            )
        report.preliminary = len(single)


def _status_bulk(actor, person_ids: list[int], status: str, reason: str, source: str) -> None:
    """Append a dated status to many people at once (the registry's status rule, set-based)."""
    if not person_ids:
        return
    now = timezone.now()
    # Whole rows: the change log snapshots every field, and a deferred field would cost one query per
    # person and field (10,000 flagged people took minutes).
    people = list(Person.objects.filter(pk__in=person_ids))
    by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if connection.vendor == "postgresql":
        # One INSERT … SELECT of the dated entries (no model instances on the way).
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO people_statuschange (person_id, area_id, area_path, status, since, reason, "
                "set_by_id, source, created_at, updated_at) "
                "SELECT id, area_id, area_path, %s, %s, %s, %s, %s, %s, %s FROM people_person WHERE id = ANY(%s)",
                [
                    status,
                    now,
                    reason[:200],
                    by.pk if by else None,
                    source[:80],
                    now,
                    now,
                    [p.pk for p in people],
                ],
            )
    else:
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    person_id=p.pk,
                    area_id=p.area_id,
                    area_path=p.area_path,
                    status=status,
                    since=now,
                    reason=reason[:200],
                    set_by=by,
                    source=source[:80],
                )
                for p in people
            ],
            batch_size=5000,
        )
    changed = [p for p in people if p.status != status]
    befores = {p.pk: {"status": p.status} for p in changed}
    Person.objects.filter(pk__in=[p.pk for p in changed]).update(status=status, updated_at=now)
    for p in changed:
        p.status = status
    record_bulk(
        changed,
        "update",
        actor=actor,
        befores=befores,
        message=gettext_noop("status: %(reason)s"),
        params={"reason": reason},
    )


@transaction.atomic
def transfer_open(
    *, actor, campaign: Campaign | None, person: Person, source: str, start=None, hours: int | None = None
) -> TransferTask:
    """应转尽转: a task to transfer a preliminary positive before the policy's deadline (idempotent)."""
    start = start or timezone.now()
    if hours is None:
        hours = int(policy.value(policy.TRANSFER_HOURS, at=start, area=person.area_path))
    task, created = TransferTask.objects.get_or_create(
        person=person,
        source=source[:120],
        defaults={
            "campaign": campaign,
            "deadline": start + datetime.timedelta(hours=hours),
            "area_id": person.area_id,
            "area_path": person.area_path,
        },
    )
    if created:
        record(
            task,
            "create",
            actor=actor,
            message=gettext_noop("Transfer task opened for %(person)s"),
            params={"person": person.name},
        )
    return task


@transaction.atomic
def transfer_done(*, actor, task: TransferTask) -> TransferTask:
    task = TransferTask.objects.select_for_update().get(pk=task.pk)
    if task.state == TransferTask.State.DONE:
        raise ValidationError(_("Already transferred."))
    task.state, task.done_at = TransferTask.State.DONE, timezone.now()
    task.save(update_fields=["state", "done_at", "updated_at"])
    record(task, "update", actor=actor, message=gettext_noop("Transferred"))
    return task


@transaction.atomic
def retest_done(*, actor, item: RetestItem) -> RetestItem:
    item = RetestItem.objects.select_for_update().get(pk=item.pk)
    if item.done_at is not None:
        raise ValidationError(_("Already re-sampled."))
    item.done_at = timezone.now()
    item.save(update_fields=["done_at", "updated_at"])
    record(item, "update", actor=actor, message=gettext_noop("Re-sampled in a single tube"))
    return item


@transaction.atomic
def antigen_report(*, target: TargetPerson, result: str) -> AntigenReport:
    """A resident's antigen self-test from their phone link. It counts toward the campaign where its
    regime allows; a positive opens the same follow-up as a positive single tube."""
    if result not in AntigenReport.Result.values:
        raise ValidationError({"result": _("Choose negative or positive.")})
    campaign = target.campaign
    if campaign.state == Campaign.State.FINISHED:
        raise ValidationError(_("The campaign is finished."))
    now = timezone.now()
    counted = bool(campaign.antigen_counts) and target.state == TargetPerson.State.PENDING
    rep = AntigenReport.objects.create(
        campaign=campaign,
        person=target.person,
        result=result,
        reported_at=now,
        counted=counted,
        area_id=target.area_id,
        area_path=target.area_path,
    )
    if counted:
        TargetPerson.objects.filter(pk=target.pk).update(
            state=TargetPerson.State.SAMPLED,
            result=TargetPerson.Result.NEGATIVE
            if result == "negative"
            else TargetPerson.Result.PRELIMINARY_POSITIVE,
            updated_at=now,
        )
        CoverageCount.objects.filter(campaign=campaign, area_id=target.building_id).update(
            sampled=F("sampled") + 1,
            **({"negative": F("negative") + 1} if result == "negative" else {"positive": F("positive") + 1}),
        )
    record(
        rep,
        "create",
        actor=None,
        message=gettext_noop("Antigen self-test reported: %(result)s"),
        params={"result": msgid(AntigenReport.Result(result).label)},
    )
    if result == AntigenReport.Result.POSITIVE:
        _status_bulk(
            None,
            [target.person_id],
            PersonStatus.PRELIMINARY_POSITIVE,
            _("antigen self-test positive"),
            f"screening.AntigenReport:{rep.pk}",
        )
        transfer_open(
            actor=None,
            campaign=campaign,
            person=target.person,
            source=f"screening.AntigenReport:{rep.pk}",
            start=now,
        )
        handoff.on_preliminary_positive(
            actor=None,
            person=target.person,
            sampled_at=now,
            lab=_("antigen self-test"),
            ref=f"screening.AntigenReport:{rep.pk}",
        )
    return rep
