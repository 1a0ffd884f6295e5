"""Import of the city platform's dispatch export: all-or-nothing with a row-by-row error report, idempotent
on the city's order number (a re-import adds nothing), set-based writes (COPY on PostgreSQL).

Audit: the import writes ONE change-log record for the batch (file name, within, counts, the numbers'
range) rather than one per order; each order's own timeline starts with its status and its `created_by`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core import metrics, sql
from fangkong.core.audit import record
from fangkong.core.imports import FILE_ERRORS as CORE_FILE_ERRORS
from fangkong.core.imports import ImportFileError, RowError
from fangkong.core.ingest import Phases
from fangkong.core.ingest import copy_rows as _copy_rows
from fangkong.core.models import ChangeLog

from .. import hooks
from .. import imports as ix
from ..matching import candidates, match_with, normalise
from ..models import Channel, Status, WorkOrder, new_token
from ..policy import DeadlineTable
from .common import _user, area_for
from .intake import clean_fields

FILE_ERRORS = {
    **CORE_FILE_ERRORS,
    "too_big": gettext_noop("The file is larger than %(mb)s MB."),
    "too_big_unpacked": gettext_noop("The spreadsheet unpacks to more than %(mb)s MB."),
    "unreadable": gettext_noop("The file cannot be read as .xlsx or .csv (%(e)s)."),
    "too_many_rows": gettext_noop("More than %(max)s rows: split the file."),
}


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0  # already imported (the same city number): a re-import adds nothing
    triage: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    message: str = ""
    phases: Phases = field(default_factory=Phases)  # seconds of read, validate, write, side effects

    @property
    def ok(self) -> bool:
        return not self.errors and not self.message


def _file_error(exc: ImportFileError) -> str:
    text = FILE_ERRORS.get(exc.code)
    return (
        _(text) % exc.params
        if text
        else _("The file cannot be read as .xlsx or .csv (%(e)s).") % {"e": exc.code}
    )


def _streets_by_name(within: Area) -> dict[str, Area]:
    if within.level == Level.STREET:
        return {normalise(within.name): within}
    return {
        normalise(a.name): a for a in Area.objects.filter(path__startswith=within.path, level=Level.STREET)
    }


# Plain strings for the row tuples (an enum member costs a lookup per row when COPY adapts it).
CITY_DISPATCH, TO_DISPATCH, TRIAGE = (
    Channel.CITY_DISPATCH.value,
    Status.TO_DISPATCH.value,
    Status.TRIAGE.value,
)

COLUMNS = [
    "area_id",
    "area_path",
    "created_at",
    "updated_at",
    "street_id",
    "channel",
    "city_number",
    "received_at",
    "caller_name",
    "caller_phone",
    "address",
    "match_score",
    "category",
    "text",
    "urgency",
    "deadline_class",
    "status",
    "response_due",
    "resolve_due",
    "outcome",
    "outcome_reason",
    "reply",
    "paused_seconds",
    "reopen_count",
    "rating",
    "rating_channel",
    "rating_note",
    "callback_token",
    "created_by_id",
    "place_id",
    "policy_versions",
]


def prepare_rows(
    *, actor, within: Area, rows: list[dict], now=None
) -> tuple[list[tuple], list[RowError], int, int]:
    """Validate and resolve every row: (tuples in COLUMNS order, errors, already imported, triage count)."""
    import json

    now = now or timezone.now()
    errors: list[RowError] = []
    if rows:
        present = set(rows[0].keys())
        missing = [h for h in ix.REQUIRED_HEADERS if h not in present]
        if missing:
            raise ValidationError(
                _("Wrong columns: the file has no %(missing)s. Expected columns: %(expected)s.")
                % {"missing": "、".join(missing), "expected": "、".join(ix.TEMPLATE_HEADERS)}
            )
    streets = _streets_by_name(within)
    own_street = within if within.level == Level.STREET else None
    cand = candidates(within)
    table = DeadlineTable()
    seen: dict[str, int] = {}
    numbers = [str(r.get(ix.NUMBER) or "").strip() for r in rows]
    existing = set(
        WorkOrder.objects.filter(
            channel=Channel.CITY_DISPATCH, city_number__in=[n for n in numbers if n]
        ).values_list("city_number", flat=True)
    )
    out: list[tuple] = []
    skipped = triage = 0
    versions = None
    actor_id = _user(actor).pk if _user(actor) else None
    paths: dict[int, str] = {}
    matches: dict[tuple, object] = {}
    parsed: dict[str, object] = {}
    for i, row in enumerate(rows):
        rownum = i + 2
        cleaned = clean_fields({f: row.get(h, "") for h, f in ix.FIELDS.items()}, now=now, memo=parsed)
        for name, message in cleaned.errors.items():
            errors.append(RowError(rownum, ix.HEADER_OF.get(name, ""), message))
        f = cleaned.fields
        number = f["city_number"]
        if number:
            if number in seen:
                errors.append(
                    RowError(
                        rownum,
                        ix.NUMBER,
                        _("Order number %(n)s also in row %(row)s.") % {"n": number, "row": seen[number]},
                    )
                )
                continue
            seen[number] = rownum
        street = own_street
        street_name = normalise(row.get(ix.STREET, "") or "")
        if street_name:
            named = streets.get(street_name) or next(
                (s for k, s in streets.items() if street_name in k or k in street_name), None
            )
            if named is None or (own_street is not None and named.pk != own_street.pk):
                errors.append(RowError(rownum, ix.STREET, _("Unknown street.")))
                continue
            street = named
        if cleaned.errors:
            continue
        if number in existing:
            skipped += 1
            continue
        key = (f["address"], street.pk if street else None)
        m = matches.get(key)
        if m is None:  # a month's orders name the same estates again and again
            m = matches[key] = match_with(cand, f["address"], street_id=key[1])
        if m.confident:
            area_id, status = m.area_id, TO_DISPATCH
            street_id = m.street_id or cand.nodes[m.area_id].street_id
        elif m.street_id:
            area_id, status, street_id = m.street_id, TRIAGE, m.street_id
            triage += 1
        else:
            errors.append(
                RowError(
                    rownum, ix.ADDRESS, _("The address names no street here: add the street (街道) column.")
                )
            )
            continue
        path = paths.get(area_id)
        if path is None:
            node = cand.nodes.get(area_id)
            path = paths[area_id] = node.path if node else Area.objects.get(pk=area_id).path
        response_due, resolve_due = table.dues(
            category=f["category"], urgency=f["urgency"], received_at=f["received_at"], path=path
        )
        if versions is None:
            versions = json.dumps({"import": now.isoformat()})
        out.append(
            (
                area_id,
                path,
                now,
                now,
                street_id,
                CITY_DISPATCH,
                number,
                f["received_at"],
                f["caller_name"],
                f["caller_phone"],
                f["address"],
                m.score if m.score else None,
                f["category"],
                f["text"],
                f["urgency"],
                f["deadline_class"],
                status,
                response_due,
                resolve_due,
                "",
                "",
                "",
                0,
                0,
                "",
                "",
                "",
                new_token(),
                actor_id,
                m.place_id if m.confident else None,
                versions,
            )
        )
    return out, errors, skipped, triage


def copy_rows(table: str, tuples: list[tuple]) -> None:
    """Write prepared rows (COLUMNS order): COPY on PostgreSQL, a multi-row INSERT elsewhere."""
    _copy_rows(table, COLUMNS, tuples)


@metrics.import_counted("hotline_orders", lambda r: "committed" if r.ok else "rejected")
@transaction.atomic
def order_import(*, actor, within, filename: str, content: bytes) -> ImportResult:
    """Import the city's dispatch file under `within` (a street, or the district with a 街道 column).
    Any bad row → nothing is written and every bad row is reported; rows whose order number is already
    filed are skipped (idempotent)."""
    within = (
        area_for(actor, within, "hotline.add_workorder", above_street=True)
        if actor is not None
        else Area.objects.get(pk=getattr(within, "pk", within))
    )
    result = ImportResult()
    phases = result.phases
    try:
        with phases("read"):
            rows = ix.read_rows(content, filename)
    except ImportFileError as exc:
        result.message = _file_error(exc)
        return result
    except (ValueError, UnicodeDecodeError) as exc:
        result.message = _("The file cannot be read as .xlsx or .csv (%(e)s).") % {"e": str(exc)[:120]}
        return result
    result.rows = rows
    if not rows:
        result.message = _("The file has no rows.")
        return result
    try:
        with phases("validate"):
            tuples, errors, skipped, triage = prepare_rows(actor=actor, within=within, rows=rows)
    except ValidationError as exc:
        result.message = " ".join(exc.messages)
        return result
    result.skipped = skipped
    if errors:
        result.errors = errors
        return result
    if tuples:
        try:
            with phases("write"), transaction.atomic():
                copy_rows(WorkOrder._meta.db_table, tuples)
        except IntegrityError:
            result.message = _(
                "Some of these order numbers were filed at the same moment by another import: import the file again."
            )
            return result
    result.created, result.triage = len(tuples), triage
    with phases("side_effects"):
        _after_import(actor, within, filename, result, tuples, skipped, triage)
    return result


def _after_import(actor, within, filename, result, tuples, skipped, triage) -> None:
    """One change-log record for the batch, then the hooks of the orders just filed."""
    record(
        within,
        ChangeLog.Action.UPDATE,
        actor=_user(actor),
        before=None,
        message=gettext_noop(
            "Imported %(created)s work orders from %(file)s (%(skipped)s already filed, %(triage)s to triage)"
        ),
        params={"created": result.created, "file": filename[:100], "skipped": skipped, "triage": triage},
    )
    if tuples:
        # The new orders' ids (COPY returns none): one array parameter on PostgreSQL, and ids, not
        # 100,000 model instances, for the hooks (the rates' rollup refreshes by id, set-based). The
        # `<> ''` lets the planner use the partial unique index: it cannot prove it from an array
        # parameter, and without the index each row is compared with the whole array (36 s for 10,000).
        numbers = [t[6] for t in tuples]
        if connection.vendor == "postgresql":
            rows = sql.fetch(
                f"SELECT id FROM {WorkOrder._meta.db_table} "
                "WHERE channel = %s AND city_number <> '' AND city_number = ANY(%s)",
                [CITY_DISPATCH, numbers],
                prepare=False,
            )
            ids = [r[0] for r in rows]
        else:
            ids = []
            for i in range(0, len(numbers), 500):
                ids += WorkOrder.objects.filter(
                    channel=Channel.CITY_DISPATCH, city_number__in=numbers[i : i + 500]
                ).values_list("pk", flat=True)
        hooks.fire_bulk(ids, event="created")


def import_error_report(result: ImportResult) -> bytes:
    return ix.error_report(result.rows, result.errors)
