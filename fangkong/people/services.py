"""Writes of the registry. Each function is one transaction and writes its change-log record.

Personal data: document numbers and phones are validated (core.identity), stored encrypted
(core.crypto.encrypt) with an HMAC blind index for exact lookup and a masked copy for display.
Showing a clear value goes through `person_reveal`, which checks the permission and logs the access.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop
from pypinyin import Style, pinyin

from fangkong.areas.models import Area, Level
from fangkong.core import crypto, jobs
from fangkong.core.audit import record, record_access, record_bulk, snapshot
from fangkong.core.identity import (
    IdentityError,
    IdType,
    mask_id,
    mask_phone,
    normalise_id,
    parse_resident_id,
    validate_document,
    validate_mobile,
)
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from . import imports as ix
from .models import ImportBatch, Person, PersonStatus, StatusChange, Visit, VulnerableEntry

REVEALABLE = {"id_number": "id_number_enc", "phone": "phone_enc"}


# ---------------------------------------------------------------- helpers (pure, no queries)


@functools.lru_cache(maxsize=20000)
def _char_initial(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    p = pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return p[0][0].lower() if p and p[0] and p[0][0] else ""


def name_initials(name: str) -> str:
    """Pinyin initials for search: 张三 -> 'zs' (cached per character: fast on 100,000 names)."""
    return "".join(_char_initial(ch) for ch in (name or "") if not ch.isspace())[:50]


def _document(id_type: str, number: str) -> tuple[str, str | None, datetime.date | None]:
    """(normalised number, sex, birth date) or IdentityError."""
    if id_type == IdType.RESIDENT:
        rid = parse_resident_id(number)
        return rid.number, rid.sex, rid.birth_date
    return validate_document(id_type, number), None, None


def _set_document(person: Person, id_type: str, number: str) -> None:
    try:
        number, sex, birth = _document(id_type, number)
    except IdentityError as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    id_hash = crypto.blind_index(number, kind="id")
    clash = Person.objects.filter(id_hash=id_hash)
    if person.pk:
        clash = clash.exclude(pk=person.pk)
    if clash.exists():
        raise ValidationError({"id_number": _("A resident with this document number is already registered.")})
    person.id_type = id_type
    person.id_number_enc = crypto.encrypt(number)
    person.id_hash = id_hash
    person.id_masked = mask_id(number)
    if sex:
        person.sex, person.birth_date = sex, birth


def _set_phone(person: Person, phone: str) -> None:
    if not phone:
        person.phone_enc = person.phone_hash = person.phone_masked = ""
        return
    try:
        phone = validate_mobile(phone)
    except IdentityError as exc:
        raise ValidationError({"phone": str(exc)}) from exc
    person.phone_enc = crypto.encrypt(phone)
    person.phone_hash = crypto.blind_index(phone, kind="phone")
    person.phone_masked = mask_phone(phone)


def _check_household(household: Area) -> None:
    if household is None or household.level != Level.HOUSEHOLD:
        raise ValidationError({"household": _("A resident lives in a household: choose a household.")})


def _check_landlord(person: Person, landlord: Person | None) -> None:
    if landlord is None:
        return
    if person.pk and landlord.pk == person.pk:
        raise ValidationError({"landlord": _("A person cannot be their own landlord.")})
    if person.relation not in (Person.Relation.TENANT, Person.Relation.DORMITORY):
        raise ValidationError({"landlord": _("Only tenants and dormitory residents have a landlord.")})


def _household_head(household_id: int, *, exclude_pk: int | None = None) -> Person | None:
    qs = Person.objects.filter(area_id=household_id, relation=Person.Relation.OWNER)
    return qs.exclude(pk=exclude_pk).first() if exclude_pk else qs.first()


def _check_one_head(person: Person) -> None:
    """A household has one head (户主); making a second is refused wherever it comes from."""
    if person.relation != Person.Relation.OWNER:
        return
    head = _household_head(person.area_id, exclude_pk=person.pk)
    if head is not None:
        raise ValidationError(
            {"relation": _("This household already has a head: %(name)s.") % {"name": head.name}}
        )


def _save(person: Person) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise ValidationError(
            {"id_number": _("A resident with this document number is already registered.")}
        ) from exc


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------- people


@transaction.atomic
def person_create(
    *,
    actor,
    household: Area,
    name: str,
    id_number: str,
    id_type: str = IdType.RESIDENT,
    phone: str = "",
    person_type: str = Person.Type.PERMANENT,
    relation: str | None = None,
    landlord: Person | None = None,
    registered_residence: str = "",
    return_status: str = Person.Return.PRESENT,
    notes: str = "",
) -> Person:
    """A new resident. Without a relation: head of the household (户主) if it has none yet, else a
    family member."""
    _check_household(household)
    if relation is None:
        relation = Person.Relation.FAMILY if _household_head(household.pk) else Person.Relation.OWNER
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    person = Person(
        area=household,
        area_path=household.path,
        name=name,
        name_initials=name_initials(name),
        person_type=person_type,
        relation=relation,
        registered_residence=registered_residence,
        return_status=return_status,
        notes=notes,
    )
    _set_document(person, id_type, id_number)
    _set_phone(person, phone)
    _check_landlord(person, landlord)
    person.landlord = landlord
    _check_one_head(person)
    person.full_clean(exclude=["id_number_enc", "id_hash", "landlord", "area"])
    _save(person)
    record(person, ChangeLog.Action.CREATE, actor=actor)
    return person


PERSON_FIELDS = (
    "name",
    "id_type",
    "id_number",
    "phone",
    "person_type",
    "relation",
    "landlord",
    "registered_residence",
    "return_status",
    "notes",
)


@transaction.atomic
def person_update(*, actor, person: Person, **fields) -> Person:
    """Change the listed fields; `id_number` / `phone` are given in clear and re-encrypted."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise ValidationError({"name": _("The name is required.")})
        person.name, person.name_initials = name, name_initials(name)
    for f in ("person_type", "relation", "registered_residence", "return_status", "notes"):
        if f in fields:
            setattr(person, f, fields[f])
    if "id_number" in fields or "id_type" in fields:
        number = fields.get("id_number") or crypto.decrypt(person.id_number_enc)
        _set_document(person, fields.get("id_type", person.id_type), number)
    if "phone" in fields:
        _set_phone(person, fields["phone"] or "")
    if "landlord" in fields:
        person.landlord = fields["landlord"]
    if (
        person.relation not in (Person.Relation.TENANT, Person.Relation.DORMITORY)
        and "landlord" not in fields
    ):
        person.landlord = None
    _check_landlord(person, person.landlord)
    if "relation" in fields:
        _check_one_head(person)
    person.full_clean(exclude=["id_number_enc", "id_hash", "landlord", "area"])
    _save(person)
    record(person, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return person


def _follow(person: Person, household: Area) -> None:
    """The person's registry records (status history, ledger, visits) follow them to the new household."""
    for model, flt in (
        (StatusChange, {"person": person}),
        (VulnerableEntry, {"person": person}),
        (Visit, {"entry__person": person}),
    ):
        model.objects.filter(**flt).update(area=household, area_path=household.path)


@transaction.atomic
def person_move(
    *,
    actor,
    person: Person,
    household: Area,
    relation: str | None = None,
    landlord: Person | None = None,
    reason: str = "",
) -> Person:
    """Move a person to another household (搬迁), optionally with a new relation and landlord."""
    _check_household(household)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    person.area, person.area_path = household, household.path
    if relation:
        person.relation = relation
    person.landlord = (
        landlord if person.relation in (Person.Relation.TENANT, Person.Relation.DORMITORY) else None
    )
    _check_landlord(person, landlord)
    if relation:
        _check_one_head(person)
    person.save()
    _follow(person, household)
    record(
        person,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("moved to %(h)s: %(reason)s") if reason else gettext_noop("moved to %(h)s"),
        params={"h": household.full_name(), "reason": reason} if reason else {"h": household.full_name()},
    )
    return person


@transaction.atomic
def person_edit(*, actor, person: Person, household: Area | None = None, **fields) -> Person:
    """An edit that may also move the person (the API's PUT/PATCH): the move and the field changes
    commit together or not at all."""
    if household is not None and household.pk != person.area_id:
        person = person_move(
            actor=actor,
            person=person,
            household=household,
            relation=fields.get("relation"),
            landlord=fields.get("landlord"),
        )
    if fields:
        person = person_update(actor=actor, person=person, **fields)
    return person


@transaction.atomic
def person_relation_set(*, actor, person: Person, relation: str, landlord: Person | None = None) -> Person:
    """The household relation (户主/家属/租户/宿舍) and, for tenants, the landlord link."""
    if relation not in Person.Relation.values:
        raise ValidationError({"relation": _("Unknown relation.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    person.relation = relation
    _check_landlord(person, landlord)
    _check_one_head(person)
    person.landlord = landlord
    person.save(update_fields=["relation", "landlord", "updated_at"])
    record(person, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return person


def may_reveal(user, person: Person) -> bool:
    return may_reveal_in(user, person.area_path)


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str, reason: str) -> str:
    """The clear document number or phone, for a role that may see it; every reveal is logged."""
    if field not in REVEALABLE:
        raise ValidationError({"field": _("Only the document number or the phone can be revealed.")})
    if not may_reveal(actor, person):
        raise PermissionDenied(_("Your role may not see full ID numbers and phones here."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why you need the full value.")})
    record_access(actor=actor, instance=person, field=field, reason=reason)
    return crypto.decrypt(getattr(person, REVEALABLE[field]))


# Gates and observation build on this signature: keep it stable.
@transaction.atomic
def person_status_set(
    *,
    actor,
    person: Person,
    status: str,
    reason: str,
    since: datetime.datetime | None = None,
    source: str = "",
) -> StatusChange:
    """Append a dated status (人员分类管理); the person's current status follows the latest entry."""
    if status not in PersonStatus.values:
        raise ValueError(f"unknown status {status!r}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    change = StatusChange.objects.create(
        area_id=person.area_id,
        area_path=person.area_path,
        person=person,
        status=status,
        since=since or timezone.now(),
        reason=reason,
        set_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        source=source,
    )
    latest = person.status_history.order_by("-since", "-id").first()
    if latest is not None and latest.status != person.status:
        before = snapshot(person)
        person.status = latest.status
        person.save(update_fields=["status", "updated_at"])
        record(
            person,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=before,
            message=gettext_noop("status: %(reason)s"),
            params={"reason": reason},
        )
    record(change, ChangeLog.Action.CREATE, actor=actor)
    return change


# ---------------------------------------------------------------- vulnerable ledger


@transaction.atomic
def vulnerable_entry_create(
    *,
    actor,
    person: Person,
    category: str,
    responsible=None,
    responsible_name: str = "",
    needs: str = "",
    active: bool = True,
) -> VulnerableEntry:
    if category not in VulnerableEntry.Category.values:
        raise ValidationError({"category": _("Unknown category.")})
    if VulnerableEntry.objects.filter(person=person, category=category).exists():
        raise ValidationError({"category": _("This person is already on the ledger in this category.")})
    if responsible is not None and not responsible_name:
        responsible_name = str(responsible)
    entry = VulnerableEntry(
        area_id=person.area_id,
        area_path=person.area_path,
        person=person,
        category=category,
        responsible=responsible,
        responsible_name=responsible_name,
        needs=needs,
        active=active,
    )
    entry.full_clean(exclude=["area", "person", "responsible"])
    entry.save()
    record(entry, ChangeLog.Action.CREATE, actor=actor)
    return entry


@transaction.atomic
def vulnerable_entry_update(*, actor, entry: VulnerableEntry, **fields) -> VulnerableEntry:
    allowed = {"category", "responsible", "responsible_name", "needs", "active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    entry = VulnerableEntry.objects.select_for_update().get(pk=entry.pk)
    before = snapshot(entry)
    for k, v in fields.items():
        setattr(entry, k, v)
    if entry.category not in VulnerableEntry.Category.values:
        raise ValidationError({"category": _("Unknown category.")})
    if (
        VulnerableEntry.objects.filter(person_id=entry.person_id, category=entry.category)
        .exclude(pk=entry.pk)
        .exists()
    ):
        raise ValidationError({"category": _("This person is already on the ledger in this category.")})
    if "responsible" in fields and fields["responsible"] is not None and not fields.get("responsible_name"):
        entry.responsible_name = str(fields["responsible"])
    entry.save()
    record(entry, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return entry


@transaction.atomic
def visit_add(
    *,
    actor,
    entry: VulnerableEntry,
    date: datetime.date,
    channel: str,
    findings: str,
    follow_up: str = "",
    by=None,
) -> Visit:
    if channel not in Visit.Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if not (findings or "").strip():
        raise ValidationError({"findings": _("Write down what you found.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("A visit cannot be in the future.")})
    visit = Visit.objects.create(
        area_id=entry.area_id,
        area_path=entry.area_path,
        entry=entry,
        date=date,
        channel=channel,
        findings=findings,
        follow_up=follow_up,
        by=by if by is not None else _actor(actor),
    )
    record(visit, ChangeLog.Action.CREATE, actor=actor)
    return visit


# ---------------------------------------------------------------- door-to-door import


@dataclass
class RowError:
    row: int  # spreadsheet row number (the header is row 1)
    column: str
    message: str


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0  # rows with at least one error
    moved: int = 0  # of `updated`: people who changed household inside the jurisdiction
    row_errors: list[RowError] = field(default_factory=list)
    outcomes: list[tuple[int, str, str, str, str]] = field(
        default_factory=list
    )  # row, outcome, name, masked, place
    committed: bool = False

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + self.errors

    def as_dict(self) -> dict:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "moved": self.moved,
            "committed": self.committed,
            "row_errors": [[e.row, e.column, e.message] for e in self.row_errors],
            "outcomes": self._kept_outcomes(),
        }

    def _kept_outcomes(self) -> list[list]:
        """Every error row, then the first rows of the rest, up to OUTCOME_LIMIT, in row order."""
        errors = [o for o in self.outcomes if o[1] == "error"]
        others = [o for o in self.outcomes if o[1] != "error"][: max(0, OUTCOME_LIMIT - len(errors))]
        return [list(o) for o in sorted(errors + others, key=lambda o: o[0])]

    @classmethod
    def from_dict(cls, d: dict) -> ImportReport:
        return cls(
            new=d.get("new", 0),
            updated=d.get("updated", 0),
            unchanged=d.get("unchanged", 0),
            errors=d.get("errors", 0),
            moved=d.get("moved", 0),
            committed=d.get("committed", False),
            row_errors=[RowError(*e) for e in d.get("row_errors", [])],
            outcomes=[tuple(o) for o in d.get("outcomes", [])],
        )


OUTCOME_LIMIT = 2000  # rows kept for the preview table
CHUNK = 5000  # ids per IN (...) lookup: far under PostgreSQL's bind-parameter limit
ADDRESS_LEVELS = [
    (Level.STREET, ix.STREET),
    (Level.COMMUNITY, ix.COMMUNITY),
    (Level.BUILDING, ix.BUILDING),
    (Level.ENTRANCE, ix.ENTRANCE),
    (Level.HOUSEHOLD, ix.HOUSEHOLD),
]
ORDER = [lvl.value for lvl in Level]
# Fields an import may change on an existing person (blank optional cells keep the stored value).
IMPORT_UPDATE_FIELDS = [
    "name",
    "name_initials",
    "id_type",
    "phone_enc",
    "phone_hash",
    "phone_masked",
    "person_type",
    "relation",
    "landlord",
    "registered_residence",
    "return_status",
    "notes",
    "area",
    "area_path",
    "updated_at",
]


COMPARE_FIELDS = [
    "id",
    "id_hash",
    "area_id",
    "area_path",
    "name",
    "id_type",
    "person_type",
    "relation",
    "return_status",
    "registered_residence",
    "notes",
    "landlord_id",
    "phone_hash",
]


def _by_hashes(hashes: list[str]):
    """People by document index; on PostgreSQL one array parameter instead of thousands of placeholders."""
    if connection.vendor == "postgresql":
        return Person.objects.extra(
            where=[f"{Person._meta.db_table}.id_hash = ANY(%s)"], params=[list(hashes)]
        )
    return Person.objects.filter(id_hash__in=hashes)


def _chunks(seq, n=CHUNK):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


class _Resolver:
    """Names in the file -> household areas under `within`, with a handful of set-wise queries."""

    def __init__(self, within: Area, keys: set[tuple[str, ...]]):
        self.within = within
        self.base = ORDER.index(within.level)
        # node: key prefix tuple -> Area-ish tuple (id, path); level by level
        self.nodes: dict[tuple, list[tuple[int, str]]] = {(): [(within.pk, within.path)]}
        self.household: dict[tuple, tuple[int, str]] = {}
        self.levels = [(lvl, col) for lvl, col in ADDRESS_LEVELS if ORDER.index(lvl) > self.base]
        self._resolve(keys)

    def _resolve(self, keys):
        frontier = {(): [(self.within.pk, self.within.path)]}
        for depth, (lvl, _col) in enumerate(self.levels):
            wanted = {k[: depth + 1] for k in keys if all(k[: depth + 1])}
            names = {k[depth] for k in wanted}
            parents = {p for prefix in frontier for p in frontier[prefix]}
            found: dict[tuple, list[tuple[int, str]]] = {}
            if names and parents:
                if lvl in (Level.HOUSEHOLD, Level.ENTRANCE):  # direct children of the level above
                    by_parent: dict[int, tuple] = {}
                    for prefix, lst in frontier.items():
                        for pid, _path in lst:
                            by_parent[pid] = prefix
                    rows = []
                    for ids in _chunks(by_parent):
                        rows += Area.objects.filter(parent_id__in=ids, level=lvl, name__in=names).values_list(
                            "id", "path", "parent_id", "name"
                        )
                    for aid, path, parent_id, name in rows:
                        found.setdefault((*by_parent[parent_id], name), []).append((aid, path))
                else:  # streets, communities, buildings: anywhere below (a grid may sit in between)
                    owner: dict[str, tuple] = {}
                    for prefix, lst in frontier.items():
                        for _i, pp in lst:
                            owner[pp] = prefix
                    q = Area.objects.filter(level=lvl, name__in=names, path__startswith=self.within.path)
                    for aid, path, name in q.values_list("id", "path", "name"):
                        for k in range(len(self.within.path), len(path), 4):
                            prefix = owner.get(path[:k])
                            if prefix is not None:
                                found.setdefault((*prefix, name), []).append((aid, path))
                                break
            frontier = {k: v for k, v in found.items() if k in wanted}
            self.nodes.update(frontier)

    def lookup(self, key: tuple) -> tuple[tuple[int, str] | None, str, str]:
        """((household id, path) | None, failing column, message)."""
        for depth, (lvl, col) in enumerate(self.levels):
            if not key[depth]:
                return None, col, _("Required for a file imported at this level.")
            hits = self.nodes.get(key[: depth + 1], [])
            if not hits:
                return (
                    None,
                    col,
                    _("Unknown %(level)s “%(name)s” here.") % {"level": Level(lvl).label, "name": key[depth]},
                )
            if len(hits) > 1:
                return (
                    None,
                    col,
                    _("Ambiguous %(level)s “%(name)s”: several have this name.")
                    % {"level": Level(lvl).label, "name": key[depth]},
                )
        return self.nodes[key][0], "", ""


def _above_within_ok(within: Area, row: dict, ancestors: dict[str, str]) -> tuple[str, str] | None:
    """A street/community given for a level at or above `within` must name within or its ancestors."""
    for lvl, col in ADDRESS_LEVELS[:2]:
        if ORDER.index(lvl) <= ORDER.index(within.level):
            v = row.get(col, "")
            if v and v != ancestors.get(lvl):
                return col, _("“%(name)s” is outside the area you import into (%(within)s).") % {
                    "name": v,
                    "within": within.name,
                }
    return None


def _choice(mapping: dict, value: str):
    return mapping.get(value.strip()) if value else None


def _insert_people(people: list[dict]) -> None:
    """New rows (dicts of column attnames): COPY on PostgreSQL — the bulk path the issue asks for —
    and bulk_create elsewhere. Columns not given take the model default."""
    if not people:
        return
    now = timezone.now()
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: (f.get_default() if f.has_default() else (None if f.null else "")) for f in fields}
    defaults["created_at"] = defaults["updated_at"] = now
    defaults["status"] = PersonStatus.NORMAL
    if connection.vendor != "postgresql":
        Person.objects.bulk_create([Person(**{**defaults, **d}) for d in people], batch_size=2000)
        return
    names = [f.attname for f in fields]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cur:
        with cur.cursor.copy(
            f"COPY {connection.ops.quote_name(Person._meta.db_table)} ({cols}) FROM STDIN"
        ) as copy:
            for d in people:
                row = {**defaults, **d}
                copy.write_row([row[n] for n in names])


def survey_import(
    *, actor, rows: list[dict], within: Area, commit: bool, batch: ImportBatch | None = None
) -> ImportReport:
    """Validate a door-to-door survey (rows keyed by imports.TEMPLATE_HEADERS) and, with commit, apply it.

    - Addresses are resolved by names under `within` (the importer's community or street).
    - A person is identified by the document number (HMAC index); one query per 5,000 numbers.
    - A person already registered in another household *inside* `within` is moved there (re-survey
      finds people who moved); one registered *outside* `within` is an error at commit (that community
      must release them: we neither move people out of someone else's jurisdiction nor reveal where
      they are). The preview does not look outside `within`, so it shows such a row as new: a free
      preview must not tell whether a number is registered anywhere in the district.
    - A landlord is linked only if registered inside `within` (or added by the same file); one
      elsewhere reads as not registered, like the API's scoped landlord field.
    - Blank optional cells keep the stored value; a second import of the same file is all `unchanged`.
    - Preview (commit=False) writes nothing. Commit is all-or-nothing: one error and nothing is written.
    """
    if (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and not user_can_see_path(actor, "people.add_person", within.path)
    ):
        raise PermissionDenied(_("You may not import residents into this area."))
    report = ImportReport()
    errs = report.row_errors
    ancestors = {a.level: a.name for a in within.ancestors()}
    ancestors[within.level] = within.name

    # Pass 1: per-row checks that need no database (document, phone, choices), address keys.
    parsed = []  # (rownum, row, fields dict)
    keys = set()
    seen: dict[str, int] = {}
    landlord_hashes = set()
    naddr = len([lv for lv, _c in ADDRESS_LEVELS if ORDER.index(lv) > ORDER.index(within.level)])
    for i, raw in enumerate(rows):
        rownum = int(raw.get("_row") or i + 2)
        row = {
            k: (str(v).strip() if v is not None else "") for k, v in raw.items() if not str(k).startswith("_")
        }
        if not any(row.values()):
            continue
        bad = len(errs)
        name = row.get(ix.NAME, "")
        if not name:
            errs.append(RowError(rownum, ix.NAME, _("The name is required.")))
        elif len(name) > 50:
            errs.append(RowError(rownum, ix.NAME, _("At most 50 characters.")))
        id_type = _choice(ix.ID_TYPES, row.get(ix.ID_TYPE, "")) or (
            IdType.RESIDENT if not row.get(ix.ID_TYPE) else None
        )
        number = normalise_id(row.get(ix.ID_NUMBER, ""))
        sex = birth = None
        if id_type is None:
            errs.append(RowError(rownum, ix.ID_TYPE, _("Unknown document type.")))
        elif not number:
            errs.append(RowError(rownum, ix.ID_NUMBER, _("The document number is required.")))
        else:
            try:
                number, sex, birth = _document(id_type, number)
            except IdentityError as exc:
                errs.append(RowError(rownum, ix.ID_NUMBER, str(exc)))
        id_hash = crypto.blind_index(number, kind="id") if number else ""
        if id_hash and len(errs) == bad:
            if id_hash in seen:
                errs.append(
                    RowError(
                        rownum,
                        ix.ID_NUMBER,
                        _("The same person is already in row %(n)s of this file.") % {"n": seen[id_hash]},
                    )
                )
            else:
                seen[id_hash] = rownum
        phone = row.get(ix.PHONE, "")
        if phone:
            try:
                phone = validate_mobile(phone)
            except IdentityError as exc:
                errs.append(RowError(rownum, ix.PHONE, str(exc)))
        choices = {}
        for col, mapping, attr in (
            (ix.PERSON_TYPE, ix.PERSON_TYPES, "person_type"),
            (ix.RELATION, ix.RELATIONS, "relation"),
            (ix.RETURN, ix.RETURNS, "return_status"),
        ):
            v = row.get(col, "")
            if v:
                c = _choice(mapping, v)
                if c is None:
                    errs.append(
                        RowError(rownum, col, _("Not one of: %(v)s") % {"v": "、".join(ix.CHOICE_LISTS[col])})
                    )
                choices[attr] = c
        landlord_hash = ""
        if row.get(ix.LANDLORD_ID):
            try:
                ln = parse_resident_id(row[ix.LANDLORD_ID]).number
                landlord_hash = crypto.blind_index(ln, kind="id")
                landlord_hashes.add(landlord_hash)
            except IdentityError as exc:
                errs.append(RowError(rownum, ix.LANDLORD_ID, str(exc)))
        outside = _above_within_ok(within, row, ancestors)
        if outside:
            errs.append(RowError(rownum, *outside))
        key = tuple(row.get(col, "") for _lv, col in ADDRESS_LEVELS)[-naddr:] if naddr else ()
        keys.add(key)
        parsed.append(
            (
                rownum,
                row,
                len(errs) == bad,
                {
                    "name": name,
                    "id_type": id_type,
                    "number": number,
                    "id_hash": id_hash,
                    "sex": sex,
                    "birth": birth,
                    "phone": phone,
                    "landlord_hash": landlord_hash,
                    "key": key,
                    **choices,
                },
            )
        )

    # Pass 2: set-wise lookups — the households, the people already registered, the landlords.
    resolver = _Resolver(within, keys)
    hashes = {p[3]["id_hash"] for p in parsed if p[3]["id_hash"]} | landlord_hashes
    existing: dict[str, SimpleNamespace] = {}  # light rows: full objects are loaded for changed ones only
    for chunk in _chunks(hashes):
        found = _by_hashes(chunk)
        if not commit:
            # The preview looks only inside `within`: whether a number is registered elsewhere in the
            # district is not the importer's to learn from a free preview (see the commit check below).
            found = found.filter(area_path__startswith=within.path)
        for values in found.values(*COMPARE_FIELDS):
            existing[values["id_hash"]] = SimpleNamespace(**values)

    new_people: list[Person] = []
    changed: list[tuple[Person, dict]] = []
    tenants: list[tuple[str, str]] = []  # (tenant hash, landlord hash) to link after insert
    # One head (户主) per household: the heads registered now, then the rows of this file claim theirs.
    found = (resolver.lookup(key)[0] for key in keys) if naddr else iter([(within.pk, within.path)])
    hh_ids = {hh[0] for hh in found if hh is not None}
    heads: dict[int, tuple[str, str]] = {
        area_id: (id_hash, name)
        for area_id, id_hash, name in Person.objects.filter(
            area_id__in=hh_ids, relation=Person.Relation.OWNER
        ).values_list("area_id", "id_hash", "name")
    }
    for rownum, row, ok, f in parsed:
        place = " ".join(v for v in f["key"] if v)
        masked = mask_id(f["number"]) if f["number"] else ""
        hh, col, msg = resolver.lookup(f["key"]) if naddr else ((within.pk, within.path), "", "")
        if hh is None:
            errs.append(RowError(rownum, col, msg))
            ok = False
        cur = existing.get(f["id_hash"]) if f["id_hash"] else None
        if ok and cur is not None and not cur.area_path.startswith(within.path):
            errs.append(
                RowError(
                    rownum,
                    ix.ID_NUMBER,
                    _(
                        "Already registered in a household outside %(within)s; that community must move the person "
                        "out first."
                    )
                    % {"within": within.name},
                )
            )
            ok = False
        landlord_id = None
        if ok and f["landlord_hash"]:
            ll = existing.get(f["landlord_hash"])
            if ll is not None and not ll.area_path.startswith(within.path):
                ll = None  # a landlord links inside the jurisdiction only (the API refuses the same)
            rel = f.get("relation") or (cur.relation if cur else Person.Relation.OWNER)
            if rel not in (Person.Relation.TENANT, Person.Relation.DORMITORY):
                errs.append(
                    RowError(
                        rownum, ix.LANDLORD_ID, _("Only tenants and dormitory residents have a landlord.")
                    )
                )
                ok = False
            elif ll is not None:
                landlord_id = ll.id
            elif f["landlord_hash"] in seen:
                tenants.append((f["id_hash"], f["landlord_hash"]))  # landlord is new in this same file
            else:
                errs.append(
                    RowError(
                        rownum,
                        ix.LANDLORD_ID,
                        _("The landlord is not registered in %(within)s.") % {"within": within.name},
                    )
                )
                ok = False
        if ok:
            # Blank relation: a new person heads an empty household, else joins it as family.
            if not f.get("relation") and cur is None:
                f["relation"] = Person.Relation.FAMILY if hh[0] in heads else Person.Relation.OWNER
            if f.get("relation") == Person.Relation.OWNER:
                head = heads.get(hh[0])
                if head is not None and head[0] != f["id_hash"]:
                    errs.append(
                        RowError(
                            rownum,
                            ix.RELATION,
                            _("This household already has a head: %(name)s.") % {"name": head[1]},
                        )
                    )
                    ok = False
                else:
                    heads[hh[0]] = (f["id_hash"], f["name"])
        if not ok:
            report.errors += 1
            report.outcomes.append((rownum, "error", f["name"], masked, place))
            continue
        if cur is None:
            new_people.append(
                {
                    "area_id": hh[0],
                    "area_path": hh[1],
                    "name": f["name"],
                    "name_initials": name_initials(f["name"]),
                    "id_type": f["id_type"],
                    "id_hash": f["id_hash"],
                    "id_masked": masked,
                    "sex": f["sex"] or "",
                    "birth_date": f["birth"],
                    "person_type": f.get("person_type") or Person.Type.PERMANENT,
                    "relation": f.get("relation") or Person.Relation.OWNER,
                    "landlord_id": landlord_id,
                    "registered_residence": row.get(ix.REGISTERED, ""),
                    "return_status": f.get("return_status") or Person.Return.PRESENT,
                    "notes": row.get(ix.NOTES, ""),
                    "_clear": (f["number"], f["phone"]),
                }
            )
            report.new += 1
            report.outcomes.append((rownum, "new", f["name"], masked, place))
            continue
        want = {"name": f["name"], "id_type": f["id_type"], "area_id": hh[0]}
        for attr in ("person_type", "relation", "return_status"):
            if f.get(attr):
                want[attr] = f[attr]
        if row.get(ix.REGISTERED):
            want["registered_residence"] = row[ix.REGISTERED]
        if row.get(ix.NOTES):
            want["notes"] = row[ix.NOTES]
        if landlord_id is not None:
            want["landlord_id"] = landlord_id
        phone_hash = crypto.blind_index(f["phone"], kind="phone") if f["phone"] else ""
        diff = {k: v for k, v in want.items() if getattr(cur, k) != v}
        if phone_hash and phone_hash != cur.phone_hash:
            diff["phone"] = f["phone"]
        if tenants and tenants[-1][0] == f["id_hash"] and not landlord_id:
            diff["_landlord"] = True  # linked to a landlord registered by this same file
        if not diff:
            report.unchanged += 1
            report.outcomes.append((rownum, "unchanged", f["name"], masked, place))
            continue
        if "area_id" in diff:
            diff["area_path"] = hh[1]
            report.moved += 1
        changed.append((cur, diff))
        report.updated += 1
        report.outcomes.append(
            (rownum, "moved" if "area_id" in diff else "updated", f["name"], masked, place)
        )

    report.row_errors.sort(key=lambda e: e.row)
    if not commit or report.errors:
        return report
    _survey_apply(
        actor=actor,
        within=within,
        new_people=new_people,
        changed=changed,
        tenants=tenants,
        report=report,
        batch=batch,
    )
    report.committed = True
    return report


@transaction.atomic
def _survey_apply(*, actor, within, new_people, changed, tenants, report, batch) -> None:
    encrypt, index = crypto.encrypt, crypto.blind_index
    for d in new_people:
        number, phone = d.pop("_clear")
        d["id_number_enc"] = encrypt(number)
        if phone:
            d["phone_enc"], d["phone_hash"], d["phone_masked"] = (
                encrypt(phone),
                index(phone, kind="phone"),
                mask_phone(phone),
            )
    try:
        with transaction.atomic():
            _insert_people(new_people)
    except IntegrityError as exc:  # someone registered one of these numbers meanwhile
        raise ValidationError(
            _("Some residents were registered by someone else meanwhile; preview again.")
        ) from exc

    now = timezone.now()
    befores = {}
    moved = []
    objs = {}
    for chunk in _chunks([ns.id for ns, _d in changed]):
        objs.update(Person.objects.in_bulk(chunk))
    changed = [(objs[ns.id], diff) for ns, diff in changed]
    for p, diff in changed:
        before = snapshot(p)
        diff.pop("_landlord", None)
        if "phone" in diff:
            phone = diff.pop("phone")
            p.phone_enc, p.phone_hash, p.phone_masked = (
                crypto.encrypt(phone),
                crypto.blind_index(phone, kind="phone"),
                mask_phone(phone),
            )
        for k, v in diff.items():
            setattr(p, k, v)
        if "name" in diff:
            p.name_initials = name_initials(p.name)
        if "area_id" in diff:
            moved.append(p)
        p.updated_at = now
        befores[p.pk] = before
    if changed:
        Person.objects.bulk_update([p for p, _d in changed], IMPORT_UPDATE_FIELDS, batch_size=2000)
        record_bulk(
            [p for p, _d in changed],
            ChangeLog.Action.UPDATE,
            actor=actor,
            befores=befores,
            message=gettext_noop("survey import"),
        )
    if moved:
        target = {p.pk: p for p in moved}
        for model, key in ((StatusChange, "person_id"), (VulnerableEntry, "person_id")):
            objs = list(model.objects.filter(**{f"{key}__in": list(target)}))
            for o in objs:
                o.area_id, o.area_path = target[o.person_id].area_id, target[o.person_id].area_path
            model.objects.bulk_update(objs, ["area", "area_path"], batch_size=2000)
        visits = list(Visit.objects.filter(entry__person_id__in=list(target)).select_related("entry"))
        for v in visits:
            p = target[v.entry.person_id]
            v.area_id, v.area_path = p.area_id, p.area_path
        Visit.objects.bulk_update(visits, ["area", "area_path"], batch_size=2000)
    if tenants:
        ids = dict(
            Person.objects.filter(id_hash__in={h for pair in tenants for h in pair}).values_list(
                "id_hash", "id"
            )
        )
        links = [Person(pk=ids[t], landlord_id=ids[ll]) for t, ll in tenants if t in ids and ll in ids]
        Person.objects.bulk_update(links, ["landlord"], batch_size=2000)
    message = gettext_noop("survey import: %(new)s new, %(upd)s updated, %(same)s unchanged")
    params = {"new": report.new, "upd": report.updated, "same": report.unchanged}
    if batch is not None:
        before = snapshot(batch)
        batch.state, batch.committed_at = ImportBatch.State.COMMITTED, timezone.now()
        report.committed = True
        batch.report = report.as_dict()
        batch.content = b""  # imported: the file with its clear IDs and phones has done its job
        batch.save(update_fields=["state", "committed_at", "report", "content", "updated_at"])
        record(batch, ChangeLog.Action.UPDATE, actor=actor, before=before, message=message, params=params)
    else:
        record(
            within,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=snapshot(within),
            message=message,
            params=params,
        )


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
    from .tasks import import_preview_task

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
        return batch
    report = survey_import(actor=actor, rows=rows, within=batch.area, commit=False)
    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.ANALYSING).update(
        report=report.as_dict(),
        state=ImportBatch.State.PREVIEW,
        row_count=len(rows),
        updated_at=timezone.now(),
    )
    batch.refresh_from_db(fields=["report", "state", "row_count", "updated_at"])
    return batch


def import_batch_rows(batch: ImportBatch) -> list[dict]:
    return ix.read_rows(bytes(batch.content), filename=batch.filename, max_rows=ix.MAX_ROWS)


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
        from .tasks import import_commit_task

        jobs.enqueue(import_commit_task, batch.pk, getattr(_actor(actor), "pk", None))
    batch.refresh_from_db(fields=["state", "report", "committed_at", "updated_at"])
    return batch


def import_batch_run(*, batch_id: int, actor) -> ImportBatch:
    """The background half of a confirm. All-or-nothing: a failure halfway leaves the registry as it
    was and the batch back in preview, to be confirmed again."""
    batch = ImportBatch.objects.get(pk=batch_id)
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
    return report


# ---------------------------------------------------------------- uploads: error report, cancel, expiry

# Columns of a survey file that hold personal numbers, with how each is masked for the error report.
REPORT_MASKS = {ix.ID_NUMBER: mask_id, ix.LANDLORD_ID: mask_id, ix.PHONE: mask_phone}


def may_reveal_in(user, area_path: str) -> bool:
    return bool(
        user
        and user.has_perm("people.reveal_identity")
        and user_can_see_path(user, "people.reveal_identity", area_path)
    )


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
