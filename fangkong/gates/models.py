"""The three gates (三道门): place codes, passes, posts and shifts, scan events, returnees, seals.

ScanEvent is append-only and, on PostgreSQL, a table partitioned by day (migration 0001 creates it
with RunSQL; its primary key and its idempotency key both carry the partition column scanned_at)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.identity import IdType
from fangkong.core.models import ScopedManager, ScopedModel
from fangkong.core.partitioning import ByTime
from fangkong.workforce.models import Duty


def _salt() -> str:
    return secrets.token_hex(8)


class PlaceCode(ScopedModel):
    """场所码: one version of a place's signed token. Rotating deactivates the old version."""

    place = models.ForeignKey(
        "areas.Place", on_delete=models.CASCADE, related_name="gate_codes", verbose_name=_("place")
    )
    version = models.PositiveIntegerField(_("version"))
    salt = models.CharField(_("salt"), max_length=32, default=_salt, editable=False)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    rotated_at = models.DateTimeField(_("rotated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["place", "-version"]
        verbose_name = _("place code")
        verbose_name_plural = _("place codes")
        constraints = [models.UniqueConstraint(fields=["place", "version"], name="placecode_unique_version")]

    def __str__(self):
        return f"{self.place} v{self.version}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("gates:placecode-detail", args=[self.pk])


class Pass(ScopedModel):
    """出入证: issued by the community to a resident, valid for a period from policy, revocable."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="gate_passes", verbose_name=_("resident")
    )
    number = models.CharField(_("pass number"), max_length=20, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)
    source = models.CharField(_("source record"), max_length=80, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        indexes = [models.Index(fields=["person", "valid_to"])]

    def __str__(self):
        return f"{self.number} · {self.person}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("gates:pass-detail", args=[self.pk])

    def is_valid_at(self, at) -> bool:
        return self.revoked_at is None and self.valid_from <= at < self.valid_to


class Post(ScopedModel):
    """A gate post (岗): a place staffed by day, by night or in the underground garage."""

    class Kind(models.TextChoices):
        DAY = "day", _("day post")
        NIGHT = "night", _("night post")
        GARAGE = "garage", _("underground garage")

    place = models.ForeignKey(
        "areas.Place", on_delete=models.CASCADE, related_name="gate_posts", verbose_name=_("place")
    )
    name = models.CharField(pgettext_lazy("not a person", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.DAY)
    active = models.BooleanField(_("active"), default=True)
    # The one post model of the product (issue 20): what is done there, how many people each staffed
    # hour needs, and the hours it is staffed each day: from start_hour to end_hour (0–24, local time);
    # an end at or before the start runs past midnight (20–8 is a night post), 0–24 is round the clock.
    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices, default=Duty.GATE)
    staff_needed = models.PositiveSmallIntegerField(_("staff needed per hour"), default=1)
    start_hour = models.PositiveSmallIntegerField(_("staffed from (hour)"), default=0)
    end_hour = models.PositiveSmallIntegerField(_("staffed until (hour)"), default=24)

    class Meta:
        ordering = ["area_path", "name"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_hour__lte=23, end_hour__gte=1, end_hour__lte=24)
                & ~models.Q(start_hour=models.F("end_hour")),
                name="post_hours_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(staff_needed__gte=1), name="post_staff_needed_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def hours_label(self) -> str:
        return f"{self.start_hour}–{self.end_hour}"

    def staffed_hours(self) -> list[int]:
        """The hours of the day (0–23) the post is staffed, in order from the start (wrapping)."""
        length = (self.end_hour - self.start_hour) % 24 or 24
        return [(self.start_hour + i) % 24 for i in range(length)]


class PostShift(ScopedModel):
    """One volunteer on one post from start to end (排班)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("post"))
    # The worker's user account when they log in (a rostered cadre without an account has none): the
    # gate pages find a volunteer's post by it.
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="gate_shifts",
        verbose_name=_("volunteer"),
    )
    # The registry's worker on the shift (issue 20); every service that writes a shift sets it.
    worker = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("worker"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["-start"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [
            models.Index(fields=["volunteer", "start", "end"]),
            models.Index(fields=["worker", "start"], name="postshift_worker_start"),
        ]

    def __str__(self):
        return f"{self.post} · {self.worker or self.volunteer}"


class Direction(models.TextChoices):
    IN = "in", _("in")
    OUT = "out", _("out")


class Verdict(models.TextChoices):
    ALLOW = "allow", _("allow")
    DENY = "deny", _("deny")
    REFER = "refer", _("refer")


class ScanEvent(models.Model):
    """One gate check or self-registration. Append-only; `client_id` makes retries idempotent.

    Not a ScopedModel (no updated_at: nothing is ever updated) but scoped the same way by area_path,
    the path of the place's area."""

    scope_path_field = "area_path"
    # Partitioned by day, primary key (id, scanned_at, district_path) on PostgreSQL (core.partitioning).
    append_only = ByTime("scanned_at", every="day")

    class Entry(models.TextChoices):
        PASS = "pass", _("pass code")
        ID = "id", _("ID number")
        PHONE = "phone", _("phone")
        SELF = "self", _("self-registration")
        UNKNOWN = "unknown", _("unrecognised")

    id = models.BigAutoField(primary_key=True)
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4)
    # No database foreign keys on this table: every insert would check (and KEY SHARE lock) the same
    # place, area and volunteer rows, which serialises a busy gate; the service sets these ids from
    # rows it has just read, and Django still applies on_delete. Composite indexes below cover the
    # lookups, so the single-column FK indexes are left out too.
    place = models.ForeignKey(
        "areas.Place",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        db_constraint=False,
        db_index=False,
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        db_constraint=False,
        db_index=False,
    )
    area_path = models.CharField(_("area path"), max_length=64)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resident"),
        db_constraint=False,
        db_index=False,
    )
    entry = models.CharField(_("entered as"), max_length=8, choices=Entry.choices, default=Entry.UNKNOWN)
    entered_masked = models.CharField(_("entered"), max_length=40, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=4, decimal_places=1, null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.IN
    )
    verdict = models.CharField(_("verdict"), max_length=5, choices=Verdict.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("post"),
        db_constraint=False,
        db_index=False,
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("volunteer"),
        db_constraint=False,
    )
    travel_from = models.CharField(_("travelled from"), max_length=60, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"))
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-scanned_at", "-id"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        constraints = [
            # The partition column is part of every unique key of a partitioned table.
            models.UniqueConstraint(fields=["client_id", "scanned_at"], name="scanevent_client_unique"),
        ]
        indexes = [
            models.Index(fields=["area_path", "scanned_at"], name="scanevent_path_time"),
            models.Index(fields=["place", "scanned_at"], name="scanevent_place_time"),
            models.Index(fields=["person", "scanned_at"], name="scanevent_person_time"),
        ]

    def __str__(self):
        return f"{self.place} {self.get_verdict_display()} {self.scanned_at:%Y-%m-%d %H:%M}"

    def reason_texts(self) -> list[str]:
        from .verdicts import reason_text

        return [reason_text(code) for code in self.reasons or []]


