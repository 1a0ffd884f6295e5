"""Workplaces and resumption of work (DOMAIN.md 3.9): the registry of workplaces on the tree (a place
they occupy), their heads and safety contact, prevention plans (一楼一方案, 一企一方案), staff lists,
dormitories with rooms, and the rule violations found in them. Every record hangs on the tree
(ScopedModel) through its workplace's area."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import ScopedManager, ScopedModel, ScopedQuerySet
from fangkong.core.scoping import ALL, path_q, scope_paths

# A role holding this marker permission over an area acts there only for the workplaces whose safety
# contact the user is (the `workplace_contact` role): every record of this app (and of the apps that
# hang on a workplace) is then limited to those workplaces. Roles that see a whole area must not hold
# it: name this app's permissions by action (`workplaces.view_*`), never `workplaces.*`.
CONTACT_ONLY = "workplaces.contact_only"


class WorkplaceScopedQuerySet(ScopedQuerySet):
    """`visible_to` for records of a workplace: the areas where the user holds the permission, except
    that where the user's grant carries CONTACT_ONLY only the workplaces they are the contact of count.
    `contact_field` names the path from the record to the workplace's contact user."""

    def visible_to(self, user, perm: str | None = None):
        model = self.model
        perm = perm or f"{model._meta.app_label}.view_{model._meta.model_name}"
        paths = scope_paths(user, perm)
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        restricted = set(scope_paths(user, CONTACT_ONLY) or [])
        full = [p for p in paths if p not in restricted]
        limited = [p for p in paths if p in restricted]
        field = model.scope_path_field
        q = path_q(field, full)
        if limited:
            q |= path_q(field, limited) & models.Q(**{model.contact_field: user.pk})
        return self.filter(q)


class WorkplaceScopedManager(ScopedManager.from_queryset(WorkplaceScopedQuerySet)):
    pass


class WorkplaceScopedModel(ScopedModel):
    """A record of a workplace (or the workplace itself): scoped by area, and for a workplace contact
    by the workplace they are the contact of. Subclasses set `contact_field`."""

    contact_field = "workplace__safety_contact_user"

    objects = WorkplaceScopedManager()

    class Meta:
        abstract = True


class WorkplaceType(models.TextChoices):
    OFFICE_BUILDING = "office_building", _("office building")
    TENANT_COMPANY = "tenant_company", _("tenant company")
    CONSTRUCTION_SITE = "construction_site", _("construction site")
    SUPERMARKET = "supermarket", _("supermarket")
    FACTORY = "factory", _("factory")
    RESTAURANT = "restaurant", _("small restaurant")
    INTERNET_CAFE = "internet_cafe", _("internet café")
    HOTEL = "hotel", _("small hotel")
    BATH_HOUSE = "bath_house", _("bath house")
    KARAOKE = "karaoke", _("karaoke")
    BARBER = "barber", _("barber shop")
    CONVENIENCE_STORE = "convenience_store", _("convenience store")


# 七小场所: the seven kinds of small business (the positive and negative lists apply to them).
SMALL_TYPES = frozenset(
    {
        WorkplaceType.RESTAURANT,
        WorkplaceType.INTERNET_CAFE,
        WorkplaceType.HOTEL,
        WorkplaceType.BATH_HOUSE,
        WorkplaceType.KARAOKE,
        WorkplaceType.BARBER,
        WorkplaceType.CONVENIENCE_STORE,
    }
)
# Buildings and companies hold a prevention plan (一楼一方案, 一企一方案).
PLAN_TYPES = frozenset(set(WorkplaceType.values) - SMALL_TYPES)


class RiskGrade(models.TextChoices):
    LOW = "low", pgettext_lazy("risk", "low")
    MEDIUM = "medium", pgettext_lazy("risk", "medium")
    HIGH = "high", pgettext_lazy("risk", "high")


class ListStatus(models.TextChoices):
    NONE = "none", _("not listed")
    POSITIVE = "positive", _("positive list")
    NEGATIVE = "negative", _("negative list")


