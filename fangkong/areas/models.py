from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import ScopedManager, ScopedModel

STEP = 4  # characters of path per level
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def encode_step(n: int) -> str:
    if n < 0 or n >= 36**STEP:
        raise ValueError("too many children under one area")
    out = ""
    for _i in range(STEP):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


def decode_step(s: str) -> int:
    n = 0
    for ch in s:
        n = n * 36 + ALPHABET.index(ch)
    return n


class Level(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    STREET = "street", _("street / township")
    COMMUNITY = "community", _("community / village")
    GRID = "grid", _("grid")
    BUILDING = "building", _("building / bungalow block")
    ENTRANCE = "entrance", _("entrance")
    HOUSEHOLD = "household", _("household")


LEVEL_ORDER = [c.value for c in Level]


class Area(models.Model):
    """One node of the jurisdiction tree, city down to household."""

    scope_path_field = "path"

    class Kind(models.TextChoices):
        STANDARD = "standard", _("standard")
        BUNGALOW = "bungalow", _("bungalow area")
        VILLAGE = "village", _("village")
        TOWNSHIP = "township", _("township")

    path = models.CharField(_("path"), max_length=64, unique=True)
    depth = models.PositiveSmallIntegerField(_("depth"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.STANDARD)
    name = models.CharField(pgettext_lazy("place", "name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, blank=True, db_index=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    numchild = models.PositiveIntegerField(_("children"), default=0)

    objects = ScopedManager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent and LEVEL_ORDER.index(self.level) <= LEVEL_ORDER.index(self.parent.level):
            raise ValidationError({"level": _("A child must be below its parent's level.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def ancestor_paths(self) -> list[str]:
        return [self.path[:i] for i in range(STEP, len(self.path), STEP)]

    def ancestors(self):
        return Area.objects.filter(path__in=self.ancestor_paths()).order_by("path")

    def descendants(self, include_self=False):
        qs = Area.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def full_name(self) -> str:
        names = list(self.ancestors().filter(depth__gt=1).values_list("name", flat=True))
        return " ".join([*names, self.name])


class Place(ScopedModel):
    """A place that hangs on the tree: gate, sampling site, observation site, workplace…"""

    class Kind(models.TextChoices):
        GATE = "gate", _("community gate")
        CHECKPOINT = "checkpoint", _("checkpoint")
        GARAGE = "garage", _("underground garage")
        SAMPLING_SITE = "sampling_site", _("sampling site")
        OBSERVATION_SITE = "observation_site", _("centralized observation site")
        WORKPLACE = "workplace", _("workplace")
        OFFICE_BUILDING = "office_building", _("office building")
        CONSTRUCTION_SITE = "construction_site", _("construction site")
        SUPERMARKET = "supermarket", _("supermarket")
        SMALL_VENUE = "small_venue", _("small venue (七小场所)")
        MARKET = "market", _("market")
        STATION = "station", _("station")
        HOSPITAL = "hospital", _("hospital")
        HEALTH_CENTRE = "health_centre", _("community health centre")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(pgettext_lazy("place", "name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["area_path", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self):
        return self.name
