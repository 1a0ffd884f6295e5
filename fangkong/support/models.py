"""Closed-community service support (封闭管理服务保障): closures, their seven teams, residents' requests and
their dated steps, delivery attempts, escalations, the door-knock action and supplies.

Every record hangs on an area: a closure on the closed area (an estate or community), a request on the
household, a visit on the household, supplies on the checkpoint's area."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import ScopedManager, ScopedModel, ScopedQuerySet


class ClosureQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm: str | None = None):
        """Closures in the user's areas, and those around them: a grid member or an entrance head inside a
        closed community sees the closure they work in (never its neighbours')."""
        from django.db.models import Q

        from fangkong.core.scoping import ALL, path_q, scope_paths

        paths = scope_paths(user, perm or "support.view_closure")
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        above = {p[:i] for p in paths for i in range(4, len(p), 4)}
        return self.filter(path_q("area_path", paths) | Q(area_path__in=above))


class Closure(ScopedModel):
    """An area declared closed (封闭管理): from when, by whom, why, under which policy version."""

    name = models.CharField(pgettext_lazy("not a person", "name"), max_length=120)
    start = models.DateTimeField(_("closed from"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("declared by"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    policy_source = models.CharField(_("policy"), max_length=300, blank=True)
    policy_versions = models.JSONField(_("policy versions"), default=dict, blank=True)
    duty_phone = models.CharField(_("community duty phone"), max_length=30, blank=True)
    medical_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("medical lead"),
    )
    checkpoints = models.ManyToManyField(
        "areas.Place", blank=True, related_name="+", verbose_name=_("checkpoints")
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(_("end reason"), max_length=300, blank=True)
    # Counted from the registry when declared (selectors.closure_population gives them live).
    affected = models.PositiveIntegerField(_("residents affected"), default=0)
    vulnerable = models.PositiveIntegerField(_("vulnerable"), default=0)
    observed = models.PositiveIntegerField(_("under observation"), default=0)
    unreachable = models.PositiveIntegerField(_("no phone"), default=0)

    objects = ScopedManager.from_queryset(ClosureQuerySet)()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("support:closure-detail", args=[self.pk])


class TeamKind(models.TextChoices):
    SECURITY = "security", _("security")
    PUBLICITY = "publicity", _("publicity")
    SUPPLIES = "supplies", _("supplies")
    PARCELS = "parcels", _("parcel delivery")
    DISINFECTION = "disinfection", _("disinfection and waste")
    MEDICINE = "medicine", _("medicine (问医送药)")
    REQUESTS = "requests", _("requests (诉求保障)")


class Team(ScopedModel):
    closure = models.ForeignKey(
        Closure, on_delete=models.CASCADE, related_name="teams", verbose_name=_("closure")
    )
    kind = models.CharField(_("team"), max_length=14, choices=TeamKind.choices)

    class Meta:
        ordering = ["closure", "kind"]
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")
        constraints = [models.UniqueConstraint(fields=["closure", "kind"], name="support_team_once")]

    def __str__(self):
        return f"{self.closure} · {self.get_kind_display()}"


class NegativeCheck(models.TextChoices):
    """What the registry says of a member's negative test (blank for staff users, who are not residents)."""

    NEGATIVE = "negative", _("negative test checked")
    UNCHECKED = "unchecked", _("test not checked")


class TeamMember(ScopedModel):
    """A user or a named volunteer serving in a team; `lead` marks the team lead. A named volunteer found
    among the closure's residents was checked for a recent negative test; one who cannot be found (no
    phone, not registered here) is marked unchecked."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_members",
        verbose_name=_("user"),
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resident"),
    )
    # A member drawn from the workforce registry (issue 20): name, phone, account and resident record
    # come from the worker, and the negative-test rule is checked against the worker's own results.
    worker = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_memberships",
        verbose_name=_("worker"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    lead = models.BooleanField(_("team lead"), default=False)
    active = models.BooleanField(_("active"), default=True)
    test_check = models.CharField(
        _("negative test"), max_length=10, choices=NegativeCheck.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["team", "-lead", "name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return self.name


class RequestKind(models.TextChoices):
    GROCERIES = "groceries", _("groceries (送菜代购)")
    MEDICINE = "medicine", _("medicine")
    PARCELS = "parcels", _("parcels")
    RUBBISH = "rubbish", _("rubbish pick-up")
    PSYCHOLOGICAL = "psychological", _("psychological support")
    URGENT_MEDICAL = "urgent_medical", _("urgent medical")
    OTHER = "other", _("other")


class RequestState(models.TextChoices):
    NEW = "new", pgettext_lazy("request state", "new")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    DELIVERED = "delivered", _("delivered")
    CONFIRMED = "confirmed", _("confirmed by resident")
    CANCELLED = "cancelled", _("cancelled")


# Which team serves each type (the board's default assignee and the overdue escalation's team lead).
KIND_TEAM = {
    RequestKind.GROCERIES: TeamKind.SUPPLIES,
    RequestKind.MEDICINE: TeamKind.MEDICINE,
    RequestKind.PARCELS: TeamKind.PARCELS,
    RequestKind.RUBBISH: TeamKind.DISINFECTION,
    RequestKind.PSYCHOLOGICAL: TeamKind.REQUESTS,
    RequestKind.URGENT_MEDICAL: TeamKind.MEDICINE,
    RequestKind.OTHER: TeamKind.REQUESTS,
}

OPEN_STATES = (RequestState.NEW, RequestState.ASSIGNED, RequestState.IN_PROGRESS)
DONE_STATES = (RequestState.DELIVERED, RequestState.CONFIRMED)


class Step(models.TextChoices):
    REGISTERED = "registered", _("registered")
    CARD_COLLECTED = "card_collected", _("medical card collected")
    PURCHASED = "purchased", _("medicine bought")
    AT_CHECKPOINT = "at_checkpoint", _("collected at the checkpoint")
    AT_BUILDING = "at_building", _("at the building")
    PICKED_UP = "picked_up", _("picked up")
    DELIVERED = "delivered", _("delivered")
    CARD_RETURNED = "card_returned", _("medical card returned")


# Each type's steps in order (register → … → delivered [→ card returned]).
STEPS = {
    RequestKind.MEDICINE: [
        Step.REGISTERED,
        Step.CARD_COLLECTED,
        Step.PURCHASED,
        Step.DELIVERED,
        Step.CARD_RETURNED,
    ],
    RequestKind.PARCELS: [Step.REGISTERED, Step.AT_CHECKPOINT, Step.AT_BUILDING, Step.DELIVERED],
}
DEFAULT_STEPS = [Step.REGISTERED, Step.PICKED_UP, Step.DELIVERED]


def steps_for(kind: str) -> list[str]:
    return [str(s) for s in STEPS.get(kind, DEFAULT_STEPS)]


class Request(ScopedModel):
    """A resident's request (诉求) during a closure; `area` is the household."""

    class Source(models.TextChoices):
        RESIDENT = "resident", _("resident's phone page")
        ENTRANCE_HEAD = "entrance_head", _("entrance head")
        PHONE = "phone", _("phone line")
        OBSERVATION = "observation", _("observation daily report")
        DOOR_KNOCK = "door_knock", _("door-knock visit")

    closure = models.ForeignKey(
        Closure, on_delete=models.PROTECT, related_name="requests", verbose_name=_("closure")
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("type"), max_length=16, choices=RequestKind.choices, db_index=True)
    source = models.CharField(pgettext_lazy("origin", "source"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("source record"), max_length=80, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.NEW
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    urgent = models.BooleanField(_("urgent"), default=False)
    vulnerable = models.BooleanField(_("vulnerable household"), default=False)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0, help_text=_("0 comes first"))
    client_id = models.CharField(_("client id"), max_length=64, null=True, blank=True, unique=True)
    assignee = models.ForeignKey(
        TeamMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        verbose_name=_("assigned to"),
    )
    batch = models.ForeignKey(
        "RunnerBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name=_("batch"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_note = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["priority", "deadline", "id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["closure", "state"]),
            models.Index(fields=["area_path", "state"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("support:request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.now()

    def steps_expected(self) -> list[str]:
        return steps_for(self.kind)


class RunnerBatch(ScopedModel):
    """A building's deliveries batched to one runner."""

    closure = models.ForeignKey(
        Closure, on_delete=models.CASCADE, related_name="batches", verbose_name=_("closure")
    )
    runner = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, related_name="batches", verbose_name=_("runner")
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("runner batch")
        verbose_name_plural = _("runner batches")

    def __str__(self):
        return f"{self.area} → {self.runner}"


class RequestStep(ScopedModel):
    """One dated, signed step of a request (who did it, when)."""

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="steps", verbose_name=_("request")
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    signed = models.CharField(_("signed"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    client_id = models.CharField(_("client id"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        constraints = [models.UniqueConstraint(fields=["request", "step"], name="support_step_once")]

    def __str__(self):
        return self.get_step_display()


class DeliveryAttempt(ScopedModel):
    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("request")
    )
    runner = models.ForeignKey(
        TeamMember, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("runner")
    )
    at = models.DateTimeField(_("time"))
    outcome = models.CharField(pgettext_lazy("result", "outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    photo = models.FileField(_("photo"), upload_to="support/deliveries/%Y/%m/", blank=True)
    client_id = models.CharField(_("client id"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return self.get_outcome_display()


class Escalation(ScopedModel):
    """A request raised to someone who must act: the duty phone and the medical lead for urgent medical
    requests at once, the team lead for an overdue one. One per request, target and reason."""

    class Target(models.TextChoices):
        DUTY_PHONE = "duty_phone", _("community duty phone")
        MEDICAL_LEAD = "medical_lead", _("medical lead")
        TEAM_LEAD = "team_lead", _("team lead")

    class Why(models.TextChoices):
        URGENT = "urgent", _("urgent medical")
        OVERDUE = "overdue", _("overdue")

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("request")
    )
    target = models.CharField(pgettext_lazy("escalation", "to"), max_length=14, choices=Target.choices)
    why = models.CharField(_("why"), max_length=10, choices=Why.choices)
    contact = models.CharField(pgettext_lazy("escalation", "contact"), max_length=80, blank=True)
    at = models.DateTimeField(_("time"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["request", "target", "why"], name="support_escalation_once")
        ]

    def __str__(self):
        return f"{self.get_why_display()} → {self.get_target_display()}"


class DoorKnock(ScopedModel):
    """One household of the door-knock action (敲门行动); the list is per entrance."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("not yet visited")
        ANSWERED = "answered", _("answered, all well")
        NO_ANSWER = "no_answer", _("no answer: revisit")
        NEEDS = "needs", _("needs found")

    closure = models.ForeignKey(
        Closure, on_delete=models.CASCADE, related_name="knocks", verbose_name=_("closure")
    )
    entrance = models.ForeignKey(
        "areas.Area", null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("entrance")
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=2)
    vulnerable = models.BooleanField(_("vulnerable household"), default=False)
    no_phone = models.BooleanField(_("not reachable by phone"), default=False)
    outcome = models.CharField(
        pgettext_lazy("result", "outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("visited by"),
    )
    visits = models.PositiveSmallIntegerField(_("visits"), default=0)

    class Meta:
        ordering = ["entrance__path", "priority", "area_path"]
        verbose_name = _("door-knock visit")
        verbose_name_plural = _("door-knock visits")
        constraints = [models.UniqueConstraint(fields=["closure", "area"], name="support_knock_once")]

    def __str__(self):
        return str(self.area)


class SupplyLot(ScopedModel):
    """Packages (e.g. 蔬菜包) received from a supplier at a checkpoint; `area` is the checkpoint's area."""

    closure = models.ForeignKey(
        Closure, on_delete=models.CASCADE, related_name="lots", verbose_name=_("closure")
    )
    checkpoint = models.ForeignKey(
        "areas.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("checkpoint")
    )
    item = models.CharField(_("item"), max_length=60)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("supply lot")
        verbose_name_plural = _("supply lots")

    def __str__(self):
        return f"{self.item} × {self.quantity}"


class Distribution(ScopedModel):
    """Packages of an item handed from a checkpoint to a building (`area` is the building)."""

    closure = models.ForeignKey(
        Closure, on_delete=models.CASCADE, related_name="distributions", verbose_name=_("closure")
    )
    checkpoint = models.ForeignKey(
        "areas.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("checkpoint")
    )
    item = models.CharField(_("item"), max_length=60)
    quantity = models.PositiveIntegerField(_("quantity"))
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")

    def __str__(self):
        return f"{self.item} × {self.quantity} → {self.area}"
