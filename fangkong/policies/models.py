"""Versioned policy records: every number from policy lives here, never in code (DOMAIN.md 4)."""

from __future__ import annotations

import decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import ScopedQuerySet
from fangkong.core.scoping import ALL, scope_paths


class PolicyDefinition(models.Model):
    """What a policy key means and what type its values have."""

    class Type(models.TextChoices):
        INT = "int", _("whole number")
        DECIMAL = "decimal", _("decimal number")
        BOOL = "bool", _("yes / no")
        TEXT = "text", _("text")
        LIST = "list", _("list")
        TIME = "time", _("time of day")

    key = models.CharField(_("key"), max_length=80, unique=True)
    value_type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("policy definition")
        verbose_name_plural = _("policy definitions")

    def __str__(self):
        return self.label()

    def format_value(self, value) -> str:
        """A stored value of this policy as a person reads it (policies.display)."""
        from .display import format_value

        return format_value(self, value)

    def label(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        lang = language or get_language() or "zh-hans"
        return self.name_en if lang.startswith("en") else self.name_zh

    def coerce(self, raw):
        """Turn raw input (form text or JSON) into the stored JSON value; ValidationError if it does not fit."""
        try:
            if self.value_type == self.Type.INT:
                if isinstance(raw, bool):
                    raise ValueError
                value = int(str(raw).strip())
                return value
            if self.value_type == self.Type.DECIMAL:
                return str(decimal.Decimal(str(raw).strip()))
            if self.value_type == self.Type.BOOL:
                if isinstance(raw, bool):
                    return raw
                text = str(raw).strip().lower()
                if text in ("1", "true", "yes", "是", "y"):
                    return True
                if text in ("0", "false", "no", "否", "n"):
                    return False
                raise ValueError
            if self.value_type == self.Type.LIST:
                if isinstance(raw, list):
                    return raw
                return [part.strip() for part in str(raw).replace("，", ",").split(",") if part.strip()]
            if self.value_type == self.Type.TIME:
                import datetime

                return datetime.time.fromisoformat(str(raw).strip()).strftime("%H:%M")
            text = str(raw).strip()
            if not text:
                raise ValueError
            return text
        except (ValueError, TypeError, decimal.InvalidOperation) as exc:
            raise ValidationError(
                {
                    "value": _("“%(value)s” is not a valid %(type)s.")
                    % {"value": raw, "type": self.get_value_type_display()}
                }
            ) from exc

    def typed(self, stored):
        if self.value_type == self.Type.DECIMAL:
            return decimal.Decimal(stored)
        if self.value_type == self.Type.TIME:
            import datetime

            return datetime.time.fromisoformat(stored)
        return stored


class PolicyQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm: str | None = None):
        """Global policies, those of the user's areas and those of the areas above them (they apply there)."""
        paths = scope_paths(user, perm or "policies.view_policy")
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        ancestors = {""}
        q = Q()
        for p in paths:
            ancestors.update(p[:i] for i in range(4, len(p) + 1, 4))
            q |= Q(area_path__startswith=p)
        return self.filter(q | Q(area_path__in=ancestors))


class Policy(models.Model):
    """One version of one rule, in force from `effective_from` until `effective_to` (exclusive)."""

    scope_path_field = "area_path"

    definition = models.ForeignKey(
        PolicyDefinition, on_delete=models.PROTECT, related_name="versions", verbose_name=_("policy")
    )
    value = models.JSONField(_("value"))
    effective_from = models.DateTimeField(_("effective from"), db_index=True)
    effective_to = models.DateTimeField(_("effective to"), null=True, blank=True)
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    area_path = models.CharField(_("area path"), max_length=64, blank=True, db_index=True, editable=False)
    version = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("source"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["definition__key", "area_path", "-effective_from"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "area_path", "version"], name="policy_unique_version"
            ),
        ]

    def __str__(self):
        return f"{self.definition.label()} v{self.version}: {self.display_value}"

    @staticmethod
    def changelog_value(field_name, value):
        """The change log shows a code in a policy's value (a person status, an escalation target) as its
        label, as the policy pages do (display.VALUE_LABELS), not as stored."""
        if field_name != "value" or not isinstance(value, str):
            return None
        from .display import VALUE_LABELS

        return next((labels[value] for labels in VALUE_LABELS.values() if value in labels), None)

    @property
    def display_value(self) -> str:
        return self.definition.format_value(self.value)

    def clean(self):
        if self.effective_to and self.effective_to <= self.effective_from:
            raise ValidationError({"effective_to": _("The end must be after the start.")})

    @property
    def typed_value(self):
        return self.definition.typed(self.value)