class ScanVisitor(models.Model):
    """Who a scan at a gate outside their own community was (issue 18): the scan itself keeps no person
    (the gate's community must not learn who is registered where), so the link lives here, scoped by the
    PERSON's area. Their own community and upward see it (`visible_to`); the investigation reads it
    for co-presence and the timeline. No gate page, list, serializer or export reads this table.

    Append-only like the scan, with the scan's place and time copied so that co-presence needs no join
    back to the partitioned scan table."""

    scope_path_field = "area_path"
    # Keyed by the person's district (the scan by the gate's): see core.partitioning.
    append_only = ByTime("scanned_at", every="day")

    class Source(models.TextChoices):
        GATE = "gate", _("at the gate")
        RELINK = "relink", _("re-linked later")

    id = models.BigAutoField(primary_key=True)
    # No database foreign keys, as on the scan table (the scan's key is (id, scanned_at) there).
    scan = models.ForeignKey(
        ScanEvent,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("scan"),
        db_constraint=False,
        db_index=False,
    )
    scanned_at = models.DateTimeField(_("scanned at"))
    place = models.ForeignKey(
        "areas.Place",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("resident"),
        db_constraint=False,
        db_index=False,
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        db_constraint=False,
        db_index=False,
    )
    area_path = models.CharField(_("area path"), max_length=64, db_index=True)
    source = models.CharField(_("how linked"), max_length=8, choices=Source.choices, default=Source.GATE)

    objects = ScopedManager()

    class Meta:
        ordering = ["-scanned_at", "-id"]
        verbose_name = _("visit at another gate")
        verbose_name_plural = _("visits at other gates")
        constraints = [models.UniqueConstraint(fields=["scan", "scanned_at"], name="scanvisitor_scan_unique")]
        indexes = [
            models.Index(fields=["place", "scanned_at"], name="scanvisitor_place_time"),
            models.Index(fields=["person", "scanned_at"], name="scanvisitor_person_time"),
            models.Index(fields=["area_path", "scanned_at"], name="scanvisitor_path_time"),
        ]

    def __str__(self):
        return f"{self.place_id} {self.scanned_at:%Y-%m-%d %H:%M}"


