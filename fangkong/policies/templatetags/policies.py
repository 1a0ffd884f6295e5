"""Template side of policies.display: `{{ policy|policy_value }}`, `{{ value|policy_value:definition }}`
and `{{ key|policy_name }}`, so no template prints a raw key or a Python repr of a value."""

from django import template

from .. import display
from ..display import format_value
from ..models import Policy, PolicyDefinition

register = template.Library()


def _definition(definition_or_key) -> PolicyDefinition | None:
    if isinstance(definition_or_key, PolicyDefinition):
        return definition_or_key
    return PolicyDefinition.objects.filter(key=definition_or_key).first()


@register.filter
def policy_value(value, definition_or_key=None) -> str:
    if isinstance(value, Policy):
        return value.display_value
    definition = _definition(definition_or_key)
    if definition is None:
        return format_value(PolicyDefinition(key="", unit=""), value)
    return definition.format_value(value)


@register.filter
def policy_name(definition_or_key) -> str:
    if isinstance(definition_or_key, PolicyDefinition):
        return definition_or_key.label()
    return display.policy_name(str(definition_or_key))
