"""Helpers shared by wp2's services: the scoped fetch of a workplace a writer names."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core.scoping import user_can_see_path


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def workplace_writable(actor, workplace, perm: str):
    """The workplace if `actor` may write `perm` there; else the same error as for a missing one."""
    if workplace is None or actor is None or not actor.has_perm(perm):
        raise ValidationError({"workplace": _("No such workplace.")})
    if not user_can_see_path(actor, perm, workplace.area_path) or not contact_may(actor, workplace):
        raise ValidationError({"workplace": _("No such workplace.")})
    return workplace


def contact_may(actor, workplace) -> bool:
    """A workplace contact acts only for the workplace that names them as its safety contact."""
    if actor is None or actor.is_superuser:
        return True
    roles = {s.role.code for s in actor.active_scopes()} if hasattr(actor, "active_scopes") else set()
    if roles and roles <= {"workplace_contact"}:
        return workplace.safety_contact_user_id == actor.pk
    return True
