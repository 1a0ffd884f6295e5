"""Contacts: candidates with reasons (household, co-presence, workplace hook, named), bulk confirmation into observation orders, dismissal."""

from __future__ import annotations

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import msgid, record, record_bulk
from fangkong.core.models import ChangeLog
from fangkong.people.models import Person

from .. import hooks, selectors
from .. import policy as tpolicy
from ..models import (
    Case,
    Contact,
    ContactKind,
)
from .common import _user

# ------------------------------------------------------------------ contacts


def _merge(existing: list, new: list) -> list:
    have = {str(sorted(e.items())) for e in existing}
    return existing + [e for e in new if str(sorted(e.items())) not in have]


@transaction.atomic
def candidates_find(*, actor, case: Case) -> int:
    """List the candidate contacts of a case with the reason for each: the household, co-presence at a
    place over the look-back window (policy window and minimum overlap), the workplace hook. Contacts
    already confirmed or dismissed keep their state (new evidence is added). Returns how many are new."""
    return candidates_find_many(actor=actor, cases=[case])


def candidates_find_many(*, actor, cases) -> int:
    """The same for many cases at once: one co-presence query for all of them."""
    cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("person", "person__area"))
    if not cases:
        return 0
    with transaction.atomic():
        found: dict[tuple[int, int], tuple[str, list]] = {}

        def add(case, person_id, kind, evidence):
            if person_id == case.person_id:
                return
            key = (case.pk, person_id)
            if key in found:
                found[key] = (found[key][0], found[key][1] + evidence)
            else:
                found[key] = (kind, evidence)

        # Household: everyone registered in the same household area.
        by_household: dict[int, list] = {}
        for pid, area_id in Person.objects.filter(area_id__in={c.person.area_id for c in cases}).values_list(
            "pk", "area_id"
        ):
            by_household.setdefault(area_id, []).append(pid)
        names: dict[int, str] = {}  # full_name() walks the tree: once per household
        for case in cases:
            members = by_household.get(case.person.area_id, [])
            if len(members) > 1 and case.person.area_id not in names:
                names[case.person.area_id] = case.person.area.full_name()
            for pid in members:
                household = names.get(case.person.area_id, "")
                add(case, pid, ContactKind.HOUSEHOLD, [{"kind": "household", "household": household}])
        # Co-presence: one set-based query over the scans of all the cases' people.
        window, min_overlap = tpolicy.window(area=cases[0].area_path)
        days: dict = {}  # the look-back policy of every area, read once
        starts, ends = zip(*(tpolicy.lookback(c, cache=days) for c in cases), strict=True)
        t0 = timezone.make_aware(datetime.datetime.combine(min(starts), datetime.time()))
        t1 = timezone.make_aware(
            datetime.datetime.combine(max(ends) + datetime.timedelta(days=1), datetime.time())
        )
        pairs = selectors.copresence(
            person_ids=[c.person_id for c in cases], start=t0, end=t1, window=window, min_overlap=min_overlap
        )
        for case in cases:
            for other, evidence in pairs.get(case.person_id, {}).items():
                add(case, other, ContactKind.COPRESENCE, evidence)
            for colleague, reason in hooks.workplace_colleagues(case.person):
                add(case, colleague.pk, ContactKind.WORKPLACE, [{"kind": "workplace", "reason": reason}])
        if not found:
            return 0
        people = {
            p.pk: p
            for p in Person.objects.filter(pk__in={pid for _c, pid in found}).only(
                "pk", "area_id", "area_path"
            )
        }
        case_by_id = {c.pk: c for c in cases}
        existing = {
            (c.case_id, c.person_id): c
            for c in Contact.objects.filter(case_id__in=case_by_id, person_id__in=people).select_for_update()
        }
        new, changed = [], []
        for (case_id, pid), (kind, evidence) in found.items():
            overlap = max((e.get("overlap", 0) for e in evidence), default=0) or None
            if (case_id, pid) in existing:
                c = existing[(case_id, pid)]
                merged = _merge(c.evidence or [], evidence)
                if merged != c.evidence:
                    c.evidence = merged
                    c.overlap_minutes = max(c.overlap_minutes or 0, overlap or 0) or None
                    changed.append(c)
                continue
            p = people[pid]
            case = case_by_id[case_id]
            new.append(
                Contact(
                    area_id=p.area_id,
                    area_path=p.area_path,
                    case_id=case_id,
                    case_area_path=case.area_path,
                    person_id=pid,
                    kind=kind,
                    evidence=evidence,
                    overlap_minutes=overlap,
                )
            )
        Contact.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        if changed:
            Contact.objects.bulk_update(changed, ["evidence", "overlap_minutes"], batch_size=2000)
        per_case = Counter(c.case_id for c in new)
        by_count: dict[int, list] = {}
        for case in cases:
            by_count.setdefault(per_case.get(case.pk, 0), []).append(case)
        for n, group in by_count.items():  # one INSERT of change-log rows per distinct count
            record_bulk(
                group,
                ChangeLog.Action.UPDATE,
                actor=actor,
                message=gettext_noop("%(n)s new candidate contacts listed"),
                params={"n": n},
            )
        return len(new)


