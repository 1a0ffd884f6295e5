"""How a policy and its value read on a page: the name in the user's language and a value a person can
read (lists joined, units translated, codes as their labels). Every page, table, form choice and preview
that shows a policy goes through here, so none of them prints a raw key or a Python repr."""

from __future__ import annotations

import decimal

from django.utils.translation import get_language, npgettext, pgettext, pgettext_lazy

# Labels for list items that are codes of another app (e.g. person statuses), registered by that app in
# its AppConfig.ready() so this app need not import it: {policy key: {code: label}}.
VALUE_LABELS: dict[str, dict[str, str]] = {}


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def _unit(unit: str, value) -> str:
    """The stored unit (Chinese, as the sources write it) in the user's language, counted if need be."""
    n = int(value) if isinstance(value, int) and not isinstance(value, bool) else 2
    units = {
        "天": lambda: npgettext("policy unit", "%(n)s day", "%(n)s days", n),
        "人": lambda: npgettext("policy unit", "%(n)s person", "%(n)s persons", n),
        "户": lambda: npgettext("policy unit", "%(n)s household", "%(n)s households", n),
        "次": lambda: npgettext("policy unit", "%(n)s time", "%(n)s times", n),
        "小时": lambda: npgettext("policy unit", "%(n)s hour", "%(n)s hours", n),
        "次/分钟": lambda: pgettext("policy unit", "%(n)s per minute"),
    }
    if unit in units:
        return units[unit]() % {"n": value}
    return f"{value} {unit}" if unit else str(value)  # symbols (℃, m²) read the same in both languages


def _item(key: str, item) -> str:
    labels = VALUE_LABELS.get(key, {})
    return str(labels.get(item, item))


def format_value(definition, value) -> str:
    """`value` (as stored) of `definition`, readable: ['7', '14'] → 7、14 (zh) / 7, 14 (en)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return pgettext("policy value", "yes") if value else pgettext("policy value", "no")
    if isinstance(value, list | tuple):
        sep = ", " if _english() else "、"
        return sep.join(_item(definition.key, v) for v in value) if value else "—"
    if isinstance(value, str) and value in VALUE_LABELS.get(definition.key, {}):
        return _item(definition.key, value)  # a code of another app (a person status) reads as its label
    if isinstance(value, decimal.Decimal | float) or definition.value_type == "decimal":
        try:  # stored as text ("37.30"): shown without trailing zeros
            value = format(decimal.Decimal(str(value)).normalize(), "f")
        except decimal.InvalidOperation:
            pass
    return _unit(definition.unit, value)


def policy_name(key: str) -> str:
    """The name of the policy `key` in the user's language (the key itself only if it is unknown)."""
    from .models import PolicyDefinition

    definition = PolicyDefinition.objects.filter(key=key).first()
    return definition.label() if definition else key


# The domains of the policy keys (their first part), in the menu's order: the policies page groups by them.
DOMAINS: list[tuple[tuple[str, ...], object]] = [
    (("gate", "returnee"), pgettext_lazy("policy domain", "Gates and returnees")),
    (("workforce",), pgettext_lazy("policy domain", "Cadres and volunteers")),
    (("observation", "care_group"), pgettext_lazy("policy domain", "Observation and care groups")),
    (("screening",), pgettext_lazy("policy domain", "Mass testing")),
    (("tracing",), pgettext_lazy("policy domain", "Investigation")),
    (("support",), pgettext_lazy("policy domain", "Closures and service requests")),
    (("hotline",), pgettext_lazy("policy domain", "12345 hotline")),
    (("workplace",), pgettext_lazy("policy domain", "Workplaces")),
    (("briefing",), pgettext_lazy("policy domain", "Briefing")),
    (("documents",), pgettext_lazy("policy domain", "Documents")),
    (("retention",), pgettext_lazy("policy domain", "Retention of personal data")),
]


def group_by_domain(rows) -> list[tuple[object, list]]:
    """[(domain title, rows)] for rows of (definition, policy), domains in order, unknown ones last."""
    groups: dict[int, list] = {}
    for row in rows:
        prefix = row[0].key.split(".", 1)[0]
        index = next((i for i, (prefixes, _t) in enumerate(DOMAINS) if prefix in prefixes), len(DOMAINS))
        groups.setdefault(index, []).append(row)
    other = pgettext_lazy("policy domain", "Other")
    return [(DOMAINS[i][1] if i < len(DOMAINS) else other, groups[i]) for i in sorted(groups)]
