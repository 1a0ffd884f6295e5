"""Epidemiological investigation (DOMAIN.md 3.10): cases opened from a positive result, their timeline
(pre-filled from gate scans and the registry), candidate contacts with the reason each is listed,
confirmed contacts with their observation orders, risk areas and the 大数据排查 tasks they give, and the
transmission chains (case links, clusters).

Scoping: a case hangs on the person's household; a contact on the CONTACT's household (the community
that must follow the person sees the contact, not the case), with the case's path copied so that the
case's investigators see it too; a screening task on the person's household."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import ScopedModel, ScopedQuerySet
from fangkong.core.scoping import ALL, path_q, scope_paths


class Classification(models.TextChoices):
    PRELIMINARY = "preliminary", _("preliminary positive")
    CONFIRMED = "confirmed", _("confirmed")
    ASYMPTOMATIC = "asymptomatic", _("asymptomatic")
    EXCLUDED = "excluded", _("excluded")


class Severity(models.TextChoices):
    UNKNOWN = "", _("not assessed")
    MILD = "mild", _("mild")
    MODERATE = "moderate", _("moderate")
    SEVERE = "severe", _("severe")
    CRITICAL = "critical", _("critical")


class Whereabouts(models.TextChoices):
    HOME = "home", _("at home")
    TRANSFERRED = "transferred", pgettext_lazy("transport", "transferred")
    HOSPITAL = "hospital", _("in hospital")
    RECOVERED = "recovered", _("recovered")


class CaseSource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    SCREENING = "screening", _("screening result")
    ANTIGEN = "antigen", _("antigen self-test")
    REPORT = "report", _("report from another district")


class ContactKind(models.TextChoices):
    HOUSEHOLD = "household", pgettext_lazy("contact kind", "household")
    COPRESENCE = "copresence", _("same place, same time")
    WORKPLACE = "workplace", pgettext_lazy("contact kind", "workplace")
    NAMED = "named", _("named by the case")


class CaseQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm: str | None = None):
        """Need-to-know: the cases in the user's areas, and the cases assigned to them wherever they are."""
        perm = perm or "tracing.view_case"
        paths = scope_paths(user, perm)
        if paths is ALL:
            return self
        q = path_q("area_path", paths) if paths else Q(pk__in=[])
        if user is not None and user.is_authenticated and user.has_perm(perm):
            assigned = Case.investigators.through.objects.filter(case_id=OuterRef("pk"), user_id=user.pk)
            q |= Q(Exists(assigned))
        return self.filter(q)


class Cluster(ScopedModel):
    """Cases of one chain or one place (聚集性疫情)."""

    name = models.CharField(pgettext_lazy("not a person", "name"), max_length=120)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("tracing:cluster-detail", args=[self.pk])


class Case(ScopedModel):
    """One infected (or suspected) person under investigation."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="tracing_cases", verbose_name=_("resident")
    )
    classification = models.CharField(
        _("classification"),
        max_length=14,
        choices=Classification.choices,
        default=Classification.PRELIMINARY,
        db_index=True,
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, blank=True, default=""
    )
    whereabouts = models.CharField(
        _("where now"), max_length=12, choices=Whereabouts.choices, default=Whereabouts.HOME
    )
    onset_date = models.DateField(_("onset date"), null=True, blank=True, db_index=True)
    sample_date = models.DateField(_("sample date"))
    lab = models.CharField(_("laboratory"), max_length=120, blank=True)
    source = models.CharField(
        _("opened from"), max_length=10, choices=CaseSource.choices, default=CaseSource.MANUAL
    )
    source_ref = models.CharField(_("source reference"), max_length=120, blank=True)
    transfer_deadline = models.DateTimeField(_("transfer deadline"), null=True, blank=True, db_index=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    investigators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="tracing_cases", verbose_name=_("investigators")
    )
    cluster = models.ForeignKey(
        Cluster,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("cluster"),
    )
    notes = models.TextField(_("notes"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opened by"),
    )

    objects = models.Manager.from_queryset(CaseQuerySet)()

    class Meta:
        ordering = ["-sample_date", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source", "source_ref"],
                condition=~Q(source_ref=""),
                name="tracing_case_source_unique",
            )
        ]

    def __str__(self):
        return f"{self.number} {self.person.name}"

    @property
    def number(self) -> str:
        return f"BL{self.pk:06d}" if self.pk else "BL—"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("tracing:case-detail", args=[self.pk])

    @property
    def reference_date(self):
        """The day the look-back counts from: onset, or sampling for a case without symptoms."""
        return self.onset_date or self.sample_date

    @property
    def transfer_overdue(self) -> bool:
        return (
            self.transfer_deadline is not None
            and self.transferred_at is None
            and self.whereabouts == Whereabouts.HOME
            and self.transfer_deadline < timezone.now()
        )


class TimelineEntry(ScopedModel):
    """Where the case was: from a gate scan, from the registry, or as the person told it."""

    class Source(models.TextChoices):
        SCAN = "scan", _("gate scan")
        REGISTRY = "registry", _("registry")
        TOLD = "told", _("told by the case")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("case"))
    day = models.DateField(pgettext_lazy("date", "day"))
    place = models.ForeignKey(
        "areas.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("place"),
    )
    text = models.CharField(_("where / what"), max_length=200, blank=True)
    time_from = models.TimeField(_("from"), null=True, blank=True)
    time_to = models.TimeField(pgettext_lazy("time range", "to"), null=True, blank=True)
    source = models.CharField(pgettext_lazy("origin", "source"), max_length=10, choices=Source.choices)
    scan_id = models.BigIntegerField(_("scan"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["case", "day", "time_from", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "scan_id"],
                condition=Q(scan_id__isnull=False),
                name="tracing_timeline_scan_once",
            ),
            models.UniqueConstraint(
                fields=["case", "source", "text"],
                condition=Q(source="registry"),
                name="tracing_timeline_registry_once",
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.place or self.text}"


class ContactQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm: str | None = None):
        """The community of the contact's household, and whoever may see the case (its investigators)."""
        perm = perm or "tracing.view_contact"
        paths = scope_paths(user, perm)
        if paths is ALL:
            return self
        q = path_q("area_path", paths) if paths else Q(pk__in=[])
        if (
            user is not None
            and user.is_authenticated
            and user.has_perm(perm)
            and user.has_perm("tracing.view_case")
        ):
            q |= Q(case__in=Case.objects.visible_to(user, "tracing.view_case").values("pk"))
        return self.filter(q)


