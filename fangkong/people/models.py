"""Residents. A person hangs on a household (an Area of level household); ID numbers and phones
are stored encrypted with an HMAC index (core.crypto) and a masked copy for lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.identity import IdType
from fangkong.core.models import ScopedModel
from fangkong.core.partitioning import ByTime


class PersonStatus(models.TextChoices):
    NORMAL = "normal", _("normal")
    RETURNEE_PENDING = "returnee_pending", _("returnee awaiting check")
    HOME_OBSERVATION = "home_observation", _("home observation")
    CENTRALIZED_OBSERVATION = "centralized_observation", _("centralized observation")
    HEALTH_MONITORING = "health_monitoring", _("health monitoring")
    CLOSE_CONTACT = "close_contact", _("close contact")
    SECONDARY_CONTACT = "secondary_contact", _("secondary contact")
    PRELIMINARY_POSITIVE = "preliminary_positive", _("preliminary positive")
    CONFIRMED = "confirmed", _("confirmed case")
    RECOVERED = "recovered", _("recovered")


class Person(ScopedModel):
    class Type(models.TextChoices):
        PERMANENT = "permanent", _("permanent resident")
        MIGRANT = "migrant", _("migrant")
        FOREIGN = "foreign", _("foreign national")

    class Relation(models.TextChoices):
        OWNER = "owner", _("owner")
        FAMILY = "family", _("family member")
        TENANT = "tenant", _("tenant")
        DORMITORY = "dormitory", _("dormitory resident")

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Return(models.TextChoices):
        PRESENT = "present", _("present")
        NOT_RETURNED = "not_returned", _("not yet returned")
        RETURNED = "returned", _("returned")

    audit_secret_fields = ("id_number_enc", "phone_enc")

    name = models.CharField(_("name"), max_length=50, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, db_index=True)
    id_type = models.CharField(
        _("document type"), max_length=20, choices=IdType.CHOICES, default=IdType.RESIDENT
    )
    id_number_enc = models.TextField(_("document number (encrypted)"), editable=False)
    id_hash = models.CharField(_("document index"), max_length=40, unique=True, editable=False)
    id_masked = models.CharField(_("document number"), max_length=24, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone_enc = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_hash = models.CharField(_("phone index"), max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    person_type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.PERMANENT)
    relation = models.CharField(
        _("relation"), max_length=12, choices=Relation.choices, default=Relation.OWNER
    )
    landlord = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tenants",
        verbose_name=_("landlord"),
    )
    registered_residence = models.CharField(_("registered residence (户籍)"), max_length=120, blank=True)
    return_status = models.CharField(
        _("return status"), max_length=14, choices=Return.choices, default=Return.PRESENT
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=PersonStatus.choices,
        default=PersonStatus.NORMAL,
        db_index=True,
        help_text=_("Derived from the status history; never edited directly."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["area_path", "name"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        permissions = [
            ("reveal_identity", _("Can reveal full ID numbers and phones")),
            # Counts and charts (status counts, observation population) without any personal data.
            ("view_statistics", _("Can view figures (counts and charts) without personal data")),
        ]
        indexes = [models.Index(fields=["area_path", "status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("people:person-detail", args=[self.pk])


class StatusChange(ScopedModel):
    """A dated entry of 人员分类管理; the person's current status is the latest one."""

    append_only = ByTime("since", every="month")  # partitioned on PostgreSQL (core.partitioning)

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="status_history", verbose_name=_("resident")
    )
    status = models.CharField(_("status"), max_length=24, choices=PersonStatus.choices)
    since = models.DateTimeField(_("since"), db_index=True)
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("set by")
    )
    source = models.CharField(
        _("source record"), max_length=80, blank=True, help_text=_("e.g. observation.ObservationOrder:12")
    )

    class Meta:
        ordering = ["person", "-since", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self):
        return f"{self.person} → {self.get_status_display()}"


class VulnerableEntry(ScopedModel):
    """弱势群体台账: one category for one person, with a named responsible person (责任落实到人)."""

    class Category(models.TextChoices):
        ELDERLY_ALONE = "elderly_alone", _("elderly living alone")
        DISABLED = "disabled", _("disabled")
        CHRONIC = "chronic", _("serious or chronic illness")
        PREGNANT = "pregnant", _("pregnant")
        PSYCHIATRIC = "psychiatric", _("psychiatric patient")
        CHEMOTHERAPY = "chemotherapy", _("chemotherapy patient")
        DIALYSIS = "dialysis", _("dialysis patient")
        EXAM_CANDIDATE = "exam_candidate", _("exam candidate")
        OTHER = "other", _("other")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="vulnerable_entries", verbose_name=_("resident")
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, db_index=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    responsible_name = models.CharField(_("responsible person"), max_length=50, blank=True)
    needs = models.TextField(_("needs"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["area_path", "category"]
        verbose_name = _("vulnerable ledger entry")
        verbose_name_plural = _("vulnerable ledger")
        constraints = [
            models.UniqueConstraint(fields=["person", "category"], name="vulnerable_unique_category")
        ]

    def __str__(self):
        return f"{self.person} · {self.get_category_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("people:entry-detail", args=[self.pk])


class Visit(ScopedModel):
    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        WECHAT = "wechat", _("WeChat")
        DOOR = "door", _("door knock")

    entry = models.ForeignKey(
        VulnerableEntry, on_delete=models.CASCADE, related_name="visits", verbose_name=_("ledger entry")
    )
    date = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("by")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    findings = models.TextField(_("findings"))
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self):
        return f"{self.entry} {self.date}"


class ImportBatch(ScopedModel):
    """An uploaded door-to-door survey file, kept server-side between preview and confirm.

    `area` is the jurisdiction the rows are resolved under (the uploader's community or street).
    analysing -> preview -> importing -> committed (or failed); the two -ing states are background jobs.
    Confirming a batch twice is harmless: the second confirm finds it queued or committed and writes
    nothing."""

    class State(models.TextChoices):
        ANALYSING = "analysing", _("analysing")
        PREVIEW = "preview", _("previewed")
        IMPORTING = "importing", _("importing")
        COMMITTED = "committed", _("committed")
        FAILED = "failed", _("rejected")

    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file content"))
    sha256 = models.CharField(_("content hash"), max_length=64, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PREVIEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey import")
        verbose_name_plural = _("survey imports")

    def __str__(self):
        return self.filename
