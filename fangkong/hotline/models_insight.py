"""Models of the hotline's open interface and its analysis (imported by models.py):

- `Integration`: a system that files work orders through Open311 with its own API key (hash stored).
- `RateContribution` / `RateRollup`: the three rates, maintained. Each order contributes counters to one
  (received day, area, handler) row; a transition recomputes the order's contribution and adds the
  difference to the rollup in the same transaction (services/rates.py).
- `ProactiveTask`: 未诉先办, a recurring complaint of one community found by the grouping job.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import ScopedModel

from .models import Category  # models.py imports this module at its end, after Category

COUNTERS = (
    "received",
    "responded_on_time",
    "responded_late",
    "closed",
    "resolved",
    "rated",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
)


class Integration(ScopedModel):
    """An external platform or app that files service requests into one street or community (the area)."""

    name = models.CharField(pgettext_lazy("not a person", "name"), max_length=100)
    key_prefix = models.CharField(_("key prefix"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 integration")
        verbose_name_plural = _("Open311 integrations")
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class _Counters(models.Model):
    received = models.IntegerField(default=0)
    responded_on_time = models.IntegerField(default=0)
    responded_late = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basically_satisfied = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RateContribution(_Counters):
    """What one order adds to the rollup now (0/1 counters), so the next change adds the difference."""

    order = models.OneToOneField(
        "hotline.WorkOrder", primary_key=True, on_delete=models.CASCADE, related_name="rate_contribution"
    )
    day = models.DateField()
    area_path = models.CharField(max_length=64)
    handler_id = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.order_id} {self.day}"


class RateRollup(_Counters):
    """Counters per received day, area (the community, or the street while an order is not yet in a
    community) and handler (0: none yet)."""

    day = models.DateField()
    area_path = models.CharField(max_length=64)
    handler_id = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("day", "area_path", "handler_id"), name="hotline_rollup_key"),
        ]
        indexes = [models.Index(fields=("area_path", "day"), name="hotline_rollup_path_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.area_path} {self.handler_id}"


class ProactiveTask(ScopedModel):
    """未诉先办: a complaint that recurs in one community, for the community to solve before the next
    call. The grouping job opens it and keeps it current (one open task per community and topic)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("proactive task", "open")
        IN_HAND = "in_hand", pgettext_lazy("proactive task", "in hand")
        DONE = "done", pgettext_lazy("proactive task", "done")

    category = models.CharField(_("category"), max_length=64, choices=Category.choices)
    keyword = models.CharField(_("keyword"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), blank=True)
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    orders = models.ManyToManyField("hotline.WorkOrder", related_name="proactive_tasks", blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proactive task")
        verbose_name_plural = _("proactive tasks")
        ordering = ("status", "-order_count", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("area", "category", "keyword"),
                condition=~models.Q(status="done"),
                name="hotline_proactive_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.keyword} ({self.order_count})"
