"""A unit's list imported in one go (Excel or CSV through core.imports, validated like the door-to-door
survey): every row is checked first; one bad row (a bad phone, a bad ID, a number twice) and nothing is
written, and the answer lists every bad row with its message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fangkong.areas.models import Area
from fangkong.core import imports as core_imports
from fangkong.core import metrics
from fangkong.core.audit import record_bulk
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from .. import imports as ix
from ..models import Worker
from .workers import identity_fields

MAX_IMPORT_ROWS = 20_000

IMPORT_FILE_ERRORS = {
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


@dataclass
class WorkerImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[core_imports.RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _file_error(code: str, params: dict) -> ValidationError:
    text = str(IMPORT_FILE_ERRORS.get(code, IMPORT_FILE_ERRORS["unreadable"])) % {"e": code, **params}
    return ValidationError({"file": text})


def _skills(text: str) -> tuple[list[str], list[str]]:
    keys, unknown = [], []
    for part in re.split(r"[、,，;；/\s]+", text or ""):
        if not part:
            continue
        key = ix.SKILL_NAMES.get(part)
        (keys if key else unknown).append(key or part)
    return list(dict.fromkeys(keys)), unknown


def _check_row(row: dict, rownum: int, defaults: dict, errors: list) -> dict | None:
    """The worker fields of one row, or None with its errors appended."""

    def bad(column, message):
        errors.append(core_imports.RowError(rownum, column, str(message)))

    start = len(errors)
    name = row.get(ix.NAME, "").strip()
    if not name:
        bad(ix.NAME, _("The name is required."))
    elif len(name) > 50:
        bad(ix.NAME, _("The name is longer than 50 characters."))
    id_type = ix.ID_TYPES.get(row.get(ix.ID_TYPE, "").strip())
    if id_type is None:
        bad(ix.ID_TYPE, _("Unknown document type."))
    number = row.get(ix.ID_NUMBER, "").strip()
    phone = row.get(ix.PHONE, "").strip()
    if not number:
        bad(ix.ID_NUMBER, _("The document number is required."))
    if not phone:
        bad(ix.PHONE, _("The phone is required."))
    ident = {}
    if id_type and number:
        try:
            ident = identity_fields(id_type, number, "")
        except ValidationError as exc:
            bad(ix.ID_NUMBER, " ".join(exc.messages))
    if phone:
        try:
            ident.update(
                {k: v for k, v in identity_fields(id_type or "", "", phone).items() if k != "id_type"}
            )
        except ValidationError as exc:
            bad(ix.PHONE, " ".join(exc.messages))
    kind_text = row.get(ix.KIND, "").strip()
    kind = ix.KINDS.get(kind_text) if kind_text else defaults["kind"]
    if kind is None:
        bad(ix.KIND, _("Unknown kind: use 下沉干部, 志愿者 or 在职党员."))
    level_text = row.get(ix.LEVEL, "").strip()
    level = ix.LEVELS.get(level_text) if level_text else defaults["level"]
    if level is None:
        bad(ix.LEVEL, _("Unknown level: use 市级, 区级, 街道 or 社区."))
    skills, unknown = _skills(row.get(ix.SKILLS, ""))
    if unknown:
        bad(ix.SKILLS, _("Unknown skill: %(s)s.") % {"s": "、".join(unknown)})
    unit = row.get(ix.HOME_UNIT, "").strip() or defaults["home_unit"]
    if len(unit) > 100:
        bad(ix.HOME_UNIT, _("The unit's name is longer than 100 characters."))
    if len(errors) > start:
        return None
    return {
        "name": name,
        "kind": kind,
        "level": level,
        "home_unit": unit,
        "skills": skills,
        "notes": row.get(ix.NOTES, "").strip()[:2000],
        **ident,
    }


@metrics.import_counted("workforce_workers")
def worker_import(
    *,
    actor,
    area: Area,
    content: bytes,
    filename: str,
    kind: str = Worker.Kind.CADRE,
    level: str = Worker.Level.DISTRICT,
    home_unit: str = "",
) -> WorkerImportResult:
    """Import a unit's list into the team of `area` (the unit's street before assignment, or a
    community). All or nothing: with any bad row nothing is written and `errors` names each one."""
    if actor is not None and not user_can_see_path(actor, "workforce.add_worker", area.path):
        raise PermissionDenied(_("You may not import workers into this area."))
    if kind not in Worker.Kind.values or level not in Worker.Level.values:
        raise ValidationError(_("Choose the kind and level of the list."))
    try:
        core_imports.check_upload(content, filename)
        rows = ix.read_rows(content, filename, max_rows=MAX_IMPORT_ROWS)
    except core_imports.ImportFileError as exc:
        raise _file_error(exc.code, exc.params) from exc
    except (ValueError, UnicodeDecodeError, KeyError, OSError) as exc:
        raise _file_error("unreadable", {"e": str(exc)[:200]}) from exc
    if not rows:
        raise _file_error("no_rows", {})
    missing = [h for h in ix.REQUIRED if h not in rows[0]]
    if missing:
        raise _file_error("missing_columns", {"c": "、".join(missing)})
    result = WorkerImportResult(rows=rows)
    defaults = {"kind": kind, "level": level, "home_unit": (home_unit or "").strip()[:100]}
    checked: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        rownum = i + 2
        if not any(row.values()):
            continue
        data = _check_row(row, rownum, defaults, result.errors)
        if data is None:
            continue
        h = data.get("id_hash", "")
        if h in seen:
            result.errors.append(
                core_imports.RowError(
                    rownum, ix.ID_NUMBER, _("The same document number is on row %(row)s.") % {"row": seen[h]}
                )
            )
            continue
        seen[h] = rownum
        checked.append((rownum, data))
    known = set(Worker.objects.filter(id_hash__in=list(seen)).values_list("id_hash", flat=True))
    for rownum, data in checked:
        if data["id_hash"] in known:
            result.errors.append(
                core_imports.RowError(
                    rownum, ix.ID_NUMBER, _("A worker with this document number is already registered.")
                )
            )
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    from fangkong.people.models import Person

    # Each worker's record in the resident registry (same document number, same HMAC index).
    persons = dict(Person.objects.filter(id_hash__in=list(seen)).values_list("id_hash", "pk"))
    workers = [
        Worker(
            area=area,
            area_path=area.path,
            status=Worker.Status.ACTIVE,
            person_id=persons.get(data["id_hash"]),
            **data,
        )
        for _r, data in checked
    ]
    try:
        with transaction.atomic():
            created = Worker.objects.bulk_create(workers, batch_size=1000)
            record_bulk(created, ChangeLog.Action.CREATE, actor=actor)
    except IntegrityError as exc:  # a concurrent import of the same numbers
        raise ValidationError(_("A worker with this document number is already registered.")) from exc
    result.created = len(created)
    return result
