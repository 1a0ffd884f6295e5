"""Writes of the briefing: generate a day's snapshot (or amend it), the consistency check's recompute,
and the meeting's decisions and tasks. Each write is one transaction with its change-log row."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import STEP, Area, Level
from fangkong.core import audit
from fangkong.core.figures import Section, sections
from fangkong.core.models import ChangeLog
from fangkong.core.replica import replica_reads

from . import policy
from .models import Briefing, FigureValue, Item  # noqa: F401 (Briefing: commands)

__all__ = [
    "area_default",
    "briefing_check",
    "briefing_generate",
    "compute_values",
    "item_add",
    "item_update",
]


def area_default() -> Area:
    """The area a briefing covers when none is named: the district (the top of the demo tree)."""
    area = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    if area is None:
        raise ValidationError(_("There is no district to brief on."))
    return area


def _ratio(num: float, den: float) -> float:
    return round(100.0 * num / den, 1) if den else 0.0


@replica_reads
def compute_values(*, area: Area, as_of: datetime.datetime) -> dict[tuple[str, int], tuple[float, str, str]]:
    """Every figure of every section, per community, street and the whole `area`, from the raw tables:
    {(key, area id): (value, level, area path)}. Streets and the whole are sums; ratios recomputed."""
    communities = list(
        Area.objects.filter(level=Level.COMMUNITY, path__startswith=area.path).order_by("path")
    )
    streets = {a.path: a for a in Area.objects.filter(level=Level.STREET, path__startswith=area.path)}
    out: dict[tuple[str, int], tuple[float, str, str]] = {}
    for sec in sections():
        per_community = sec.compute(as_of, communities) or {}
        counted = [f for f in sec.figures if not f.ratio]
        ratios = [f for f in sec.figures if f.ratio]
        groups: dict[int, tuple[Area, str, list]] = {area.pk: (area, FigureValue.Level.TOTAL, [])}
        for c in communities:
            street = next((s for p, s in streets.items() if c.path.startswith(p)), None)
            groups.setdefault(c.pk, (c, FigureValue.Level.COMMUNITY, []))[2].append(c.pk)
            if street is not None and street.pk != area.pk:
                groups.setdefault(street.pk, (street, FigureValue.Level.STREET, []))[2].append(c.pk)
            groups[area.pk][2].append(c.pk)
        # A street's own figures (not of one of its communities: its site) add to it and to the whole.
        for s in streets.values():
            if s.pk in per_community:
                if s.pk != area.pk:
                    groups.setdefault(s.pk, (s, FigureValue.Level.STREET, []))[2].append(s.pk)
                groups[area.pk][2].append(s.pk)
        for target, level, members in groups.values():
            sums = {
                f.key: float(sum((per_community.get(m) or {}).get(f.key, 0) for m in members))
                for f in counted
            }
            for f in counted:
                out[(f"{sec.key}.{f.key}", target.pk)] = (sums[f.key], level, target.path)
            for f in ratios:
                num, den = f.ratio
                out[(f"{sec.key}.{f.key}", target.pk)] = (_ratio(sums[num], sums[den]), level, target.path)
    return out


def _section_keys() -> list[str]:
    return [s.key for s in sections()]


def _current(area: Area, date: datetime.date, *, lock: bool = False) -> Briefing | None:
    qs = Briefing.objects.filter(area=area, date=date, state=Briefing.State.CURRENT).order_by("-version")
    return (qs.select_for_update() if lock else qs).first()


def briefing_generate(
    *,
    actor,
    date: datetime.date,
    area: Area | None = None,
    amend: bool = False,
    reason: str = "",
    allow_empty: bool = False,
) -> Briefing:
    """The frozen briefing of `date` for `area` (default: the district). Generating a date already
    generated returns it unchanged (a retried job does no harm); `amend=True` makes version n+1 from the
    data as they are now, and the earlier version is kept, superseded, so the differences can be shown.
    A day on which nothing happened is refused with a message, unless `allow_empty` (the nightly job
    and the demo history: a quiet day is a briefing too).

    The figures are computed before the transaction that stores them, so that they can be read from the
    read replica (core/replica.py: never inside a transaction on the primary); the stored briefing is
    then checked again under a lock."""
    area = area or area_default()
    today = timezone.localdate()
    if date > today:
        raise ValidationError(
            _("%(date)s is in the future: a briefing reports on figures that exist.") % {"date": date}
        )
    existing = _current(area, date)
    if amend and existing is None:
        raise ValidationError(
            _("There is no briefing of %(date)s to amend: generate it first.") % {"date": date}
        )
    if not amend and existing is not None:
        return existing
    try:
        as_of = min(policy.cutoff(date), timezone.now())
    except policy.NoCutoff:
        raise ValidationError(
            _("No briefing cut-off is in force on %(date)s: there are no briefings before the policy.")
            % {"date": date}
        ) from None
    values = compute_values(area=area, as_of=as_of)
    # Registry sizes (residents, a ledger) exist on any date: a day has data when something happened.
    eventful = {
        f"{s.key}.{f.key}" for s in sections() for f in s.figures if f.higher_is_worse and not f.ratio
    }
    if not allow_empty and not any(
        v for (key, aid), (v, _lvl, _p) in values.items() if aid == area.pk and key in eventful
    ):
        raise ValidationError(
            _("There are no figures for %(date)s in %(area)s: nothing to brief on.")
            % {"date": date, "area": area}
        )
    return _briefing_store(
        actor=actor, date=date, area=area, amend=amend, reason=reason, as_of=as_of, values=values
    )


@transaction.atomic
def _briefing_store(*, actor, date, area: Area, amend: bool, reason: str, as_of, values) -> Briefing:
    """The write of `briefing_generate`: one transaction, the current version locked (a briefing made
    meanwhile by another job is returned as it is; an amendment becomes the version after it)."""
    existing = _current(area, date, lock=True)
    if not amend and existing is not None:
        return existing
    briefing = Briefing.objects.create(
        area=area,
        date=date,
        version=existing.version + 1 if existing else 1,
        as_of=as_of,
        amends=existing,
        reason=reason[:300],
        generated_by=actor if actor is not None and actor.is_authenticated else None,
        sections=_section_keys(),
    )
    FigureValue.objects.bulk_create(
        [
            FigureValue(
                briefing=briefing, date=date, key=key, area_id=aid, area_path=path, level=level, value=v
            )
            for (key, aid), (v, level, path) in values.items()
        ],
        batch_size=5000,
    )
    if existing is not None:
        before = audit.snapshot(existing)
        existing.state = Briefing.State.SUPERSEDED
        existing.save(update_fields=["state", "updated_at"])
        audit.record(
            existing,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=before,
            message=gettext_noop("Briefing of %(date)s superseded by version %(version)s"),
            params={"date": date, "version": briefing.version},
        )
    audit.record(
        briefing,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("Briefing of %(date)s generated (version %(version)s, %(count)s figures)")
        if not existing
        else gettext_noop("Briefing of %(date)s amended (version %(version)s, %(count)s figures)"),
        params={"date": date, "version": briefing.version, "count": len(values)},
    )
    return briefing


def briefing_check(*, briefing: Briefing) -> list[dict]:
    """The consistency check: every figure of `briefing` recomputed from the raw tables as of its
    moment; each difference (a correction since, or a fault) as {key, area, stored, now}. Reads only."""
    fresh = compute_values(area=briefing.area, as_of=briefing.as_of)
    stored = {(v.key, v.area_id): v.value for v in FigureValue.objects.filter(briefing=briefing)}
    diffs = []
    for k in sorted(set(fresh) | set(stored), key=lambda k: (k[0], k[1])):
        now = fresh.get(k, (None,))[0]
        was = stored.get(k)
        if now is None or was is None or abs(now - was) > 1e-9:
            diffs.append({"key": k[0], "area_id": k[1], "stored": was, "now": now})
    return diffs


@transaction.atomic
def item_add(
    *, actor, briefing: Briefing, kind: str, text: str, area: Area | None = None, deadline=None
) -> Item:
    """A decision of the meeting, or a task with an owner area and a deadline."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what was decided or what is to be done.")})
    area = _owner(actor, briefing, area)
    if not area.path.startswith(briefing.area.path):
        raise ValidationError({"area": _("The owner must be an area this briefing covers.")})
    if kind == Item.Kind.TASK and deadline is None:
        raise ValidationError({"deadline": _("A task needs a deadline.")})
    if deadline is not None and deadline < briefing.date:
        raise ValidationError({"deadline": _("The deadline cannot be before the briefing's date.")})
    item = Item.objects.create(
        briefing=briefing,
        kind=kind,
        text=text[:500],
        area=area,
        deadline=deadline,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.record(
        item,
        ChangeLog.Action.CREATE,
        actor=actor,
        message=gettext_noop("Added to the briefing of %(date)s: %(text)s"),
        params={"date": briefing.date, "text": item.text[:100]},
    )
    return item


def _owner(actor, briefing: Briefing, area: Area | None) -> Area:
    """Who owns a task: the area named, if it lies in the creator's jurisdiction; else the creator's own
    scope inside what the briefing covers (a street coordinator's task on the district's briefing belongs
    to the street, not to the district). An area outside the jurisdiction answers like a missing one."""
    from fangkong.core.scoping import ALL, scope_paths

    from .lookups import OWNER_LEVELS

    if actor is None or not getattr(actor, "is_authenticated", False):
        return area or briefing.area  # the system (seed, background jobs) acts for the briefing's area
    paths = scope_paths(actor, "briefing.add_item")
    outside = ValidationError({"area": _("Choose an area of your jurisdiction.")})
    if area is not None:
        if area.level not in OWNER_LEVELS or not (
            paths is ALL or any(area.path.startswith(p) for p in paths)
        ):
            raise outside
        return area
    if paths is ALL or any(briefing.area.path.startswith(p) for p in paths):
        return briefing.area
    # A scope below the owner levels (a grid) owns its task through its community.
    community = STEP * 4  # city, district, street, community
    own = sorted({p[:community] for p in paths if p.startswith(briefing.area.path)})
    owner = Area.objects.filter(path__in=own, level__in=OWNER_LEVELS).order_by("path").first()
    if owner is None:
        raise outside
    return owner


@transaction.atomic
def item_update(*, actor, item: Item, state: str) -> Item:
    if state not in Item.State.values:
        raise ValidationError({"state": _("Unknown state.")})
    if item.state == state:
        return item
    before = audit.snapshot(item)
    item.state = state
    item.done_at = timezone.now() if state == Item.State.DONE else None
    item.save(update_fields=["state", "done_at", "updated_at"])
    audit.record(
        item,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("Task state set to %(state)s"),
        params={"state": audit.msgid(item.get_state_display())},
    )
    return item


def sections_by_key() -> dict[str, Section]:
    return {s.key: s for s in sections()}


def group_by_key(values) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for v in values:
        out[v.key][v.area_id] = v.value
    return out
