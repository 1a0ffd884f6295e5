"""Worker records: created, edited, reviewed, linked to a user account."""

from __future__ import annotations

from django.db import transaction

from fangkong.areas.models import Area, Level
from fangkong.core.audit import record
from fangkong.core.models import ChangeLog

from ..models import Worker


def community_of(area: Area) -> Area:
    """The community an area lies in (itself when it is one or above: a street stays a street)."""
    from fangkong.areas.models import LEVEL_ORDER

    if LEVEL_ORDER.index(area.level) <= LEVEL_ORDER.index(Level.COMMUNITY):
        return area
    return Area.objects.filter(path__in=area.ancestor_paths(), level=Level.COMMUNITY).first() or area


@transaction.atomic
def worker_for_user(*, actor, user, area: Area) -> Worker:
    """The worker record of a user account, created (a volunteer in the community of `area`) when the
    user has none yet: a shift always names the registry's worker."""
    existing = Worker.objects.filter(user=user).first()
    if existing is not None:
        return existing
    team = community_of(area)
    worker = Worker.objects.create(
        name=(user.get_full_name() or user.username)[:50],
        kind=Worker.Kind.VOLUNTEER,
        level=Worker.Level.COMMUNITY,
        status=Worker.Status.ACTIVE,
        user=user,
        area=team,
        area_path=team.path,
    )
    record(worker, ChangeLog.Action.CREATE, actor=actor)
    return worker
