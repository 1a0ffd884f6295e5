"""Staff lists: one member at a time, or a whole list from Excel/CSV (core.imports: all-or-nothing with
a row-by-row error report). People are matched to the registry by document number, else by phone."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import crypto, metrics
from fangkong.core import imports as core_imports
from fangkong.core.audit import model_update, record, record_bulk
from fangkong.core.identity import (
    IdentityError,
    IdType,
    mask_id,
    mask_phone,
    normalise_id,
    validate_document,
    validate_mobile,
)
from fangkong.core.imports import RowError
from fangkong.core.models import ChangeLog
from fangkong.people.models import Person

from .. import imports as ix
from ..models import Room, StaffMember, Workplace
from .common import _visible, workplace_for

STAFF_FIELDS = ("name", "phone", "id_number", "position", "shift", "room", "active")


def _document(value: str) -> str:
    """A resident ID (with its check digit) or a passport/permit number, normalised; IdentityError if neither."""
    number = normalise_id(value)
    if len(number) == 18 and number[:17].isdigit():
        return validate_document(IdType.RESIDENT, number)
    for t in (IdType.PASSPORT, IdType.HKMO, IdType.TAIWAN):
        try:
            return validate_document(t, number)
        except IdentityError:
            continue
    return validate_document(IdType.RESIDENT, number)  # its message: the usual case


def _identity(*, phone: str, id_number: str) -> dict:
    """The stored forms of phone and document (encrypted/indexed/masked); ValidationError per field."""
    errors, out = {}, {"phone_enc": "", "phone_hash": "", "phone_masked": "", "id_hash": "", "id_masked": ""}
    if phone:
        try:
            p = validate_mobile(phone)
            out.update(
                phone_enc=crypto.encrypt(p),
                phone_hash=crypto.blind_index(p, kind="phone"),
                phone_masked=mask_phone(p),
            )
        except IdentityError as exc:
            errors["phone"] = str(exc)
    if id_number:
        try:
            n = _document(id_number)
            out.update(id_hash=crypto.blind_index(n, kind="id"), id_masked=mask_id(n))
        except IdentityError as exc:
            errors["id_number"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return out


def _match(id_hash: str, phone_hash: str, name: str) -> int | None:
    """The registered resident this member is: by document, else by phone (preferring the same name)."""
    if id_hash:
        pk = Person.objects.filter(id_hash=id_hash).values_list("pk", flat=True).first()
        if pk:
            return pk
    if phone_hash:
        qs = Person.objects.filter(phone_hash=phone_hash)
        return (
            qs.filter(name=name).values_list("pk", flat=True).first()
            or qs.values_list("pk", flat=True).first()
        )
    return None


def _shift(value: str) -> str:
    v = (value or "").strip()
    return ix.SHIFT_WORDS.get(v, ix.SHIFT_WORDS.get(v.lower(), v))[:50]


def _room_of(workplace, room):
    if room is None:
        return None
    pk = getattr(room, "pk", room)
    r = Room.objects.filter(pk=pk, workplace=workplace).first()
    if r is None:
        raise ValidationError({"room": _("Unknown room.")})
    return r


@transaction.atomic
def staff_add(
    *,
    actor,
    workplace,
    name: str,
    phone: str = "",
    id_number: str = "",
    position: str = "",
    shift: str = "",
    room=None,
) -> StaffMember:
    workplace = workplace_for(actor, workplace, "workplaces.add_staffmember")
    name = (name or "").strip()[:50]
    if not name:
        raise ValidationError({"name": _("A name is required.")})
    ident = _identity(phone=phone, id_number=id_number)
    dup = StaffMember.objects.filter(workplace=workplace)
    if (
        ident["id_hash"]
        and dup.filter(id_hash=ident["id_hash"]).exists()
        or (ident["phone_hash"] and dup.filter(phone_hash=ident["phone_hash"], name=name).exists())
    ):
        raise ValidationError({"name": _("This person is already on the staff list.")})
    member = StaffMember.objects.create(
        area_id=workplace.area_id,
        area_path=workplace.area_path,
        workplace=workplace,
        name=name,
        position=(position or "")[:50],
        shift=_shift(shift),
        room=_room_of(workplace, room),
        person_id=_match(ident["id_hash"], ident["phone_hash"], name),
        **ident,
    )
    record(member, ChangeLog.Action.CREATE, actor=actor)
    return member


@transaction.atomic
def staff_update(*, actor, member, **fields) -> StaffMember:
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    m = _visible(
        StaffMember,
        actor,
        "workplaces.change_staffmember",
        member,
        field="member",
        message=_("Unknown staff member."),
    )
    data = {}
    if "name" in fields:
        data["name"] = (fields["name"] or "").strip()[:50]
        if not data["name"]:
            raise ValidationError({"name": _("A name is required.")})
    if "phone" in fields or "id_number" in fields:
        ident = _identity(phone=fields.get("phone", ""), id_number=fields.get("id_number", ""))
        for k in (("phone_enc", "phone_hash", "phone_masked") if "phone" in fields else ()) + (
            ("id_hash", "id_masked") if "id_number" in fields else ()
        ):
            data[k] = ident[k]
    for f in ("position",):
        if f in fields:
            data[f] = (fields[f] or "")[:50]
    if "shift" in fields:
        data["shift"] = _shift(fields["shift"])
    if "room" in fields:
        data["room"] = _room_of(m.workplace, fields["room"])
    if "active" in fields:
        data["active"] = bool(fields["active"])
    if {"phone_hash", "id_hash", "name"} & set(data):
        data["person_id"] = _match(
            data.get("id_hash", m.id_hash), data.get("phone_hash", m.phone_hash), data.get("name", m.name)
        )
    m, _c = model_update(m, data, actor=actor)
    return m


# ---------------------------------------------------------------- import


@dataclass
class StaffImportReport:
    new: int = 0
    updated: int = 0
    matched: int = 0  # rows matched to a registered resident
    errors: int = 0  # rows with at least one error
    row_errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    rows: list[dict] = field(default_factory=list)

    def error_xlsx(self) -> bytes:
        return core_imports.error_report(
            self.rows, self.row_errors, headers=ix.TEMPLATE_HEADERS, title="错误报告"
        )


FILE_ERRORS = {
    "too_big": gettext_noop("The file is larger than %(mb)s MB."),
    "too_big_unpacked": gettext_noop("The file unpacks to more than %(mb)s MB."),
    "too_many_rows": gettext_noop("The file has more than %(n)s rows: split it."),
    "unreadable": gettext_noop("The file cannot be read (%(e)s): save it again as .xlsx or .csv."),
    **core_imports.FILE_ERRORS,
}


def _file_error(exc: core_imports.ImportFileError) -> ValidationError:
    msg = FILE_ERRORS.get(exc.code)
    return ValidationError({"file": _(msg) % exc.params if msg else _("The file cannot be read.")})


def _resolve_workplaces(actor, rows, fixed) -> tuple[dict, dict]:
    """Workplace per row: the fixed one, or the row's 单位编号 / 单位名称 among those the actor may add
    staff to. Unknown and ambiguous names are row errors."""
    if fixed is not None:
        return {}, {}
    qs = (
        Workplace.objects.all()
        if actor is None
        else Workplace.objects.visible_to(actor, "workplaces.add_staffmember")
    )
    names = {r.get(ix.WORKPLACE, "").strip() for r in rows} - {""}
    ids = {r.get(ix.WORKPLACE_ID, "").strip() for r in rows} - {""}
    by_name: dict[str, list] = {}
    for w in qs.filter(name__in=names):
        by_name.setdefault(w.name, []).append(w)
    by_id = {str(w.pk): w for w in qs.filter(pk__in=[i for i in ids if i.isdigit() and len(i) < 18])}
    return by_name, by_id


@metrics.import_counted("workplace_staff")
@transaction.atomic
def staff_import(
    *, actor, content: bytes, filename: str, workplace=None, commit: bool = True
) -> StaffImportReport:
    """Read a staff list; any row error (an unknown workplace, a bad phone or ID, an unknown room)
    writes nothing and reports every bad row; otherwise every row is written (existing members, known by
    document or phone and name, are updated: importing the same file twice adds nobody twice)."""
    if workplace is not None:
        workplace = workplace_for(actor, workplace, "workplaces.add_staffmember")
    try:
        core_imports.check_upload(content, filename)
        rows = core_imports.read_rows(content, filename=filename, max_rows=20000, aliases=ix.HEADER_ALIASES)
    except core_imports.ImportFileError as exc:
        raise _file_error(exc) from None
    except ValueError as exc:
        raise ValidationError(
            {
                "file": _("The file cannot be read (%(e)s): save it again as .xlsx or .csv.")
                % {"e": str(exc)[:200]}
            }
        ) from None
    report = StaffImportReport(rows=rows)
    if not rows:
        raise ValidationError({"file": _("The file has no rows.")})
    if ix.NAME not in rows[0]:
        raise ValidationError(
            {"file": _("The file has no column “%(col)s”: use the template.") % {"col": ix.NAME}}
        )
    by_name, by_id = _resolve_workplaces(actor, rows, workplace)
    planned = []
    seen = set()
    room_cache: dict = {}
    for i, row in enumerate(rows):
        rownum = i + 2
        errs = []
        if not any(row.values()):
            continue
        wp = workplace
        if wp is None:
            wid, wname = row.get(ix.WORKPLACE_ID, "").strip(), row.get(ix.WORKPLACE, "").strip()
            if wid:
                wp = by_id.get(wid)
                if wp is None:
                    errs.append(
                        RowError(rownum, ix.WORKPLACE_ID, _("Unknown workplace number %(id)s.") % {"id": wid})
                    )
            elif wname:
                found = by_name.get(wname, [])
                if len(found) == 1:
                    wp = found[0]
                elif not found:
                    errs.append(
                        RowError(rownum, ix.WORKPLACE, _("Unknown workplace “%(name)s”.") % {"name": wname})
                    )
                else:
                    errs.append(
                        RowError(
                            rownum,
                            ix.WORKPLACE,
                            _("Several workplaces are called “%(name)s”: give the workplace number.")
                            % {"name": wname},
                        )
                    )
            else:
                errs.append(RowError(rownum, ix.WORKPLACE, _("Name the workplace.")))
        name = row.get(ix.NAME, "").strip()
        if not name:
            errs.append(RowError(rownum, ix.NAME, _("A name is required.")))
        ident = {}
        try:
            ident = _identity(
                phone=row.get(ix.PHONE, "").strip(), id_number=row.get(ix.ID_NUMBER, "").strip()
            )
        except ValidationError as exc:
            col = {"phone": ix.PHONE, "id_number": ix.ID_NUMBER}
            for f, msgs in exc.message_dict.items():
                errs.extend(RowError(rownum, col[f], m) for m in msgs)
        room = None
        dorm_name, room_no = row.get(ix.DORMITORY, "").strip(), row.get(ix.ROOM, "").strip()
        if wp is not None and (dorm_name or room_no):
            key = (wp.pk, dorm_name, room_no)
            if key not in room_cache:
                qs = Room.objects.filter(workplace=wp, number=room_no)
                if dorm_name:
                    qs = qs.filter(dormitory__name=dorm_name)
                found_rooms = list(qs[:2])
                room_cache[key] = found_rooms[0] if len(found_rooms) == 1 else None
            room = room_cache[key]
            if room is None:
                errs.append(
                    RowError(
                        rownum,
                        ix.ROOM,
                        _("Unknown dormitory room “%(dorm)s %(room)s”.")
                        % {"dorm": dorm_name, "room": room_no},
                    )
                )
        if wp is not None and name:
            dedup = (wp.pk, ident.get("id_hash") or (ident.get("phone_hash"), name) or name)
            if ident.get("id_hash") or ident.get("phone_hash"):
                if dedup in seen:
                    errs.append(RowError(rownum, ix.NAME, _("The same person appears twice in the file.")))
                seen.add(dedup)
        if errs:
            report.errors += 1
            report.row_errors.extend(errs)
            continue
        planned.append((wp, name, ident, room, row))
    if report.errors or not commit:
        return report
    existing: dict = {}
    wp_ids = {wp.pk for wp, *_r in planned}
    for m in StaffMember.objects.filter(workplace_id__in=wp_ids):
        if m.id_hash:
            existing[(m.workplace_id, "id", m.id_hash)] = m
        if m.phone_hash:
            existing[(m.workplace_id, "phone", m.phone_hash, m.name)] = m
    new, updated = [], []
    for wp, name, ident, room, row in planned:
        m = (ident.get("id_hash") and existing.get((wp.pk, "id", ident["id_hash"]))) or (
            ident.get("phone_hash") and existing.get((wp.pk, "phone", ident["phone_hash"], name))
        )
        person_id = _match(ident.get("id_hash", ""), ident.get("phone_hash", ""), name)
        if person_id:
            report.matched += 1
        values = {
            "name": name,
            "position": row.get(ix.POSITION, "").strip()[:50],
            "shift": _shift(row.get(ix.SHIFT, "")),
            "room": room,
            "person_id": person_id,
            "active": True,
            **{k: v for k, v in ident.items() if v},
        }
        if m:
            model_update(m, values, actor=actor, message=gettext_noop("updated by a staff list import"))
            updated.append(m)
        else:
            new.append(StaffMember(area_id=wp.area_id, area_path=wp.area_path, workplace=wp, **values))
    StaffMember.objects.bulk_create(new, batch_size=2000)
    record_bulk(new, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("imported from a staff list"))
    report.new, report.updated, report.committed = len(new), len(updated), True
    return report
