"""What the workplaces services share: the actor, and the one check of every id a write names."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core.scoping import user_can_see_path


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _may(actor, perm: str, path: str) -> bool:
    """`actor=None` is the system itself (seeds, migrations, background jobs)."""
    return actor is None or user_can_see_path(actor, perm, path)


def _visible(model, actor, perm: str, obj_or_id, *, field: str, message: str):
    """The record `obj_or_id` names if `actor` may act on it with `perm` (for a workplace contact: only
    their own workplace's); otherwise the same error as for an id that does not exist."""
    pk = getattr(obj_or_id, "pk", obj_or_id)
    qs = model.objects.all() if actor is None else model.objects.visible_to(actor, perm)
    try:
        return qs.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise ValidationError({field: message}) from None


def workplace_for(actor, workplace, perm: str, field: str = "workplace"):
    from ..models import Workplace

    return _visible(Workplace, actor, perm, workplace, field=field, message=_("Unknown workplace."))
