"""The gate verdict (大门四步): a pure read of person status, passes and policy. No rule lives in code:
the deny and refer statuses, the fever threshold and the risk areas are policy values."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fangkong.policies.selectors import PolicyMissing, policy_value

from .models import Pass, Verdict

# Reason codes stored on scan events; the words are translated when shown.
REASONS = {
    "unknown_person": _("Not registered here: no record for this code, ID or phone in this jurisdiction"),
    "no_pass": _("No valid pass"),
    "pass_revoked": _("The pass has been revoked"),
    "fever": _("Temperature at or over the threshold"),
    "risk_area": _("Travelled from a risk area"),
    "returnee_no_notice": _("Returnee without advance notice"),
    "status_home_observation": _("Under home observation"),
    "status_centralized_observation": _("Under centralized observation"),
    "status_close_contact": _("Close contact"),
    "status_secondary_contact": _("Secondary contact"),
    "status_preliminary_positive": _("Preliminary positive"),
    "status_confirmed": _("Confirmed case"),
    "status_health_monitoring": _("Under health monitoring"),
    "status_returnee_pending": _("Returnee awaiting check"),
    "no_temperature": _("Temperature not taken"),
}


_TEXTS: dict[tuple[str | None, str], str] = {}


def reason_text(code: str) -> str:
    """The reason in the active language, memoised per language (a batch answers 1,000 of them)."""
    key = (get_language(), code)
    text = _TEXTS.get(key)
    if text is None:
        label = REASONS.get(code)
        text = _TEXTS[key] = str(label) if label is not None else code
    return text


@dataclass
class GateVerdict:
    result: str
    codes: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [reason_text(c) for c in self.codes]

    def as_dict(self) -> dict:
        return {"result": self.result, "codes": list(self.codes), "reasons": self.reasons}

    def for_outsider(self) -> GateVerdict:
        """The same result as seen by a gate outside the person's jurisdiction: the reasons taken from
        the person's record (status, passes, notice) read as `unknown_person`, so the answer tells
        neither their status nor even that the code belongs to someone registered elsewhere (1,000 phones
        a batch must not map the district). What the gate measured itself (fever, travel) stays."""
        own = [c for c in self.codes if c in GATE_MEASURED]
        if len(own) == len(self.codes):
            return self
        return GateVerdict(self.result, ["unknown_person", *own])


# Reasons that come from what the gate measured or was told, not from the person's record.
GATE_MEASURED = frozenset({"fever", "risk_area", "no_temperature"})


def is_outsider(person, rules: GateRules) -> bool:
    """A person registered outside the community (or street, for a street checkpoint) of the gate."""
    return person is not None and not person.area_path.startswith(rules.community_path)


_RULES_CACHE: dict[tuple, GateRules] = {}


@dataclass
class GateRules:
    """The policy values one verdict needs, read once per place and moment (a batch reuses them)."""

    threshold: decimal.Decimal
    deny_statuses: frozenset[str]
    refer_statuses: frozenset[str]
    risk_areas: tuple[str, ...]
    community_path: str

    @classmethod
    def load(cls, *, place, at: datetime.datetime, stamp: int | None = None) -> GateRules:
        """The rules for a place at a moment, cached per process for the minute and the policy state.

        The key holds the newest policy version id: any new version (that is how policies change)
        invalidates the cache at once; the minute bucket covers versions that take effect later. A caller
        that read the stamp already (with its other reads, in one round trip) passes it in."""
        from fangkong.policies.selectors import policy_stamp

        stamp = policy_stamp() if stamp is None else stamp
        key = (place.pk, place.area_path, stamp, int(at.timestamp() // 60))
        rules = _RULES_CACHE.get(key)
        if rules is None:
            if len(_RULES_CACHE) > 2048:
                _RULES_CACHE.clear()
            rules = _RULES_CACHE[key] = cls._load(place=place, at=at)
        return rules

    @classmethod
    def _load(cls, *, place, at: datetime.datetime) -> GateRules:
        path = place.area_path

        def value(key, default):
            try:
                return policy_value(key, at=at, area=path)
            except PolicyMissing:
                return default

        return cls(
            threshold=decimal.Decimal(str(policy_value("gate.temperature.threshold", at=at, area=path))),
            deny_statuses=frozenset(value("gate.deny.statuses", [])),
            refer_statuses=frozenset(value("gate.refer.statuses", [])),
            risk_areas=tuple(a for a in value("gate.risk_areas", []) if a),
            community_path=community_path_of(place),
        )


def community_path_of(place) -> str:
    """The path of the community (社区) above a place: passes of that community open its gates."""
    from fangkong.areas.models import Area, Level

    area = place.area if "area" in place._state.fields_cache else Area.objects.get(pk=place.area_id)
    if area.level == Level.COMMUNITY:
        return area.path
    found = (
        Area.objects.filter(path__in=area.ancestor_paths(), level=Level.COMMUNITY)
        .values_list("path", flat=True)
        .first()
    )
    return found or area.path


def decide(
    *,
    person,
    temperature,
    travel_from: str,
    rules: GateRules,
    passes: list[Pass],
    at: datetime.datetime,
    returnee_cleared: bool = True,
) -> GateVerdict:
    """The rule itself, on data already loaded (batch ingest calls this for each of 1,000 scans)."""
    deny: list[str] = []
    refer: list[str] = []
    if person is None:
        deny.append("unknown_person")
    else:
        status = person.status
        if status in rules.deny_statuses:
            deny.append(f"status_{status}")
        elif status in rules.refer_statuses:
            refer.append(f"status_{status}")
        if not returnee_cleared:
            deny.append("returnee_no_notice")
        mine = [p for p in passes if p.area_path.startswith(rules.community_path)]
        # Pass.is_valid_at, on the attributes (passes arrive as models or as PassWindow tuples).
        if not any(p.revoked_at is None and p.valid_from <= at < p.valid_to for p in mine):
            if any(p.revoked_at is not None and p.valid_from <= at < p.valid_to for p in mine):
                deny.append("pass_revoked")
            else:
                deny.append("no_pass")
    if temperature is not None and decimal.Decimal(str(temperature)) >= rules.threshold:
        refer.append("fever")
    if travel_from and any(area in travel_from for area in rules.risk_areas):
        refer.append("risk_area")
    if deny:
        return GateVerdict(Verdict.DENY, deny + refer)
    if refer:
        return GateVerdict(Verdict.REFER, refer)
    return GateVerdict(Verdict.ALLOW, [])