@transaction.atomic
def contact_name(*, actor, case: Case, person, note: str = "") -> Contact:
    """A person the case names (met, visited): a candidate with the note as its reason."""
    if not isinstance(person, Person) or person.pk is None:
        raise ValidationError({"person": _("Unknown resident.")})
    if person.pk == case.person_id:
        raise ValidationError({"person": _("The case cannot be their own contact.")})
    evidence = [{"kind": "named", "note": (note or "").strip()[:200]}]
    contact = Contact.objects.select_for_update().filter(case=case, person=person).first()
    if contact is not None:
        contact.evidence = _merge(contact.evidence or [], evidence)
        contact.save(update_fields=["evidence", "updated_at"])
        return contact
    contact = Contact.objects.create(
        area_id=person.area_id,
        area_path=person.area_path,
        case=case,
        case_area_path=case.area_path,
        person=person,
        kind=ContactKind.NAMED,
        evidence=evidence,
    )
    record(contact, ChangeLog.Action.CREATE, actor=actor)
    return contact


def order_type_for(degree: str, *, area=None, cache: dict | None = None) -> tuple[str, str]:
    """(order type, reason) of a confirmed contact's observation order, from policy (`cache`, a dict, lets
    a bulk caller read every area's version once)."""
    from fangkong.observation.models import OrderType
    from fangkong.policies.selectors import policy_values_by_area, value_for_path

    secondary = degree == Contact.Degree.SECONDARY
    key = tpolicy.SECONDARY_CENTRALIZED if secondary else tpolicy.CLOSE_CENTRALIZED
    if cache is None:
        centralized = tpolicy.value(key, area=area)
    else:
        if key not in cache:
            cache[key] = policy_values_by_area(key)
        centralized = value_for_path(cache[key], area or "")
        if centralized is None:
            centralized = tpolicy.value(key, area=area)
    order_type = OrderType.CENTRALIZED if centralized else OrderType.HOME
    return order_type, ("secondary_contact" if secondary else "close_contact")


def _set_orders(pairs: list[tuple[int, int]]) -> None:
    from django.db import connection

    table = Contact._meta.db_table
    for i in range(0, len(pairs), 1000):
        chunk = pairs[i : i + 1000]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(
                f"WITH v(id, order_id) AS (VALUES {values}) "
                f"UPDATE {table} SET order_id = v.order_id FROM v WHERE {table}.id = v.id",
                [x for pair in chunk for x in pair],
            )


@transaction.atomic
def contacts_confirm(*, actor, contacts, degree: str = Contact.Degree.CLOSE, start=None) -> dict:
    """Confirm many contacts in one action: each gets its observation order (type and end from policy)
    in the community of the person's household. A contact already confirmed (or dismissed) is reported
    and left alone, so a double click or a retry orders no one twice. Returns {"confirmed": [...],
    "orders": [...], "skipped": [(contact, why)]}."""
    from fangkong.observation import services as observation

    if degree not in Contact.Degree.values:
        raise ValidationError({"degree": _("Unknown degree.")})
    ids = [c.pk for c in contacts]
    rows = list(
        Contact.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("person", "case")
        .order_by("pk")
    )
    if (
        degree == Contact.Degree.SECONDARY
        and rows
        and not tpolicy.secondary_tracked(area=rows[0].case.area_path)
    ):
        raise ValidationError({"degree": _("Secondary contacts are not tracked under the policy in force.")})
    out = {"confirmed": [], "orders": [], "skipped": []}
    now = timezone.now()
    start = start or timezone.localdate()
    groups: dict[tuple[str, str], list[Contact]] = {}
    policies: dict = {}
    for c in rows:
        if c.state == Contact.State.CONFIRMED:
            out["skipped"].append((c, _("already confirmed")))
            continue
        if c.person_id == c.case.person_id:
            out["skipped"].append((c, _("this is the case")))
            continue
        groups.setdefault(order_type_for(degree, area=c.area_path, cache=policies), []).append(c)
    # The orders in bulk (observation.order_create_bulk: the same policy rules, set-based writes).
    for (order_type, reason), chosen in groups.items():
        orders = observation.order_create_bulk(
            actor=actor,
            people=[c.person for c in chosen],
            order_type=order_type,
            reason=reason,
            sources=[f"tracing.Contact:{c.pk}" for c in chosen],
            start=start,
        )
        for c, order in zip(chosen, orders, strict=True):
            c.state, c.degree, c.order = Contact.State.CONFIRMED, degree, order
            c.decided_by, c.decided_at = _user(actor), now
            out["confirmed"].append(c)
            out["orders"].append(order)
    if out["confirmed"]:
        # Two statements whatever the count (bulk_update's CASE per row and field is slow at hundreds):
        # the shared fields in one UPDATE, each row's order through a VALUES list.
        ids = [c.pk for c in out["confirmed"]]
        Contact.objects.filter(pk__in=ids).update(
            state=Contact.State.CONFIRMED,
            degree=degree,
            decided_by=_user(actor),
            decided_at=now,
            updated_at=now,
        )
        _set_orders([(c.pk, c.order.pk) for c in out["confirmed"]])
        record_bulk(
            out["confirmed"],
            ChangeLog.Action.UPDATE,
            actor=actor,
            message=gettext_noop("confirmed as %(degree)s"),
            params={"degree": msgid(Contact.Degree(degree).label)},
        )
    return out


@transaction.atomic
def contacts_dismiss(*, actor, contacts, reason: str = "") -> int:
    ids = [c.pk for c in contacts]
    rows = list(Contact.objects.select_for_update().filter(pk__in=ids, state=Contact.State.CANDIDATE))
    now = timezone.now()
    for c in rows:
        c.state, c.decided_by, c.decided_at = Contact.State.DISMISSED, _user(actor), now
    Contact.objects.bulk_update(rows, ["state", "decided_by", "decided_at", "updated_at"])
    record_bulk(
        rows,
        ChangeLog.Action.UPDATE,
        actor=actor,
        message=gettext_noop("dismissed: %(reason)s"),
        params={"reason": reason},
    )
    return len(rows)
