"""Daily zero reports (零报告), missing-report alerts, inspections and the rectification ledger (列账整改).

wp1's registry models (Workplace, Room, Violation…) live in models.py, which imports these."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.partitioning import ByTime, NotPartitioned

from .models import WorkplaceScopedModel

__all__ = [
    "ReportLink",
    "ZeroReport",
    "ZeroReportRevision",
    "MissingReportAlert",
    "Checklist",
    "Inspection",
    "InspectionPhoto",
    "LedgerItem",
    "LedgerEvent",
]


def _token() -> str:
    return secrets.token_urlsafe(24)


class ReportLink(WorkplaceScopedModel):
    """The phone link a workplace files its daily zero report from (no login)."""

    workplace = models.ForeignKey(
        "workplaces.Workplace",
        on_delete=models.CASCADE,
        related_name="report_links",
        verbose_name=_("workplace"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_token, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("zero report link")
        verbose_name_plural = _("zero report links")

    def __str__(self):
        return f"{self.workplace} · {self.expires_at:%Y-%m-%d}"

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ZeroReport(WorkplaceScopedModel):
    """零报告: one per workplace and day, filed even when nothing happened; a second filing amends it."""

    # Partitioned by month on PostgreSQL (core.partitioning); an amendment updates the row, never its date.
    append_only = ByTime("date", every="month")

    class Channel(models.TextChoices):
        LINK = "link", _("phone link")
        WORKBENCH = "workbench", _("workbench")

    workplace = models.ForeignKey(
        "workplaces.Workplace",
        on_delete=models.PROTECT,
        related_name="zero_reports",
        verbose_name=_("workplace"),
    )
    date = models.DateField(_("report date"), db_index=True)
    staff_total = models.PositiveIntegerField(_("staff"))
    staff_on_site = models.PositiveIntegerField(_("staff on site"))
    absent_sick = models.PositiveIntegerField(_("absent for illness"), default=0)
    absentees = models.JSONField(_("absent for illness"), default=list, blank=True)
    arrivals_outside = models.PositiveIntegerField(_("arrivals from outside Beijing"), default=0)
    temperature_checked = models.BooleanField(_("temperature checks done"), default=False)
    disinfected = models.BooleanField(_("disinfection done"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("filed by"),
    )

    class Meta:
        ordering = ["-date", "workplace_id"]
        verbose_name = _("zero report")
        verbose_name_plural = _("zero reports")
        constraints = [models.UniqueConstraint(fields=["workplace", "date"], name="wp_zeroreport_one_a_day")]

    def __str__(self):
        return f"{self.workplace} · {self.date}"

    @property
    def onsite_pct(self) -> float | None:
        if not self.staff_total:
            return None
        return round(100.0 * self.staff_on_site / self.staff_total, 1)


class ZeroReportRevision(models.Model):
    """What a zero report said before an amendment (the history of a day's report)."""

    # No database constraint: zero reports are partitioned (core.partitioning); on_delete still holds.
    report = models.ForeignKey(
        ZeroReport, on_delete=models.CASCADE, related_name="revisions", db_constraint=False
    )
    revision = models.PositiveSmallIntegerField(_("revision"))
    data = models.JSONField(_("values"))
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)

    class Meta:
        ordering = ["report_id", "revision"]
        constraints = [models.UniqueConstraint(fields=["report", "revision"], name="wp_zeroreport_rev_once")]
        verbose_name = _("zero report revision")
        verbose_name_plural = _("zero report revisions")

    def __str__(self):
        return f"{self.report} r{self.revision}"


