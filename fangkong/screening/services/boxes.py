"""Transport of tubes (转运): a box is sealed with closed tubes, handed over, received at the laboratory;
each step records its time and person."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import msgid, record
from fangkong.core.scoping import user_can_see_path

from ..models import Box, BoxEvent, Campaign, Site, Tube


def _event(box: Box, state: str, actor, person_name: str) -> BoxEvent:
    return BoxEvent.objects.create(
        box=box,
        state=state,
        time=timezone.now(),
        by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        person_name=(person_name or "").strip()[:50],
        area_id=box.area_id,
        area_path=box.area_path,
    )


@transaction.atomic
def box_seal(
    *, actor, site: Site, code: str, barcodes: list[str], lab: str = "", person_name: str = ""
) -> Box:
    """Seal a box with closed tubes of the site. All or nothing: one bad barcode refuses the box. A tube
    of another site answers like an unknown barcode, and a site outside the writer's jurisdiction like an
    unknown site."""
    campaign: Campaign = site.campaign
    if actor is not None and not user_can_see_path(actor, "screening.add_box", site.area_path):
        raise ValidationError({"site": _("Unknown site.")})
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError({"code": _("Give the box code.")})
    if Box.objects.filter(campaign=campaign, code=code).exists():
        raise ValidationError({"code": _("Box %(code)s already exists.") % {"code": code}})
    wanted = []
    for b in barcodes:
        b = (b or "").strip().upper()
        if b and b not in wanted:
            wanted.append(b)
    if not wanted:
        raise ValidationError({"tubes": _("Scan at least one tube.")})
    tubes = {
        t.barcode: t
        for t in Tube.objects.select_for_update().filter(campaign=campaign, site=site, barcode__in=wanted)
    }
    problems = []
    for b in wanted:
        t = tubes.get(b)
        if t is None:
            problems.append(_("Unknown tube barcode %(code)s.") % {"code": b})
        elif t.state == Tube.State.OPEN:
            problems.append(_("Tube %(code)s is still open: close it first.") % {"code": b})
        elif t.state != Tube.State.CLOSED:
            problems.append(_("Tube %(code)s is already in a box.") % {"code": b})
    if problems:
        raise ValidationError({"tubes": problems})
    box = Box.objects.create(
        campaign=campaign,
        site=site,
        code=code,
        lab=lab.strip()[:100],
        state=Box.State.SEALED,
        area_id=site.area_id,
        area_path=site.area_path,
    )
    Tube.objects.filter(pk__in=[t.pk for t in tubes.values()]).update(
        box=box, state=Tube.State.BOXED, updated_at=timezone.now()
    )
    _event(box, Box.State.SEALED, actor, person_name)
    record(
        box,
        "create",
        actor=actor,
        message=gettext_noop("Box %(code)s sealed with %(n)s tubes"),
        params={"code": code, "n": len(wanted)},
    )
    return box


NEXT = {Box.State.SEALED: Box.State.HANDED_OVER, Box.State.HANDED_OVER: Box.State.RECEIVED}


@transaction.atomic
def box_advance(*, actor, box: Box, state: str, person_name: str = "") -> Box:
    """Hand a sealed box over (the courier's name) or receive a handed-over box at the lab."""
    box = Box.objects.select_for_update().get(pk=box.pk)
    if actor is not None and not user_can_see_path(actor, "screening.change_box", box.area_path):
        raise ValidationError(_("Unknown box."))
    if NEXT.get(box.state) != state:
        raise ValidationError(
            _("A %(from)s box cannot be marked %(to)s.")
            % {
                "from": box.get_state_display(),
                "to": Box.State(state).label if state in Box.State.values else state,
            }
        )
    if not (person_name or "").strip():
        raise ValidationError({"person_name": _("Give the name of the person who takes the box.")})
    box.state = state
    box.save(update_fields=["state", "updated_at"])
    if state == Box.State.RECEIVED:
        box.tubes.filter(state=Tube.State.BOXED).update(state=Tube.State.RECEIVED, updated_at=timezone.now())
    _event(box, state, actor, person_name)
    record(
        box,
        "update",
        actor=actor,
        message=gettext_noop("Box %(code)s: %(step)s by %(who)s"),
        params={"code": box.code, "step": msgid(Box.State(state).label), "who": person_name.strip()[:50]},
    )
    return box
