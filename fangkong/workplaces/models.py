"""STUB of wp1's workplaces models (h-wp1 owns this file; replaced at merge). Only the fields wp2 uses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import ScopedModel


class WorkplaceType(models.TextChoices):
    BUILDING = "building", _("office building")
    TENANT = "tenant", _("tenant company")
    SITE = "site", _("construction site")
    SUPERMARKET = "supermarket", _("supermarket")
    FACTORY = "factory", _("factory")
    RESTAURANT = "restaurant", _("small restaurant")
    INTERNET_CAFE = "internet_cafe", _("internet café")
    HOTEL = "hotel", _("small hotel")
    BATHHOUSE = "bathhouse", _("bath house")
    KARAOKE = "karaoke", _("karaoke")
    BARBER = "barber", _("barber")
    CONVENIENCE = "convenience", _("convenience store")


class Workplace(ScopedModel):
    place = models.ForeignKey("areas.Place", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    type = models.CharField(max_length=20, choices=WorkplaceType.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="tenants")
    staff_count = models.PositiveIntegerField(default=0)
    floor_area = models.DecimalField(max_digits=10, decimal_places=1, null=True, blank=True)
    dense = models.BooleanField(default=False)
    safety_contact_name = models.CharField(max_length=50, blank=True)
    safety_contact_phone = models.CharField(max_length=20, blank=True)
    safety_contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    risk_grade = models.CharField(max_length=10, default="low")
    open = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class Dormitory(ScopedModel):
    workplace = models.ForeignKey(Workplace, on_delete=models.CASCADE, related_name="dormitories")
    name = models.CharField(max_length=100)
    underground = models.BooleanField(default=False)


class Room(ScopedModel):
    dormitory = models.ForeignKey(Dormitory, on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(max_length=20)
    floor_area = models.DecimalField(max_digits=7, decimal_places=1)
    beds = models.PositiveSmallIntegerField(default=0)
    bunks = models.PositiveSmallIntegerField(default=0)
    occupants = models.PositiveSmallIntegerField(default=0)


class Violation(ScopedModel):
    workplace = models.ForeignKey(Workplace, on_delete=models.CASCADE, related_name="violations")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.CASCADE, related_name="violations")
    rule = models.CharField(max_length=80)
    policy = models.ForeignKey("policies.Policy", null=True, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    found_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)


from .models_reports import *  # noqa: E402,F401,F403  wp2's models