class Workplace(WorkplaceScopedModel):
    """A workplace: the place it occupies on the tree, its size, heads, contact and grade."""

    contact_field = "safety_contact_user"

    place = models.OneToOneField(
        "areas.Place", on_delete=models.PROTECT, related_name="workplace", verbose_name=_("place")
    )
    name = models.CharField(pgettext_lazy("workplace", "name"), max_length=120)
    type = models.CharField(_("type"), max_length=20, choices=WorkplaceType.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tenants",
        verbose_name=_("building"),
    )
    staff_count = models.PositiveIntegerField(_("staff"), default=0)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    dense = models.BooleanField(_("dense company"), default=False)
    # 双楼长: one head from the street, one from the property company.
    head_street_name = models.CharField(_("head from the street"), max_length=50, blank=True)
    head_street_phone = models.CharField(_("phone of the street's head"), max_length=20, blank=True)
    head_street_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("head from the street (user)"),
    )
    head_property_name = models.CharField(_("head from the property company"), max_length=50, blank=True)
    head_property_phone = models.CharField(
        _("phone of the property company's head"), max_length=20, blank=True
    )
    safety_contact_name = models.CharField(_("safety contact"), max_length=50, blank=True)
    safety_contact_phone = models.CharField(_("safety contact phone"), max_length=20, blank=True)
    safety_contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_workplaces",
        verbose_name=_("safety contact (user)"),
    )
    risk_grade = models.CharField(
        _("risk grade"), max_length=8, choices=RiskGrade.choices, default=RiskGrade.LOW
    )
    open = models.BooleanField(_("open"), default=True)
    list_status = models.CharField(
        _("list"), max_length=10, choices=ListStatus.choices, default=ListStatus.NONE
    )

    class Meta:
        ordering = ["area_path", "name"]
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area__isnull=True) | Q(floor_area__gte=0),
                name="workplace_floor_area_nonneg",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="workplace_not_own_parent"),
        ]
        indexes = [models.Index(fields=["area_path", "type"])]
        permissions = [
            (CONTACT_ONLY.split(".")[1], _("acts only for the workplaces they are the contact of"))
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("workplaces:workplace-detail", args=[self.pk])

    @property
    def is_small(self) -> bool:
        return self.type in SMALL_TYPES


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("plan status", "submitted")
    APPROVED = "approved", pgettext_lazy("plan status", "approved")
    REJECTED = "rejected", pgettext_lazy("plan status", "rejected")


class PlanSource(models.TextChoices):
    TEMPLATE = "template", _("from the template")
    UPLOAD = "upload", _("uploaded")


class Plan(WorkplaceScopedModel):
    """A prevention plan (一楼一方案, 一企一方案), one version of it: generated from the template or uploaded."""

    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, related_name="plans", verbose_name=_("workplace")
    )
    version = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("source"), max_length=10, choices=PlanSource.choices)
    file = models.BinaryField(_("file"), editable=False)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100, default="application/pdf")
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    approved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["workplace", "-version"]
        verbose_name = _("prevention plan")
        verbose_name_plural = _("prevention plans")
        constraints = [
            models.UniqueConstraint(fields=["workplace", "version"], name="workplace_plan_version_unique"),
        ]
        permissions = [("approve_plan", _("may approve or reject prevention plans"))]

    def __str__(self):
        return f"{self.workplace} v{self.version}"


class Shift(models.TextChoices):
    DAY = "day", pgettext_lazy("shift", "day")
    NIGHT = "night", pgettext_lazy("shift", "night")
    ROTATING = "rotating", pgettext_lazy("shift", "rotating")


