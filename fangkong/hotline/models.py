"""12345 hotline work orders (接诉即办, DOMAIN.md 3.8; issue 21).

A resident's call to 12345 (or an online case, an Open311 request, a support request or an
observation report) becomes a `WorkOrder`. The street that owns the address dispatches it to a
handling `Unit` — one of its communities, a department (人力社保局, 房管所…) or a named handler — who
logs calls, visits and photos (`HandlingEntry`), replies to the caller and closes it with an outcome;
a callback operator (or the resident, from an SMS link) rates it.

Scoping: a work order hangs on the matched community (or building, or only the street while it waits
in the street's triage list): `area_path` is that node's path, so street and community workers see
orders by the core's path prefix (core/scoping.py) with no join.

Departments are not on the tree. A department `Unit` still hangs on the area it serves (the street or
the district), and its members hold an ordinary scope there with the role `hotline_department`. That
role grants the hotline view/handle permissions AND the marker permission `hotline.only_own_unit`.
`WorkOrder.objects.visible_to(user, perm)` splits the user's grants for `perm`:

- grants WITHOUT the marker scope by path, as everywhere else (street, community, district);
- grants WITH the marker only reach orders that have a live dispatch (not returned, not withdrawn) to
  a unit the user is a member of, and whose unit hangs under the grant's path.

`Dispatch` and `HandlingEntry` use the same rule through their order. So a department clerk holding a
scope on the whole district sees only its own unit's orders, `get_visible_or_404` answers 404 for any
other id, and the leak test's community worker is unaffected. Roles must therefore never grant
`hotline.*` (it would pick up the marker): they list `hotline.view_*`, `hotline.add_*`, … explicitly.

Status changes go through one service function per transition (services/flow.py) so that the rates'
maintained rollup can hook in one place.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import ScopedManager, ScopedModel, ScopedQuerySet

UNIT_ONLY_PERM = "hotline.only_own_unit"


class UnitBoundQuerySet(ScopedQuerySet):
    """Path scoping, except for grants that carry the unit-only marker (see the module docstring)."""

    order_prefix = ""  # "" on WorkOrder, "order__" on records that hang on an order

    def visible_to(self, user, perm: str | None = None):
        model = self.model
        perm = perm or f"{model._meta.app_label}.view_{model._meta.model_name}"
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        area_paths, unit_paths = [], []
        for path, names in user.grants():
            if perm in names:
                (unit_paths if UNIT_ONLY_PERM in names else area_paths).append(path)
        q = Q(pk__in=[])
        for p in sorted(set(area_paths)):
            q |= Q(**{f"{model.scope_path_field}__startswith": p})
        if unit_paths:
            unit_q = Q(pk__in=[])
            for p in sorted(set(unit_paths)):
                unit_q |= Q(unit__area_path__startswith=p)
            live = Dispatch.objects.filter(
                unit_q,
                unit__members=user,
                returned_at__isnull=True,
                withdrawn_at__isnull=True,
            ).values("order_id")
            q |= Q(**{f"{self.order_prefix}pk__in" if self.order_prefix else "pk__in": live})
        if not area_paths and not unit_paths:
            return self.none()
        return self.filter(q)


class OrderBoundQuerySet(UnitBoundQuerySet):
    order_prefix = "order__"


class UnitQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm: str | None = None):
        """Units in the user's areas and those serving them from above (the district's departments): a
        street dispatches to both. A unit is a name and a phone, no personal data."""
        from fangkong.core.scoping import ALL, path_q, scope_paths

        paths = scope_paths(user, perm or "hotline.view_unit")
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        above = {p[:i] for p in paths for i in range(4, len(p), 4)}
        return self.filter(path_q("area_path", paths) | Q(area_path__in=above))


class Channel(models.TextChoices):
    CITY_DISPATCH = "city_dispatch", _("city platform dispatch")
    PHONE = "phone", _("phone call")
    OPEN311 = "open311", "Open311"
    SUPPORT = "support", _("service request")
    OBSERVATION = "observation", _("observation report")
    ONLINE = "online", _("online case")


class Category(models.TextChoices):
    EPIDEMIC = "epidemic", _("epidemic prevention")
    SUPPLIES = "supplies", pgettext_lazy("category", "supplies")
    MEDICAL = "medical", _("medical care")
    CLOSURE = "closure", _("closure management")
    NOISE = "noise", _("noise")
    SANITATION = "sanitation", _("sanitation")
    PROPERTY = "property", _("property management")
    EMPLOYMENT = "employment", _("employment and social security")
    OTHER = "other", pgettext_lazy("category", "other")


class Urgency(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("urgency", "normal")
    URGENT = "urgent", _("urgent")


class Status(models.TextChoices):
    TRIAGE = "triage", _("triage")
    TO_DISPATCH = "to_dispatch", _("to dispatch")
    DISPATCHED = "dispatched", _("dispatched")
    IN_PROGRESS = "in_progress", _("in progress")
    WAITING_CALLER = "waiting_caller", _("waiting for the caller")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", pgettext_lazy("work order", "closed")
    REOPENED = "reopened", _("reopened")


OPEN_STATUSES = (
    Status.TRIAGE,
    Status.TO_DISPATCH,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.WAITING_CALLER,
    Status.REPLIED,
    Status.REOPENED,
)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("resolved")
    EXPLAINED = "explained", _("explained")
    NOT_RESOLVABLE = "not_resolvable", _("not resolvable")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class RatingChannel(models.TextChoices):
    CALLBACK = "callback", _("callback call")
    LINK = "link", _("SMS link")
    OPEN311 = "open311", "Open311"


class Unit(ScopedModel):
    """A handling unit (承办单位): a street's office, a community, or a department. `area` is the node it
    serves: the community for a community, the street for the street office, the street or the
    district for a department."""

    class Kind(models.TextChoices):
        STREET = "street", _("street office")
        COMMUNITY = "community", _("community")
        DEPARTMENT = "department", _("department")

    name = models.CharField(pgettext_lazy("not a person", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hotline_units", verbose_name=_("members")
    )
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager.from_queryset(UnitQuerySet)()

    class Meta:
        ordering = ["area_path", "kind", "name"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="hotline_unit_unique_name")]

    def __str__(self):
        return self.name


class WorkOrder(ScopedModel):
    """One 12345 work order. `area` is the matched community or building, or the street while the
    address is unmatched (status triage)."""

    street = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("street"),
        help_text=_("the street responsible (接诉街道)"),
    )
    channel = models.CharField(
        pgettext_lazy("intake", "channel"), max_length=16, choices=Channel.choices, db_index=True
    )
    city_number = models.CharField(
        _("city order number"),
        max_length=40,
        blank=True,
        help_text=_("the order number on the city platform"),
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    caller_name = models.CharField(_("caller"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resident"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    place = models.ForeignKey(
        "areas.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("place"),
    )
    match_score = models.PositiveSmallIntegerField(_("match score"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, db_index=True)
    text = models.TextField(_("request"))
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    deadline_class = models.CharField(
        _("deadline class"), max_length=40, blank=True, help_text=_("as given by the city platform")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, db_index=True)
    response_due = models.DateTimeField(_("response due"), null=True, blank=True, db_index=True)
    resolve_due = models.DateTimeField(_("resolution due"), null=True, blank=True, db_index=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    outcome = models.CharField(
        pgettext_lazy("work order", "outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    outcome_reason = models.CharField(_("reason"), max_length=300, blank=True)
    reply = models.TextField(_("reply to the caller"), blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused seconds"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True, db_index=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rating_channel = models.CharField(_("rated by"), max_length=10, choices=RatingChannel.choices, blank=True)
    rating_note = models.CharField(_("comment"), max_length=300, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("callback operator"),
    )
    callback_token = models.CharField(_("callback token"), max_length=32, unique=True, editable=False)
    source_request = models.ForeignKey(
        "support.Request",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_orders",
        verbose_name=_("service request"),
    )
    # No database constraint: health reports are partitioned (core.partitioning); on_delete still holds.
    source_report = models.ForeignKey(
        "observation.HealthReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_orders",
        verbose_name=_("health report"),
        db_constraint=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    policy_versions = models.JSONField(_("policy versions"), default=dict, blank=True)

    objects = ScopedManager.from_queryset(UnitBoundQuerySet)()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        permissions = [
            ("only_own_unit", _("Sees only the orders dispatched to their own unit")),
            ("dispatch_workorder", _("Can dispatch work orders")),
            ("close_workorder", _("Can close work orders")),
            ("rate_workorder", _("Can record callback ratings")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "city_number"],
                condition=~Q(city_number=""),
                name="hotline_city_number_once",
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(status="closed") | Q(status="reopened"),
                name="hotline_rating_only_when_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["area_path", "status"]),
            models.Index(fields=["street", "status"]),
            models.Index(fields=["caller_phone"]),
        ]

    def __str__(self):
        return self.city_number or f"#{self.pk}"

    def save(self, *args, **kwargs):
        if not self.callback_token:
            self.callback_token = new_token()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("hotline:order-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def paused_now(self, now=None) -> int:
        """Seconds the clock has been paused, including a pause still running."""
        extra = 0
        if self.paused_since:
            extra = int(((now or timezone.now()) - self.paused_since).total_seconds())
        return self.paused_seconds + max(extra, 0)


def new_token() -> str:
    return secrets.token_urlsafe(18)[:24]


class Dispatch(ScopedModel):
    """One hand-over of an order to a unit (派单). Several live dispatches mean joint handling; exactly
    one of them is the lead (主办). A returned (退单) or withdrawn (改派) dispatch stays as history."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="dispatches", verbose_name=_("work order")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("unit")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_dispatches",
        verbose_name=_("handler"),
    )
    lead = models.BooleanField(_("lead unit"), default=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dispatched by"),
    )
    at = models.DateTimeField(_("dispatched at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ScopedManager.from_queryset(OrderBoundQuerySet)()

    class Meta:
        ordering = ["order_id", "-lead", "at", "id"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(lead=True, returned_at__isnull=True, withdrawn_at__isnull=True),
                name="hotline_one_live_lead",
            ),
            models.UniqueConstraint(
                fields=["order", "unit"],
                condition=Q(returned_at__isnull=True, withdrawn_at__isnull=True),
                name="hotline_unit_once_per_order",
            ),
        ]
        indexes = [models.Index(fields=["unit", "returned_at", "withdrawn_at"])]

    def __str__(self):
        return f"{self.order} → {self.unit}"

    @property
    def live(self) -> bool:
        return self.returned_at is None and self.withdrawn_at is None


class HandlingEntry(ScopedModel):
    """One line of an order's handling log (办理记录), also the order's timeline of events."""

    class Kind(models.TextChoices):
        CALL = "call", _("call")
        VISIT = "visit", _("visit")
        PHOTO = "photo", _("photo")
        REPLY = "reply", _("reply to the caller")
        NOTE = "note", _("note")
        PAUSE = "pause", _("clock paused")
        RESUME = "resume", _("clock resumed")
        ESCALATION = "escalation", _("escalation")
        DISPATCH = "dispatch", _("dispatched")
        RETURN = "return", pgettext_lazy("dispatch", "returned")
        CLOSE = "close", pgettext_lazy("work order event", "closed")
        RATING = "rating", _("rating")
        REOPEN = "reopen", _("reopened")
        MATCH = "match", _("address matched")

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="entries", verbose_name=_("work order")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    text = models.TextField(_("text"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="hotline/%Y/%m/", blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("unit")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = ScopedManager.from_queryset(OrderBoundQuerySet)()

    class Meta:
        ordering = ["order_id", "at", "id"]
        verbose_name = _("handling entry")
        verbose_name_plural = _("handling entries")
        constraints = [
            # The overdue scan escalates an order once per deadline (idempotent re-runs).
            models.UniqueConstraint(
                fields=["order", "kind", "text"], condition=Q(kind="escalation"), name="hotline_escalate_once"
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


# The open interface and the analysis (Open311 integrations, the rates' rollup, proactive tasks).
from .models_insight import (  # noqa: E402, F401
    Integration,
    ProactiveTask,
    RateContribution,
    RateRollup,
)