class Contact(ScopedModel):
    """A person listed for a case: candidate until an investigator confirms or dismisses it. `evidence`
    says why: [{"kind": ..., "place": name, "place_id": id, "case_at": iso, "contact_at": iso,
    "overlap": minutes} | {"kind": "household", "household": name} | {"kind": "named", "note": ...}]."""

    class State(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        CONFIRMED = "confirmed", pgettext_lazy("contact state", "confirmed")
        DISMISSED = "dismissed", _("dismissed")

    class Degree(models.TextChoices):
        CLOSE = "close", _("close contact")
        SECONDARY = "secondary", _("secondary contact")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("case"))
    case_area_path = models.CharField(_("case area path"), max_length=64, db_index=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="tracing_contacts", verbose_name=_("resident")
    )
    kind = models.CharField(_("found by"), max_length=12, choices=ContactKind.choices)
    evidence = models.JSONField(_("why listed"), default=list, blank=True)
    overlap_minutes = models.PositiveIntegerField(_("overlap (minutes)"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.CANDIDATE, db_index=True
    )
    degree = models.CharField(_("degree"), max_length=10, choices=Degree.choices, default=Degree.CLOSE)
    order = models.ForeignKey(
        "observation.ObservationOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("observation order"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = models.Manager.from_queryset(ContactQuerySet)()

    class Meta:
        ordering = ["case", "state", "-overlap_minutes", "id"]
        verbose_name = pgettext_lazy("close contact", "contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="tracing_contact_once")]

    def __str__(self):
        return f"{self.person.name} ({self.get_kind_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("tracing:contact-detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if not self.case_area_path and self.case_id:
            self.case_area_path = self.case.area_path
        super().save(*args, **kwargs)

    def reasons(self) -> list[str]:
        """Each line of the evidence in words, in the reader's language."""
        from .selectors import evidence_text

        return [evidence_text(e) for e in self.evidence or []]


class RiskArea(models.Model):
    """中高风险地区: policy data with effective dates. An area of our tree, a place, or a region outside the
    district named as the gates record travel (`region`, matched against a scan's "travelled from")."""

    class Level(models.TextChoices):
        MEDIUM = "medium", _("medium risk")
        HIGH = "high", _("high risk")

    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    place = models.ForeignKey(
        "areas.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
    )
    region = models.CharField(_("region outside the district"), max_length=60, blank=True)
    level = models.CharField(pgettext_lazy("risk", "level"), max_length=8, choices=Level.choices)
    valid_from = models.DateTimeField(_("from"))
    valid_to = models.DateTimeField(pgettext_lazy("time range", "to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")

    def __str__(self):
        where = self.place or self.area or self.region
        return f"{where} · {self.get_level_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("tracing:riskarea-list")


class ScreeningTask(ScopedModel):
    """One person found by the 大数据排查 of one risk area, with the action the policy asks, handed to the
    community responsible for them (scoped by the person's household)."""

    class Action(models.TextChoices):
        OBSERVATION = "observation", _("home observation")
        TESTING = "testing", _("testing")
        MONITORING = "monitoring", _("health monitoring")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    risk_area = models.ForeignKey(
        RiskArea, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("risk area")
    )
    action = models.CharField(pgettext_lazy("measure", "action"), max_length=12, choices=Action.choices)
    evidence = models.JSONField(_("why listed"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=6, choices=State.choices, default=State.OPEN, db_index=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("screening task")
        verbose_name_plural = _("screening tasks")
        constraints = [
            models.UniqueConstraint(fields=["person", "risk_area", "action"], name="tracing_task_once")
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_action_display()}"


class CaseLink(ScopedModel):
    """The likely source of a case (the investigator's decision, with the evidence); scoped by the case."""

    source = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("source case")
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("case"))
    kind = models.CharField(_("contact type"), max_length=12, choices=ContactKind.choices)
    evidence = models.CharField(_("evidence"), max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        constraints = [
            models.UniqueConstraint(fields=["source", "case"], name="tracing_link_once"),
            models.CheckConstraint(condition=~Q(source=models.F("case")), name="tracing_link_not_self"),
        ]

    def __str__(self):
        return f"{self.source_id} → {self.case_id}"
