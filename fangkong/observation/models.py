"""Home and centralized observation (DOMAIN.md 3.4): orders with policy-driven periods, their dated
history, required tests, daily health reports, alerts, care groups, centralized sites and sick-leave
reports. Every record hangs on the tree (ScopedModel): orders on the person's household."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import ScopedModel
from fangkong.core.partitioning import ByTime


class OrderType(models.TextChoices):
    HOME = "home", _("home observation")
    HEALTH_MONITORING = "health_monitoring", _("health monitoring")
    CENTRALIZED = "centralized", _("centralized observation")
    EMPLOYER_CENTRALIZED = "employer_centralized", _("employer-centralized observation")


class OrderReason(models.TextChoices):
    RETURNEE = "returnee", _("returnee")
    CLOSE_CONTACT = "close_contact", _("close contact")
    SECONDARY_CONTACT = "secondary_contact", _("secondary contact")
    RISK_AREA_ARRIVAL = "risk_area_arrival", _("arrival from a risk area")
    OTHER = "other", _("other")


class OrderStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", pgettext_lazy("order status", "active")
    EXTENDED = "extended", _("extended")
    TRANSFERRED = "transferred", _("transferred")
    ENDED = "ended", _("ended")


OPEN_STATUSES = (OrderStatus.PLANNED, OrderStatus.ACTIVE, OrderStatus.EXTENDED)


class ObservationOrder(ScopedModel):
    """One observation order for one person (or, with `whole_household`, the household they head)."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="observation_orders",
        verbose_name=_("resident"),
    )
    whole_household = models.BooleanField(_("whole household"), default=False)
    order_type = models.CharField(_("type"), max_length=24, choices=OrderType.choices, db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=OrderReason.choices)
    source = models.CharField(
        _("source record"),
        max_length=200,
        blank=True,
        help_text=_("e.g. gates.ReturneeNotice:12 or a case number"),
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ordered by"),
    )
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"), db_index=True)
    policy_key = models.CharField(_("policy"), max_length=80, db_index=True)
    policy = models.ForeignKey(
        "policies.Policy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("policy version"),
    )
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLANNED, db_index=True
    )
    site = models.ForeignKey(
        "areas.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("observation site"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["planned_end", "id"]
        verbose_name = _("observation order")
        verbose_name_plural = _("observation orders")
        indexes = [
            models.Index(fields=["policy_key", "status"]),
            models.Index(fields=["area_path", "status"]),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_order_type_display()} {self.start}→{self.planned_end}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("observation:order-detail", args=[self.pk])

    def source_record(self, viewer=None):
        """The record this order came from, as (label, url): "app.Model:pk" references become the model's
        name in the reader's language and a link (the record's own page scopes who may open it); any
        other text (a case number) is shown as written."""
        import re

        from django.apps import apps

        m = re.fullmatch(r"([a-z_]+)\.([A-Za-z]+):(\d+)", self.source or "")
        if not m:
            return (self.source, None)
        try:
            model = apps.get_model(m.group(1), m.group(2))
        except LookupError:
            return (self.source, None)
        label = f"{model._meta.verbose_name} #{m.group(3)}"
        records = model.objects.all()
        if viewer is not None and hasattr(records, "visible_to"):
            records = records.visible_to(viewer)  # no link to a page the reader may not open
        obj = records.filter(pk=int(m.group(3))).only("pk").first()
        url = obj.get_absolute_url() if obj is not None and hasattr(obj, "get_absolute_url") else None
        return (label, url)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def days_total(self) -> int:
        return (self.planned_end - self.start).days

    def days_remaining(self, today=None) -> int:
        today = today or timezone.localdate()
        return max((self.planned_end - today).days, 0)


class OrderEvent(ScopedModel):
    """A dated, audited line of an order's history: status changes and moved dates (old → new, why)."""

    append_only = ByTime("time", every="month")  # partitioned on PostgreSQL (core.partitioning)

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        STATUS = "status", _("status changed")
        END_MOVED = "end_moved", _("planned end moved")
        TRANSFER = "transfer", _("transferred")
        TEST = "test", _("test result")
        NOTE = "note", _("note")

    order = models.ForeignKey(
        ObservationOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=30, blank=True)
    old_value = models.CharField(_("old value"), max_length=100, blank=True)
    new_value = models.CharField(_("new value"), max_length=100, blank=True)
    policy = models.ForeignKey(
        "policies.Policy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("policy version"),
    )
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["order", "time", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order history")

    def __str__(self):
        return f"{self.order_id} {self.get_kind_display()} {self.old_value}→{self.new_value}"

    def _value_display(self, value: str) -> str:
        """A state code (active, negative…) in words; dates and numbers as stored."""
        choices = (
            OrderStatus if self.field == "status" else TestResult if self.kind == self.Kind.TEST else None
        )
        return str(choices(value).label) if choices is not None and value in choices.values else value

    def old_display(self) -> str:
        return self._value_display(self.old_value)

    def new_display(self) -> str:
        return self._value_display(self.new_value)


class TestResult(models.TextChoices):
    PENDING = "pending", _("pending")
    NEGATIVE = "negative", _("negative")
    POSITIVE = "positive", _("positive")


class RequiredTest(ScopedModel):
    """A test the order requires on day N (day 0 = start); the screening app fills results later."""

    order = models.ForeignKey(
        ObservationOrder, on_delete=models.CASCADE, related_name="tests", verbose_name=_("order")
    )
    day = models.PositiveSmallIntegerField(_("day"))
    due_date = models.DateField(_("due date"), db_index=True)
    result = models.CharField(
        _("result"), max_length=10, choices=TestResult.choices, default=TestResult.PENDING
    )
    result_at = models.DateTimeField(_("result at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    source = models.CharField(_("source record"), max_length=120, blank=True)

    class Meta:
        ordering = ["order", "day", "id"]
        verbose_name = _("required test")
        verbose_name_plural = _("required tests")

    def __str__(self):
        # The change log keeps this as the object's name: words in the language of the writer, not English.
        return _("order %(order)s, day %(day)s: %(result)s") % {
            "order": self.order_id,
            "day": self.day,
            "result": self.get_result_display(),
        }


class Symptom(models.TextChoices):
    FEVER = "fever", _("fever / chills")
    COUGH = "cough", _("cough")
    SORE_THROAT = "sore_throat", _("sore throat")
    FATIGUE = "fatigue", _("fatigue")
    BREATH = "breath", _("shortness of breath")
    DIARRHEA = "diarrhea", _("diarrhea")
    TASTE = "taste", _("loss of taste or smell")


class Need(models.TextChoices):
    FOOD = "food", _("food")
    MEDICINE = "medicine", _("medicine")
    PARCELS = "parcels", _("parcels")
    RUBBISH = "rubbish", _("rubbish collection")
    PSYCHOLOGICAL = "psychological", _("psychological support")


class HealthReport(ScopedModel):
    # Partitioned by month on PostgreSQL (core.partitioning); only needs_done is ever updated.
    append_only = ByTime("date", every="month")

    class Reporter(models.TextChoices):
        RESIDENT = "resident", _("resident")
        WORKER = "worker", _("worker")

    class Channel(models.TextChoices):
        LINK = "link", _("phone link")
        CALL = "call", _("phone call")
        VISIT = "visit", _("visit")
        ROOM = "room", _("site room round")

    order = models.ForeignKey(
        ObservationOrder, on_delete=models.CASCADE, related_name="reports", verbose_name=_("order")
    )
    date = models.DateField(_("date"), db_index=True)
    temperature = models.DecimalField(_("temperature (℃)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    needs_note = models.CharField(_("needs detail"), max_length=300, blank=True)
    needs_done = models.BooleanField(_("needs handled"), default=False)
    reporter = models.CharField(_("reported by"), max_length=10, choices=Reporter.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("worker"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("health report")
        verbose_name_plural = _("health reports")
        indexes = [models.Index(fields=["order", "date"])]

    def __str__(self):
        return f"{self.order.person} {self.date} {self.temperature}℃"

    def symptom_labels(self) -> list[str]:
        return [str(Symptom(s).label) for s in self.symptoms if s in Symptom.values]

    def need_labels(self) -> list[str]:
        return [str(Need(n).label) for n in self.needs if n in Need.values]


class Alert(ScopedModel):
    class Kind(models.TextChoices):
        MISSING_REPORT = "missing_report", _("report missing")
        FEVER = "fever", _("fever")
        SYMPTOMS = "symptoms", _("symptoms")
        POSITIVE = "positive", _("positive test")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        REFERRED = "referred", _("referred to medical")
        CLOSED = "closed", _("closed")

    order = models.ForeignKey(
        ObservationOrder, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("order")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    date = models.DateField(_("date"), db_index=True)
    # No database constraint: the report table is partitioned, its database key is (id, date,
    # district_path); Django still applies on_delete.
    report = models.ForeignKey(
        HealthReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
        verbose_name=_("report"),
        db_constraint=False,
    )
    message = models.CharField(_("message"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)

    class Meta:
        ordering = ["status", "-date", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [models.UniqueConstraint(fields=["order", "kind", "date"], name="alert_once_per_day")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.order.person} {self.date}"


class CareGroup(ScopedModel):
    """关爱小组: the people who look after one household under observation."""

    name = models.CharField(pgettext_lazy("not a person", "name"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["area_path"]
        verbose_name = _("care group")
        verbose_name_plural = _("care groups")
        constraints = [
            models.UniqueConstraint(
                fields=["area"], condition=models.Q(active=True), name="caregroup_one_active_per_household"
            )
        ]

    def __str__(self):
        return self.name or str(self.area)


class CareGroupMember(ScopedModel):
    class Role(models.TextChoices):
        COMMUNITY_WORKER = "community_worker", _("community worker")
        GRID_MEMBER = "grid_member", _("grid member")
        FAMILY_DOCTOR = "family_doctor", _("family doctor")
        POLICE = "police", _("community police")
        VOLUNTEER = "volunteer", _("volunteer")
        PROPERTY = "property", _("property company")

    group = models.ForeignKey(
        CareGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("care group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="care_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role in group"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["group", "role"]
        verbose_name = _("care group member")
        verbose_name_plural = _("care group members")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="caregroup_member_once")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class Feature(models.TextChoices):
    BATHROOM = "bathroom", _("own bathroom")
    ACCESSIBLE = "accessible", _("accessible")
    WINDOW = "window", _("window")
    NETWORK = "network", _("network")
    FAMILY = "family", _("family room")


class SpecialNeed(models.TextChoices):
    HEART = "heart", _("heart history")
    SOFT_FOOD = "soft_food", _("soft food")
    CHILD = "child", _("child")
    EXAM = "exam", _("exam to take")
    NETWORK = "network", _("network")


class Room(ScopedModel):
    """A room of a centralized observation site (a Place of kind observation_site)."""

    site = models.ForeignKey(
        "areas.Place", on_delete=models.CASCADE, related_name="observation_rooms", verbose_name=_("site")
    )
    number = models.CharField(_("number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"), default=1)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    features = models.JSONField(_("features"), default=list, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["site", "floor", "number"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="room_unique_number")]

    def __str__(self):
        return f"{self.site} {self.number}"


class SiteMember(ScopedModel):
    """A member of a site's teams (medical, security, logistics) or its lead."""

    class Team(models.TextChoices):
        LEAD = "lead", _("site lead")
        MEDICAL = "medical", _("medical")
        SECURITY = "security", _("security")
        LOGISTICS = "logistics", _("logistics")

    site = models.ForeignKey(
        "areas.Place", on_delete=models.CASCADE, related_name="observation_team", verbose_name=_("site")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    team = models.CharField(_("team"), max_length=10, choices=Team.choices)

    class Meta:
        ordering = ["site", "team", "name"]
        verbose_name = _("site team member")
        verbose_name_plural = _("site teams")

    def __str__(self):
        return f"{self.name} · {self.get_team_display()}"


class Stay(ScopedModel):
    """A person's stay at a centralized site: check-in with room, special needs, transfer or discharge.
    Hangs on the person's household (it is their record); the site is a field."""

    class Outcome(models.TextChoices):
        STAYING = "staying", _("staying")
        DISCHARGED = "discharged", _("discharged")
        HOSPITAL = "hospital", _("transferred to hospital")
        OTHER_SITE = "other_site", _("transferred to another site")

    order = models.ForeignKey(
        ObservationOrder, on_delete=models.CASCADE, related_name="stays", verbose_name=_("order")
    )
    site = models.ForeignKey(
        "areas.Place", on_delete=models.PROTECT, related_name="observation_stays", verbose_name=_("site")
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="stays", verbose_name=_("room")
    )
    checked_in_at = models.DateTimeField(_("checked in"), default=timezone.now)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    special_needs = models.JSONField(_("special needs"), default=list, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.STAYING, db_index=True
    )
    destination = models.CharField(_("destination"), max_length=120, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)

    class Meta:
        ordering = ["site", "-checked_in_at"]
        verbose_name = _("site stay")
        verbose_name_plural = _("site stays")

    def __str__(self):
        return f"{self.order.person} @ {self.site}"

    def special_need_labels(self) -> list[str]:
        return [str(SpecialNeed(n).label) for n in self.special_needs if n in SpecialNeed.values]


class SickLeaveReport(ScopedModel):
    """因病缺勤报告: a workplace reports an employee off sick; feeds health monitoring."""

    audit_secret_fields = ("phone_enc",)
    append_only = ByTime("date", every="month")  # partitioned on PostgreSQL (core.partitioning)

    workplace = models.ForeignKey(
        "areas.Place",
        on_delete=models.PROTECT,
        related_name="sick_leave_reports",
        verbose_name=_("workplace"),
    )
    person_name = models.CharField(_("name"), max_length=50)
    phone_enc = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_hash = models.CharField(_("phone index"), max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    days = models.PositiveSmallIntegerField(_("days off"))
    date = models.DateField(_("first day off"), default=timezone.localdate)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resident"),
    )
    order = models.ForeignKey(
        ObservationOrder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("monitoring order"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("sick-leave report")
        verbose_name_plural = _("sick-leave reports")

    def __str__(self):
        return f"{self.person_name} · {self.workplace} {self.date}"
