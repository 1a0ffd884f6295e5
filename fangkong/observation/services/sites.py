"""Central observation sites: rooms and site staff."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import record
from fangkong.core.models import ChangeLog

from ..models import (
    Room,
    SiteMember,
)

# ---------------------------------------------------------------- centralized sites


@transaction.atomic
def room_create(*, actor, site, number: str, floor: int = 1, capacity: int = 1, features=None) -> Room:
    if site.kind != "observation_site":
        raise ValidationError({"site": _("Not a centralized observation site.")})
    if Room.objects.filter(site=site, number=number).exists():
        raise ValidationError({"number": _("This room number exists already.")})
    room = Room.objects.create(
        area_id=site.area_id,
        area_path=site.area_path,
        site=site,
        number=number,
        floor=floor,
        capacity=capacity,
        features=list(features or []),
    )
    record(room, ChangeLog.Action.CREATE, actor=actor)
    return room


@transaction.atomic
def site_member_add(*, actor, site, name: str, team: str, user=None, phone: str = "") -> SiteMember:
    if team not in SiteMember.Team.values:
        raise ValidationError({"team": _("Unknown team.")})
    if team == SiteMember.Team.LEAD and SiteMember.objects.filter(site=site, team=team).exists():
        raise ValidationError({"team": _("The site has a lead already.")})
    member = SiteMember.objects.create(
        area_id=site.area_id,
        area_path=site.area_path,
        site=site,
        user=user,
        name=name,
        phone=phone,
        team=team,
    )
    record(member, ChangeLog.Action.CREATE, actor=actor)
    return member
