"""The workforce (issue 20): every down-sunk cadre (下沉干部), volunteer (志愿者) and party member reporting
to their home community (在职党员报到) is a Worker; a street or community states its need (DeploymentRequest);
the district assigns workers to a community's team (Assignment, "编入社区防控工作团队，同岗同责"); volunteers
and party members register themselves through a community's link (RegistrationLink) and are reviewed.

Posts and shifts are ONE model in the product: `gates.Post` (with its duty, staff needed per hour and
hours) and `gates.PostShift` (with its `worker`). Attendance, insurance, meals and equipment issued per
post and day, and rest days hang on the worker and the shift.

ID numbers and phones are stored as people's are (core.crypto): encrypted, an HMAC index to find them,
and a masked copy for lists; a reveal of the full number is logged (core.audit)."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.identity import IdType
from fangkong.core.models import ScopedModel
from fangkong.core.partitioning import ByTime, NotPartitioned


class Duty(models.TextChoices):
    """What a worker does: the seeds' six roles (六大员) and the posts. Shared by posts, requests and
    assignments."""

    GATE = "gate", _("gate duty")
    PATROL = "patrol", _("patrol")
    OBSERVATION_SERVICE = "observation_service", _("observation service")
    SAMPLING_SUPPORT = "sampling_support", _("sampling support")
    DELIVERY = "delivery", _("delivery")
    HOTLINE = "hotline", _("hotline")
    DOOR_TO_DOOR = "door_to_door", _("door-to-door survey")
    OTHER = "other", pgettext_lazy("duty", "other")


class Skill(models.TextChoices):
    MEDICAL = "medical", _("medical")
    DRIVER = "driver", _("driver")
    INTERPRETER = "interpreter", _("interpreter")
    PSYCHOLOGICAL = "psychological", _("psychological counselling")
    IT = "it", _("IT")
    OTHER = "other", pgettext_lazy("skill", "other")


def _token() -> str:
    return secrets.token_urlsafe(24)


class Worker(ScopedModel):
    """One cadre, volunteer or party member. `area` is the team they serve in: their community once
    assigned, the reviewing community for a self-registration, the unit's street before assignment."""

    class Kind(models.TextChoices):
        CADRE = "cadre", _("down-sunk cadre")
        VOLUNTEER = "volunteer", _("volunteer")
        PARTY_MEMBER = "party_member", _("reporting party member")

    class Level(models.TextChoices):
        CITY = "city", _("city level")
        DISTRICT = "district", _("district level")
        STREET = "street", _("street level")
        COMMUNITY = "community", _("community level")

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("healthy")
        SYMPTOMS = "symptoms", _("symptoms")
        ISOLATED = "isolated", _("isolated")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending review")
        ACTIVE = "active", pgettext_lazy("worker", "active")
        RELEASED = "released", _("released")
        REJECTED = "rejected", _("rejected")

    audit_secret_fields = ("id_number_enc", "phone_enc")

    name = models.CharField(_("name"), max_length=50, db_index=True)
    phone_enc = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_hash = models.CharField(_("phone index"), max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    id_type = models.CharField(
        _("document type"), max_length=20, choices=IdType.CHOICES, default=IdType.RESIDENT
    )
    id_number_enc = models.TextField(_("document number (encrypted)"), blank=True, editable=False)
    id_hash = models.CharField(_("document index"), max_length=40, blank=True, editable=False)
    id_masked = models.CharField(_("document number"), max_length=24, blank=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.VOLUNTEER, db_index=True
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.COMMUNITY)
    home_unit = models.CharField(_("home unit (派出单位)"), max_length=100, blank=True, db_index=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    health_status = models.CharField(
        _("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
        verbose_name=_("user account"),
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registry record"),
    )
    registration_link = models.ForeignKey(
        "RegistrationLink",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
        verbose_name=_("registered through"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["area_path", "name", "id"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        permissions = [("reveal_identity", _("Can reveal a worker's full ID number and phone"))]
        constraints = [
            # One record per person: a second import or registration of the same ID is refused.
            models.UniqueConstraint(fields=["id_hash"], condition=~Q(id_hash=""), name="worker_unique_id"),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "level"], name="worker_status_kind_level"),
            models.Index(fields=["area_path", "status"], name="worker_path_status"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("workforce:worker-detail", args=[self.pk])

    @classmethod
    def changelog_value(cls, field: str, value):
        """The change log names the skill keys stored in the JSON list (core.models.ChangeLog)."""
        if field == "skills":
            return dict(Skill.choices).get(value, value)
        return None

    def skill_labels(self) -> list[str]:
        names = dict(Skill.choices)
        return [str(names.get(s, s)) for s in self.skills or []]


class RegistrationLink(ScopedModel):
    """A community's self-registration link (QR code) for volunteers or reporting party members.
    `area` is the community; a registration through it is a Worker pending the community's review."""

    token = models.CharField(_("token"), max_length=64, unique=True, default=_token, editable=False)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        # The two kinds that register themselves (cadres are sent by their unit).
        choices=[c for c in Worker.Kind.choices if c[0] != Worker.Kind.CADRE],
        default=Worker.Kind.VOLUNTEER,
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )
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
        verbose_name = _("registration link")
        verbose_name_plural = _("registration links")

    def __str__(self):
        return self.title or f"{self.area} · {self.get_kind_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("workforce:link-detail", args=[self.pk])

    def is_open_at(self, at: datetime.datetime) -> bool:
        return self.revoked_at is None and at < self.expires_at


class DeploymentRequest(ScopedModel):
    """A street's or community's need (用人需求): how many workers, for which duties, from when."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("request", "open")
        FILLED = "filled", _("filled")
        CANCELLED = "cancelled", _("cancelled")

    count = models.PositiveIntegerField(_("workers needed"))
    duties = models.JSONField(_("duties"), default=list, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("deployment request")
        verbose_name_plural = _("deployment requests")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="deploymentrequest_count_positive"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="deploymentrequest_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.area} · {self.count}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("workforce:request-detail", args=[self.pk])

    @classmethod
    def changelog_value(cls, field: str, value):
        if field == "duties":
            return dict(Duty.choices).get(value, value)
        return None

    def duty_labels(self) -> list[str]:
        names = dict(Duty.choices)
        return [str(names.get(d, d)) for d in self.duties or []]


class Assignment(ScopedModel):
    """A worker put into a community's team (同岗同责) from `start`; open while `end` is empty. `area` is
    the community. At most one open assignment per worker."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("worker")
    )
    request = models.ForeignKey(
        DeploymentRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
        verbose_name=_("deployment request"),
    )
    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices, default=Duty.OTHER)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(end__isnull=True), name="assignment_one_open_per_worker"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="assignment_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["area_path", "end"], name="assignment_path_end")]

    def __str__(self):
        return f"{self.worker} → {self.area}"


class Attendance(ScopedModel):
    """A check-in (and later check-out) at a post for one shift, by scanning the post's QR code."""

    # Not partitioned (docs/scaling.md): updated at check-out, and one check-in per shift and worker is
    # a unique key without the time; a roster-sized table, not a scan-sized one.
    append_only = NotPartitioned("updated at check-out; unique (shift, worker) carries no time column")

    class Source(models.TextChoices):
        QR = "qr", _("QR code scan")
        MANUAL = "manual", _("entered by the community")

    shift = models.ForeignKey(
        "gates.PostShift", on_delete=models.CASCADE, related_name="attendances", verbose_name=_("shift")
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("worker")
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.QR)

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            # One check-in per shift and worker: a second scan is refused (or is the check-out).
            models.UniqueConstraint(fields=["shift", "worker"], name="attendance_one_per_shift"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gte=F("checked_in_at")),
                name="attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["worker", "checked_in_at"], name="attendance_worker_time")]

    def __str__(self):
        return f"{self.worker} · {self.checked_in_at:%Y-%m-%d %H:%M}"


class Insurance(ScopedModel):
    """Accident insurance enrolled for a worker (policy number, dates)."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="insurances", verbose_name=_("worker")
    )
    insurer = models.CharField(_("insurer"), max_length=100)
    policy_number = models.CharField(_("policy number"), max_length=60)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("insurance")
        verbose_name_plural = _("insurances")
        constraints = [
            models.UniqueConstraint(fields=["worker", "policy_number"], name="insurance_unique_policy"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="insurance_end_after_start"),
        ]

    def __str__(self):
        return f"{self.worker} · {self.policy_number}"


class CareIssue(ScopedModel):
    """Meals and protective equipment issued for one post on one day (counts)."""

    date = models.DateField(_("date"))
    post = models.ForeignKey(
        "gates.Post", on_delete=models.CASCADE, related_name="care_issues", verbose_name=_("post")
    )
    meals = models.PositiveIntegerField(_("meals"), default=0)
    masks = models.PositiveIntegerField(_("masks"), default=0)
    suits = models.PositiveIntegerField(_("protective suits"), default=0)
    gloves = models.PositiveIntegerField(_("gloves"), default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        ordering = ["-date", "post"]
        verbose_name = _("meals and equipment issued")
        verbose_name_plural = _("meals and equipment issued")
        constraints = [models.UniqueConstraint(fields=["post", "date"], name="careissue_one_per_post_day")]

    def __str__(self):
        return f"{self.post} · {self.date}"


class RestDay(ScopedModel):
    """A rest day due to a worker (轮休) on a date; `taken` once they had it."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="rest_days", verbose_name=_("worker")
    )
    date = models.DateField(_("date"))
    taken = models.BooleanField(_("taken"), default=False)

    class Meta:
        ordering = ["-date", "worker"]
        verbose_name = _("rest day")
        verbose_name_plural = _("rest days")
        constraints = [models.UniqueConstraint(fields=["worker", "date"], name="restday_one_per_worker_day")]

    def __str__(self):
        return f"{self.worker} · {self.date}"


class PostCode(ScopedModel):
    """The QR code on a post (岗位签到码): a worker on the post scans it to check in and out. One active
    code per post; revoking it (a lost or photographed poster) stops it at once, a new one replaces it."""

    post = models.ForeignKey(
        "gates.Post", on_delete=models.CASCADE, related_name="checkin_codes", verbose_name=_("post")
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_token, editable=False)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )
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
        verbose_name = _("post check-in code")
        verbose_name_plural = _("post check-in codes")
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(active=True), name="postcode_one_active_per_post"
            )
        ]

    def __str__(self):
        return f"{self.post} · {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("workforce:post-code", args=[self.post_id])


