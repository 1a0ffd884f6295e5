"""Retention of personal data (PIPL art. 19: kept no longer than its purpose needs).

Each app says in its own `retention.py` (found by core's ready(), like lookups) which of its records hold
personal data, for how long (a policy key: `retention.*`, days, with its source) and what happens when the
period is over: the rows are deleted (scans, access log) or anonymised (names, ID numbers with their
encrypted copy and HMAC index, phones, free text and the link to the resident emptied; the row stays
with its area, dates and states, so every count the briefing makes by area and day is unchanged).

`retention_run` applies every rule at `as_of` (the daily beat job, `manage.py retention_run`). Each rule
touches only rows that still hold what it removes, so a second run removes nothing more; every run
writes one change-log entry per table it changed, with the count, the period and the cut-off. The
change-log entries of an anonymised record lose the same fields (they would otherwise keep the name).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_noop

CHUNK = 2000


@dataclass
class Outcome:
    key: str
    table: str
    action: str  # "delete" or "anonymise"
    days: int | None
    cutoff: datetime.datetime | None
    count: int = 0

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "table": self.table,
            "action": self.action,
            "days": self.days,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "count": self.count,
        }


@dataclass
class RetentionResult:
    as_of: datetime.datetime
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(o.count for o in self.outcomes)

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "outcomes": [o.as_dict() for o in self.outcomes],
        }


@dataclass(frozen=True)
class Rule:
    """`key`: the policy (days); `model`: "app.Model"; `expired(cutoff)`: the rows past their period."""

    key: str
    model: str
    expired: Callable[[datetime.datetime], Q]

    action = "delete"

    def model_class(self):
        return apps.get_model(self.model)

    def pending(self, cutoff):
        return self.model_class()._base_manager.filter(self.expired(cutoff))

    def count(self, cutoff) -> int:
        return self.pending(cutoff).count()

    def apply(self, cutoff) -> int:
        n = 0
        qs = self.pending(cutoff)
        while ids := list(qs.values_list("pk", flat=True)[:CHUNK]):
            n += self.model_class()._base_manager.filter(pk__in=ids).delete()[0]
        return n


@dataclass(frozen=True)
class Delete(Rule):
    """Rows deleted when their period is over (nothing in them is needed once it is)."""


@dataclass(frozen=True)
class Anonymise(Rule):
    """Rows kept, their personal fields set to `fields`' values (and those fields scrubbed from the
    record's change-log entries). Only rows still holding one of them are touched: a second run is a no-op."""

    fields: dict = field(default_factory=dict)
    action = "anonymise"

    def pending(self, cutoff):
        holds = Q()
        for name, blank in self.fields.items():
            holds |= Q(**{f"{name}__isnull": False}) if blank is None else ~Q(**{name: blank})
        return self.model_class()._base_manager.filter(self.expired(cutoff)).filter(holds)

    def apply(self, cutoff) -> int:
        model = self.model_class()
        n = 0
        qs = self.pending(cutoff).order_by("pk")
        # The model's own columns; a foreign key is set through its column name (person -> person_id).
        values = {model._meta.get_field(k).attname: v for k, v in self.fields.items()}
        last = None
        # By key, not by "what still matches": the loop ends even if a value never compared equal.
        while ids := list(
            (qs if last is None else qs.filter(pk__gt=last)).values_list("pk", flat=True)[:CHUNK]
        ):
            n += model._base_manager.filter(pk__in=ids).update(**values)
            _scrub_changelog(model, ids, self.fields)
            last = ids[-1]
        return n


def _scrub_changelog(model, ids, fields: dict) -> None:
    """The change log keeps before/after snapshots: the anonymised fields leave them too, and the entry's
    label (object_repr, often the name) becomes the record's number, in the access log as well."""
    from .models import ChangeLog, SensitiveAccess

    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    keys = set(fields) | {model._meta.get_field(k).attname for k in fields}
    entries = list(ChangeLog.objects.filter(content_type=ct, object_id__in=[str(i) for i in ids]))
    for e in entries:
        for side in ("before", "after"):
            snap = getattr(e, side)
            if isinstance(snap, dict):
                setattr(e, side, {k: (None if k in keys else v) for k, v in snap.items()})
        e.object_repr = f"#{e.object_id}"
    ChangeLog.objects.bulk_update(entries, ["before", "after", "object_repr"], batch_size=CHUNK)
    # The access log keeps who revealed what and why for its own period (PIPL art. 56), not whose name.
    SensitiveAccess.objects.filter(content_type=ct, object_id__in=[str(i) for i in ids]).update(
        object_repr=Concat(Value("#"), F("object_id"))
    )


RULES: list[Rule] = []


def register(*rules: Rule) -> None:
    """Called from each app's retention.py; a rule registered twice (a reloaded module) counts once."""
    for rule in rules:
        if rule not in RULES:
            RULES.append(rule)


def _days(key: str, at) -> int | None:
    from fangkong.policies.models import PolicyDefinition
    from fangkong.policies.selectors import policy_value

    if not PolicyDefinition.objects.filter(key=key).exists():
        return None
    try:
        days = policy_value(key, at=at)
    except Exception:  # no version in force at `at`: nothing is expired under this key
        return None
    return int(days) if days else None  # 0 / empty: kept (the rule is off)


def cutoff_for(as_of: datetime.datetime, days: int) -> datetime.datetime:
    """The start of the local day `days` days before `as_of`: whole days expire together (and whole
    day partitions of the scan table with them)."""
    day = timezone.localtime(as_of).date() - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def retention_run(*, as_of: datetime.datetime | None = None, dry_run: bool = False) -> RetentionResult:
    """Apply every registered rule at `as_of` (default now). Dry run: count what would go, change nothing."""
    as_of = as_of or timezone.now()
    result = RetentionResult(as_of=as_of, dry_run=dry_run)
    for rule in RULES:
        days = _days(rule.key, as_of)
        model = rule.model_class()
        outcome = Outcome(rule.key, model._meta.db_table, rule.action, days, None)
        result.outcomes.append(outcome)
        if days is None:
            continue
        outcome.cutoff = cutoff_for(as_of, days)
        if dry_run:
            outcome.count = rule.count(outcome.cutoff)
            continue
        with transaction.atomic():
            outcome.count = rule.apply(outcome.cutoff)
            if outcome.count:
                _log(rule, model, outcome)
    return result


def _log(rule: Rule, model, outcome: Outcome) -> None:
    """One change-log entry per table and run: what went, how many, under which period."""
    from . import context
    from .models import ChangeLog

    delete = rule.action == "delete"
    ChangeLog.objects.create(
        request_id=context.current().request_id,
        action=ChangeLog.Action.DELETE if delete else ChangeLog.Action.UPDATE,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id="retention",  # the entry is about many rows of the table, not one
        object_repr=outcome.table,
        message=(
            gettext_noop("retention: %(count)s rows deleted from %(table)s (kept %(days)s days)")
            if delete
            else gettext_noop("retention: %(count)s rows anonymised in %(table)s (kept %(days)s days)")
        ),
        params={
            "count": outcome.count,
            "table": outcome.table,
            "days": outcome.days,
            "cutoff": outcome.cutoff.isoformat(),
            "policy": rule.key,
        },
    )


# The access log names whose data was revealed ("whose"): kept for the audits PIPL art. 54 asks for, then
# deleted like any other personal data.
register(Delete("retention.access_log.days", "core.SensitiveAccess", lambda cutoff: Q(time__lt=cutoff)))