class Dormitory(WorkplaceScopedModel):
    """A staff dormitory of a workplace; rooms above or below ground."""

    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, related_name="dormitories", verbose_name=_("workplace")
    )
    name = models.CharField(pgettext_lazy("dormitory", "name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    underground = models.BooleanField(_("underground"), default=False)

    class Meta:
        ordering = ["workplace", "name"]
        verbose_name = _("dormitory")
        verbose_name_plural = _("dormitories")
        constraints = [
            models.UniqueConstraint(fields=["workplace", "name"], name="workplace_dormitory_name_unique"),
        ]

    def __str__(self):
        return self.name


class Room(WorkplaceScopedModel):
    """A dormitory room: floor area, beds, bunks and how many sleep there."""

    dormitory = models.ForeignKey(
        Dormitory, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("dormitory")
    )
    # A copy of the dormitory's workplace for the set-based rule check (one join less).
    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, related_name="rooms", editable=False, verbose_name=_("workplace")
    )
    number = models.CharField(_("room number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=1)
    beds = models.PositiveSmallIntegerField(_("beds"))
    bunks = models.BooleanField(_("bunk beds"), default=False)
    occupants = models.PositiveSmallIntegerField(_("occupants"), default=0)

    class Meta:
        ordering = ["dormitory", "number"]
        verbose_name = _("dormitory room")
        verbose_name_plural = _("dormitory rooms")
        constraints = [
            models.UniqueConstraint(fields=["dormitory", "number"], name="workplace_room_number_unique"),
            models.CheckConstraint(condition=Q(floor_area__gte=0), name="workplace_room_floor_area_nonneg"),
            models.CheckConstraint(
                condition=Q(occupants__lte=models.F("beds")), name="workplace_room_occupants_le_beds"
            ),
        ]

    def __str__(self):
        return f"{self.dormitory} {self.number}"


class StaffMember(WorkplaceScopedModel):
    """One person on a workplace's staff list, matched to the registry by ID number or phone."""

    audit_secret_fields = ("phone_enc",)

    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, related_name="staff", verbose_name=_("workplace")
    )
    name = models.CharField(_("name"), max_length=50)
    phone_enc = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_hash = models.CharField(_("phone index"), max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    id_hash = models.CharField(_("document index"), max_length=40, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("document number"), max_length=24, blank=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workplace_staff",
        verbose_name=_("resident"),
    )
    position = models.CharField(_("position"), max_length=50, blank=True)
    shift = models.CharField(_("shift"), max_length=50, blank=True, db_index=True)
    room = models.ForeignKey(
        Room,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
        verbose_name=_("dormitory room"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["workplace", "name", "id"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        indexes = [models.Index(fields=["workplace", "shift"])]

    def __str__(self):
        return f"{self.name} · {self.workplace}"

    @property
    def shift_label(self) -> str:
        return str(dict(Shift.choices).get(self.shift, self.shift))


class Violation(WorkplaceScopedModel):
    """A breach of a workplace rule (dormitory area or persons per room, bunks underground, on-site
    ratio), naming the room (or the daily report, added by the reports' migration) and the policy
    version it was judged by. Re-checks close those no longer found (resolved_at)."""

    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, related_name="violations", verbose_name=_("workplace")
    )
    room = models.ForeignKey(
        Room,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="violations",
        verbose_name=_("dormitory room"),
    )
    # The daily report whose on-site ratio broke the rule (wp2's migration adds it).
    # No database constraint: zero reports are partitioned (core.partitioning); on_delete still holds.
    report = models.ForeignKey(
        "workplaces.ZeroReport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="violations",
        verbose_name=_("zero report"),
        db_constraint=False,
    )
    rule = models.CharField(_("rule"), max_length=80, db_index=True)
    policy = models.ForeignKey(
        "policies.Policy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("policy version"),
    )
    detail = models.CharField(_("detail"), max_length=300)
    value = models.DecimalField(_("found value"), max_digits=10, decimal_places=2, null=True, blank=True)
    limit = models.DecimalField(_("limit"), max_digits=10, decimal_places=2, null=True, blank=True)
    found_at = models.DateTimeField(_("found at"), db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, db_index=True)
    resolved_reason = models.CharField(_("resolution"), max_length=200, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("rule violation")
        verbose_name_plural = _("rule violations")
        constraints = [
            # One open violation per room and rule: re-checks are idempotent.
            models.UniqueConstraint(
                fields=["room", "rule"],
                condition=Q(resolved_at__isnull=True, room__isnull=False),
                name="workplace_violation_open_room_rule",
            ),
            # One open workplace-level violation per rule (the on-site share): reports re-stamp it.
            models.UniqueConstraint(
                fields=["workplace", "rule"],
                condition=Q(resolved_at__isnull=True, room__isnull=True),
                name="workplace_violation_open_workplace_rule",
            ),
        ]
        indexes = [models.Index(fields=["area_path", "resolved_at"])]

    def __str__(self):
        return f"{self.workplace} · {self.rule_label}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def rule_label(self) -> str:
        from .rules import RULE_LABELS

        return str(RULE_LABELS.get(self.rule, self.rule))


from .models_reports import *  # noqa: E402,F401,F403  wp2: zero reports, alerts, inspections, ledger