class MissedCheckIn(ScopedModel):
    """A rostered shift whose worker had not checked in N minutes after it started (policy
    workforce.missed_minutes), flagged to the community once (one per shift); `resolved_at` when they
    check in after all."""

    shift = models.OneToOneField(
        "gates.PostShift", on_delete=models.CASCADE, related_name="missed_checkin", verbose_name=_("shift")
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="missed_checkins", verbose_name=_("worker")
    )
    flagged_at = models.DateTimeField(_("flagged at"))
    resolved_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        ordering = ["-flagged_at", "-id"]
        verbose_name = _("missed check-in")
        verbose_name_plural = _("missed check-ins")
        indexes = [models.Index(fields=["area_path", "resolved_at"], name="missedcheckin_path_open")]

    def __str__(self):
        return f"{self.worker} · {self.flagged_at:%Y-%m-%d %H:%M}"


class WorkerHealthReport(ScopedModel):
    """A worker's daily health report (issue 20): temperature and symptoms, on the observation app's report
    form. `flagged` (fever at the gate's line, or any symptom) puts it on the community's workbench."""

    append_only = ByTime("date", every="month")  # partitioned on PostgreSQL (core.partitioning)

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="health_reports", verbose_name=_("worker")
    )
    date = models.DateField(_("date"))
    temperature = models.DecimalField(_("temperature (℃)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    fever = models.BooleanField(_("fever"), default=False)
    flagged = models.BooleanField(_("flagged to the community"), default=False, db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )

    class Meta:
        ordering = ["-date", "worker"]
        verbose_name = _("worker health report")
        verbose_name_plural = _("worker health reports")
        constraints = [
            models.UniqueConstraint(fields=["worker", "date"], name="workerhealthreport_one_per_day")
        ]

    def __str__(self):
        return f"{self.worker} · {self.date}"

    @classmethod
    def changelog_value(cls, field: str, value):
        if field == "symptoms":
            from fangkong.observation.models import Symptom

            return dict(Symptom.choices).get(value, value)
        return None

    def symptom_labels(self) -> list[str]:
        from fangkong.observation.models import Symptom

        names = dict(Symptom.choices)
        return [str(names.get(s, s)) for s in self.symptoms or []]
