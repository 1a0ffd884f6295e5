"""Care groups and their members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import record
from fangkong.core.models import ChangeLog
from fangkong.policies.selectors import (
    policy_value,
)

from ..models import (
    CareGroup,
    CareGroupMember,
)

# ---------------------------------------------------------------- care groups


@transaction.atomic
def care_group_create(*, actor, household, name: str = "") -> CareGroup:
    group = CareGroup.objects.create(area=household, area_path=household.path, name=name[:100])
    record(group, ChangeLog.Action.CREATE, actor=actor)
    return group


@transaction.atomic
def care_group_for_household(*, actor, household) -> CareGroup:
    """The household's active care group, created on first use (one group per household)."""
    group = CareGroup.objects.filter(area_id=household.pk, active=True).first()
    return group or care_group_create(actor=actor, household=household)


@transaction.atomic
def care_member_add_for_household(*, actor, household, user, role: str) -> CareGroupMember:
    """Add a member to the household's care group, creating the group on first use: both or neither
    (a refused member used to leave an empty group behind)."""
    group = care_group_for_household(actor=actor, household=household)
    return care_group_member_add(actor=actor, group=group, user=user, role=role)


@transaction.atomic
def care_group_member_add(*, actor, group: CareGroup, user, role: str) -> CareGroupMember:
    """Add a member; the group size and the households one member serves are policy limits."""
    group = CareGroup.objects.select_for_update().get(pk=group.pk)
    if role not in CareGroupMember.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    max_members = int(policy_value("care_group.max_members", area=group.area_path))
    if group.members.count() >= max_members:
        raise ValidationError({"user": _("A care group has at most %(n)s members.") % {"n": max_members}})
    if group.members.filter(user=user).exists():
        raise ValidationError({"user": _("Already a member of this group.")})
    max_households = int(policy_value("care_group.max_households", area=group.area_path))
    if CareGroupMember.objects.filter(user=user, group__active=True).count() >= max_households:
        raise ValidationError(
            {"user": _("This person already serves %(n)s households.") % {"n": max_households}}
        )
    member = CareGroupMember.objects.create(
        area_id=group.area_id, area_path=group.area_path, group=group, user=user, role=role
    )
    record(member, ChangeLog.Action.CREATE, actor=actor)
    return member