class ReturneeNotice(ScopedModel):
    """返京人员: advance notice (or a gate refusal), review, inspection, decision, letter, hand-off."""

    class Stage(models.TextChoices):
        NOTIFIED = "notified", _("notice received")
        INSPECTION = "inspection", _("home inspection")
        DECIDED = "decided", _("decided, letter to sign")
        COMPLETED = "completed", _("pass issued, observation ordered")
        POSTPONED = "postponed", _("return postponed")
        REJECTED = "rejected", _("rejected")

    class SubmittedBy(models.TextChoices):
        SELF = "self", _("the returnee")
        LANDLORD = "landlord", _("the landlord")
        EMPLOYER = "employer", _("the employer")
        GATE = "gate", _("refused at the gate")

    class Decision(models.TextChoices):
        HOME = "home", _("home observation")
        EMPLOYER = "employer_centralized", _("employer-centralized observation")
        CENTRALIZED = "centralized", _("centralized observation site")
        POSTPONE = "postpone", _("postpone the return")

    audit_secret_fields = ("id_number_enc", "phone_enc")

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    submitted_by = models.CharField(_("submitted by"), max_length=10, choices=SubmittedBy.choices)
    submitter_name = models.CharField(_("submitter"), max_length=50, blank=True)
    submitter_phone_masked = models.CharField(_("submitter phone"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=50)
    id_type = models.CharField(
        _("document type"), max_length=20, choices=IdType.CHOICES, default=IdType.RESIDENT
    )
    id_number_enc = models.TextField(_("document number (encrypted)"), editable=False)
    id_hash = models.CharField(_("document index"), max_length=40, db_index=True, editable=False)
    id_masked = models.CharField(_("document number"), max_length=24, editable=False)
    phone_enc = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    travel_from = models.CharField(_("coming from"), max_length=60)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    landlord_name = models.CharField(_("landlord"), max_length=50, blank=True)
    landlord_phone_enc = models.TextField(_("landlord phone (encrypted)"), blank=True, editable=False)
    landlord_phone_masked = models.CharField(_("landlord phone"), max_length=20, blank=True)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="returnee_notices",
        verbose_name=_("resident"),
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.NOTIFIED, db_index=True
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    letter_signed_at = models.DateTimeField(_("letter signed at"), null=True, blank=True)
    letter_signed_by = models.CharField(_("letter signed by"), max_length=50, blank=True)
    issued_pass = models.ForeignKey(
        Pass, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("pass")
    )
    observation_order = models.CharField(_("observation order"), max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("returnee")
        verbose_name_plural = _("returnees")

    def __str__(self):
        return f"{self.name} ({self.tracking_code})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("gates:returnee-detail", args=[self.pk])


class HomeInspection(ScopedModel):
    """A check of the home (or the employer's site) against the policy's observation conditions."""

    notice = models.ForeignKey(
        ReturneeNotice, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("returnee")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("inspector"),
    )
    inspected_at = models.DateTimeField(_("inspected at"))
    checklist = models.JSONField(_("checklist"), default=dict, help_text=_("condition → met"))
    conditions_met = models.BooleanField(_("all conditions met"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-inspected_at"]
        verbose_name = _("home inspection")
        verbose_name_plural = _("home inspections")

    def __str__(self):
        return f"{self.notice} · {self.inspected_at:%Y-%m-%d}"


class InspectionPhoto(ScopedModel):
    inspection = models.ForeignKey(
        HomeInspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection")
    )
    file = models.FileField(_("photo"), upload_to="gates/inspections/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self):
        return self.caption or self.file.name


class FollowUp(ScopedModel):
    """A person refused at the gate for the community to follow up (landlord contacted, home inspected)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CONTACTED = "contacted", _("landlord contacted")
        INSPECTED = "inspected", _("home inspected")
        CLOSED = "closed", _("closed")

    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resident"),
    )
    place = models.ForeignKey(
        "areas.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("place"),
    )
    scan_id = models.BigIntegerField(_("scan"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=40)
    landlord_name = models.CharField(_("landlord"), max_length=50, blank=True)
    landlord_phone_masked = models.CharField(_("landlord phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    # Each step of the queue is dated where it happened (the change log holds who).
    contacted_at = models.DateTimeField(_("landlord contacted at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("home inspected at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    notice = models.ForeignKey(
        ReturneeNotice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("returnee"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("gate follow-up")
        verbose_name_plural = _("gate follow-ups")

    def __str__(self):
        return f"{self.person or '?'} · {self.reason}"


class Seal(ScopedModel):
    """骑缝单: a seal slip on a home's door (empty homes, returnees)."""

    class Reason(models.TextChoices):
        EMPTY = "empty_home", _("empty home")
        RETURNEE = "returnee", _("returnee at home")
        OBSERVATION = "observation", _("home observation")
        OTHER = "other", _("other")

    slip_number = models.CharField(_("slip number"), max_length=30, blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sealed by"),
    )
    sealed_at = models.DateTimeField(_("sealed at"))
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resident"),
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-sealed_at"]
        verbose_name = _("seal")
        verbose_name_plural = _("seals")

    def __str__(self):
        return f"{self.area} · {self.slip_number or self.pk}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("gates:seal-detail", args=[self.pk])


class SealCheck(ScopedModel):
    class Result(models.TextChoices):
        INTACT = "intact", _("intact")
        BREACHED = "breached", _("breached")

    seal = models.ForeignKey(Seal, on_delete=models.CASCADE, related_name="checks", verbose_name=_("seal"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"))
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("seal check")
        verbose_name_plural = _("seal checks")

    def __str__(self):
        return f"{self.seal} · {self.get_result_display()}"
