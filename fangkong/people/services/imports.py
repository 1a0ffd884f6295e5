"""Survey imports: reading and checking rows, resolving addresses, and applying a survey to the registry."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core import crypto, jobs, sql
from fangkong.core.audit import record, record_bulk, snapshot
from fangkong.core.identity import (
    IdentityError,
    IdType,
    mask_id,
    mask_phone,
    normalise_id,
    parse_resident_id,
    validate_mobile,
)
from fangkong.core.imports import RowError
from fangkong.core.ingest import Phases, copy_rows
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from .. import imports as ix
from ..models import ImportBatch, Person, PersonStatus, StatusChange, Visit, VulnerableEntry
from .registry import _document, name_initials

# ---------------------------------------------------------------- door-to-door import


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
    # Seconds per phase (validate, write, side effects; reading the file is the caller's): benchmarks
    # read them, nothing stores them.
    phases: Phases = field(default_factory=Phases, repr=False, compare=False)

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
                    if connection.vendor == "postgresql":
                        # Only the (parent, name) pairs the file names, as two arrays: "101室" exists under
                        # every entrance, and filtering by parents and names apart fetched them all
                        # (40,000 rows for a 10,000-row survey instead of 5,000).
                        pairs = {(pid, k[depth]) for k in wanted for pid, _p in frontier.get(k[:depth], ())}
                        rows = sql.fetch(
                            f"SELECT a.id, a.path, a.parent_id, a.name FROM {Area._meta.db_table} a "
                            "JOIN unnest(%s::bigint[], %s::text[]) AS w(pid, name) "
                            "ON a.parent_id = w.pid AND a.name = w.name WHERE a.level = %s",
                            [[p for p, _n in pairs], [n for _p, n in pairs], lvl],
                            prepare=False,
                        )
                    else:
                        for ids in _chunks(by_parent):
                            rows += Area.objects.filter(
                                parent_id__in=ids, level=lvl, name__in=names
                            ).values_list("id", "path", "parent_id", "name")
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


def _insert_people(people: list[dict], prepare=lambda d: d) -> None:
    """New rows (dicts of column attnames, each passed through `prepare` — the encryption — on its way):
    COPY on PostgreSQL, streamed, so the server's index work on one row overlaps the encryption of the
    next; bulk_create elsewhere. Columns not given take the model default."""
    if not people:
        return
    now = timezone.now()
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: (f.get_default() if f.has_default() else (None if f.null else "")) for f in fields}
    defaults["created_at"] = defaults["updated_at"] = now
    defaults["status"] = PersonStatus.NORMAL
    if connection.vendor != "postgresql":
        Person.objects.bulk_create([Person(**{**defaults, **prepare(d)}) for d in people], batch_size=2000)
        return
    names = [f.attname for f in fields]
    base = [defaults[n] for n in names]
    at = {n: i for i, n in enumerate(names)}

    def rows():
        for d in people:
            row = base.copy()
            for k, v in prepare(d).items():
                row[at[k]] = v
            yield row

    copy_rows(Person._meta.db_table, [f.column for f in fields], rows())


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
    t_validate = time.perf_counter()
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
    report.phases.seconds["validate"] = time.perf_counter() - t_validate
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

    def encrypted(d: dict) -> dict:
        number, phone = d.pop("_clear")
        d["id_number_enc"] = encrypt(number)
        if phone:
            d["phone_enc"], d["phone_hash"], d["phone_masked"] = (
                encrypt(phone),
                index(phone, kind="phone"),
                mask_phone(phone),
            )
        return d

    phases = report.phases
    t_write = time.perf_counter()
    try:
        with transaction.atomic():
            _insert_people(new_people, encrypted)
    except IntegrityError as exc:  # someone registered one of these numbers meanwhile
        raise ValidationError(
            _("Some residents were registered by someone else meanwhile; preview again.")
        ) from exc
    # A test kills the worker here (rows written, not committed) to prove a redelivered import runs once.
    jobs.test_pause("survey_import")

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
    phases.seconds["write"] = time.perf_counter() - t_write
    with phases("side_effects"):
        _survey_after(actor, within, changed, befores, moved, tenants, report, batch)


def _survey_after(actor, within, changed, befores, moved, tenants, report, batch) -> None:
    """The change log (in bulk), the moved people's dated records, the tenants' landlords, the batch."""
    if changed:
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
