"""Shared set-up of the screening tests: a running campaign over community A with people, a site."""

from __future__ import annotations

import datetime
import io
import uuid

from django.utils import timezone

from fangkong.areas import services as area_services
from fangkong.areas.models import Level, Place
from fangkong.people.models import PersonStatus
from fangkong.people.tests.factories import make_person
from fangkong.screening import services
from fangkong.screening.models import Campaign


def households(tree, n: int):
    """`n` households in community A's building (the tree has one; more are added under its entrance)."""
    out = [tree.a.household]
    for i in range(1, n):
        out.append(
            area_services.area_create(
                actor=None, parent=tree.a.entrance, name=f"{102 + i}室", level=Level.HOUSEHOLD
            )
        )
    return out


def people(tree, n: int = 12, per_household: int = 3, **extra):
    hh = households(tree, (n + per_household - 1) // per_household)
    return [make_person(hh[i // per_household], **extra) for i in range(n)]


def campaign(tree, actor=None, *, state: str = Campaign.State.RUNNING, area=None, **kw) -> Campaign:
    now = timezone.now()
    c = services.campaign_create(
        actor=actor,
        name="镇国寺社区全员核酸",
        area=area or tree.a.community,
        starts=now - datetime.timedelta(hours=1),
        ends=now + datetime.timedelta(hours=11),
        **kw,
    )
    services.campaign_target_compute(actor=actor, campaign=c)
    if state == Campaign.State.RUNNING:
        services.campaign_state_set(actor=actor, campaign=c, state=state)
    c.refresh_from_db()
    return c


def site(c: Campaign, tree, actor=None, name="镇国寺社区采样点", lat="39.851", lon="116.281", **kw):
    return services.site_create(
        actor=actor, campaign=c, name=name, area=tree.a.community, latitude=lat, longitude=lon, **kw
    )


def item(person, tube: str, **extra) -> dict:
    return {"client_id": str(uuid.uuid4()), "person": person.pk, "tube": tube, **extra}


def result_csv(rows, encoding="utf-8", header=("试管条码", "检测结果", "检测时间", "检测机构")) -> bytes:
    buf = io.StringIO()
    buf.write(",".join(header) + "\n")
    for r in rows:
        buf.write(",".join(r) + "\n")
    return buf.getvalue().encode(encoding)


def now_text() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


__all__ = ["PersonStatus", "Place"]