class MissingReportAlert(WorkplaceScopedModel):
    """A workplace's zero report not in by the policy deadline: one per workplace and day, to its street."""

    workplace = models.ForeignKey(
        "workplaces.Workplace",
        on_delete=models.CASCADE,
        related_name="missing_alerts",
        verbose_name=_("workplace"),
    )
    date = models.DateField(_("report date"), db_index=True)
    deadline = models.DateTimeField(_("deadline"))
    resolved_at = models.DateTimeField(_("report received at"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "workplace_id"]
        verbose_name = _("missing zero report")
        verbose_name_plural = _("missing zero reports")
        constraints = [models.UniqueConstraint(fields=["workplace", "date"], name="wp_missing_once_a_day")]

    def __str__(self):
        return f"{self.workplace} · {self.date}"


class Checklist(models.Model):
    """One version of the inspection checklist of a workplace type: items as data, editable by the district."""

    workplace_type = models.CharField(_("workplace type"), max_length=20, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"))
    items = models.JSONField(_("items"), default=list)  # [{"key", "zh", "en"}]
    source = models.CharField(_("source"), max_length=300, blank=True)
    effective_from = models.DateTimeField(_("effective from"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["workplace_type", "-version"]
        verbose_name = _("inspection checklist")
        verbose_name_plural = _("inspection checklists")
        constraints = [
            models.UniqueConstraint(fields=["workplace_type", "version"], name="wp_checklist_version_once")
        ]

    def __str__(self):
        return f"{self.workplace_type} v{self.version}"


class Inspection(WorkplaceScopedModel):
    """An on-site inspection against a checklist version; every failed item becomes a ledger item."""

    workplace = models.ForeignKey(
        "workplaces.Workplace",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("workplace"),
    )
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("inspector"),
    )
    at = models.DateTimeField(_("inspected at"), default=timezone.now)
    results = models.JSONField(_("results"), default=dict)  # {item key: true (passed) | false (failed)}
    note = models.CharField(_("note"), max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("workplace inspection")
        verbose_name_plural = _("workplace inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~models.Q(idempotency_key=""), name="wp_inspection_once"
            )
        ]

    def __str__(self):
        return f"{self.workplace} · {self.at:%Y-%m-%d}"

    @property
    def failed(self) -> list[str]:
        return [k for k, ok in self.results.items() if ok is False]


class InspectionPhoto(WorkplaceScopedModel):
    contact_field = "inspection__workplace__safety_contact_user"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection")
    )
    file = models.FileField(_("photo"), upload_to="workplaces/inspections/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("workplace inspection photo")
        verbose_name_plural = _("workplace inspection photos")

    def __str__(self):
        return self.caption or self.file.name


class LedgerItem(WorkplaceScopedModel):
    """列账整改: a finding to put right by a deadline; closed on re-inspection or extended with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("ledger", "open")
        EXTENDED = "extended", _("extended")
        CLOSED = "closed", pgettext_lazy("ledger", "closed")

    workplace = models.ForeignKey(
        "workplaces.Workplace",
        on_delete=models.PROTECT,
        related_name="ledger_items",
        verbose_name=_("workplace"),
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="ledger_items", verbose_name=_("inspection")
    )
    item_key = models.CharField(_("checklist item"), max_length=40)
    finding = models.CharField(_("finding"), max_length=300)
    deadline = models.DateField(_("deadline"), db_index=True)
    responsible = models.CharField(_("responsible person"), max_length=50)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by_inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by inspection"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("ledger item")
        verbose_name_plural = _("ledger items")
        constraints = [models.UniqueConstraint(fields=["inspection", "item_key"], name="wp_ledger_item_once")]

    def __str__(self):
        return f"{self.workplace} · {self.finding}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()


class LedgerEvent(models.Model):
    """The history of a ledger item: created, extended (with reason), escalated, closed."""

    # Not partitioned (docs/scaling.md): no area column to key it by, and a few rows per ledger item.
    append_only = NotPartitioned("no area_path to take the district from; a few rows per ledger item")

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        EXTENDED = "extended", _("extended")
        ESCALATED = "escalated", _("escalated")
        CLOSED = "closed", pgettext_lazy("ledger", "closed")

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    old_deadline = models.DateField(null=True, blank=True)
    new_deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["item_id", "at", "id"]
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")

    def __str__(self):
        return f"{self.item} · {self.kind}"
