"""Sampling at the lane: who is in front of the sampler (a resident code, an ID number or a phone), the tube
the swab goes into, a pooled tube closing when full or by hand. A batch answers per item (the offline
queue's protocol): accepted, duplicate (the client id is known: a retried sync) or invalid with its
message; one bad item never blocks the others."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import crypto, dates
from fangkong.core.audit import record
from fangkong.core.identity import normalise_id, normalise_phone
from fangkong.core.scoping import user_can_see_path

from ..models import Campaign, CoverageCount, Sample, Site, TargetPerson, Tube

MAX_BATCH = 500
BARCODE_RE = re.compile(r"^[A-Za-z0-9-]{6,40}$")
RESIDENT_SALT = "screening.resident"


def resident_token(target: TargetPerson) -> str:
    """The signed link of a resident's phone page (their slot and site; their code at the lane)."""
    return signing.Signer(salt=RESIDENT_SALT).sign(str(target.pk)).replace(":", ".")


def target_from_token(token: str) -> TargetPerson | None:
    try:
        pk = signing.Signer(salt=RESIDENT_SALT).unsign(str(token).replace(".", ":"))
    except signing.BadSignature:
        return None
    return TargetPerson.objects.select_related("campaign", "person", "building").filter(pk=pk).first()


def _token_in(code: str) -> str | None:
    m = re.search(r"/screening/r/([^/?#]+)", code)
    if m:
        return m.group(1)
    if re.fullmatch(r"\d+\.[\w-]+", code):
        return code
    return None


def persons_for_code(campaign: Campaign, code: str) -> list[TargetPerson]:
    """The campaign's targets a scanned or typed code names: a resident page link, an ID number, or a
    phone (a phone may name several people of one household)."""
    code = (code or "").strip()
    if not code:
        return []
    qs = TargetPerson.objects.filter(campaign=campaign).select_related("person", "building")
    token = _token_in(code)
    if token:
        t = target_from_token(token)
        return [t] if t is not None and t.campaign_id == campaign.pk else []
    number = normalise_id(code)
    phone = normalise_phone(code)
    if phone.isdigit() and len(phone) == 11:
        return list(qs.filter(person__phone_hash=crypto.blind_index(phone, kind="phone"))[:20])
    return list(qs.filter(person__id_hash=crypto.blind_index(number, kind="id"))[:1])


@dataclass
class ItemResult:
    client_id: str
    status: str  # accepted | duplicate | invalid
    errors: dict = field(default_factory=dict)
    sample_id: int | None = None
    tube: str = ""
    tube_count: int = 0
    tube_capacity: int = 0
    tube_closed: bool = False
    name: str = ""

    def as_dict(self) -> dict:
        out = {"client_id": self.client_id, "status": self.status}
        if self.errors:
            out["errors"] = self.errors
        if self.status == "accepted":
            out.update(
                sample=self.sample_id,
                tube=self.tube,
                tube_count=self.tube_count,
                tube_capacity=self.tube_capacity,
                tube_closed=self.tube_closed,
                name=self.name,
            )
        return out


class _Invalid(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.errors = {field: [message]}


def _parse_sampled_at(raw) -> datetime.datetime:
    if raw is None or raw == "":
        return timezone.now()
    try:  # the one parser of dates (core.dates): impossible or out-of-range times are invalid items
        t = dates.parse_datetime(raw)
    except dates.DateError as exc:
        raise _Invalid("sampled_at", exc.message) from None
    if t > timezone.now() + datetime.timedelta(minutes=10):
        raise _Invalid("sampled_at", _("The sampling time lies in the future."))
    return t


def _in_scope(actor, path: str) -> bool:
    """Whether the writer's jurisdiction holds `path` (no actor: the demo and background jobs)."""
    return actor is None or user_can_see_path(actor, "screening.add_sample", path)


def _resolve_target(actor, site: Site, item: dict) -> TargetPerson:
    """The target an item names. A person id (picked from the lane's scoped lookup) must lie in the
    writer's jurisdiction, else it answers exactly like an unknown id; a scanned or typed code (the
    resident in front of the lane, from any community the campaign covers) is taken at a site of the
    writer's (checked by the batch)."""
    campaign = site.campaign
    target = None
    if item.get("person") not in (None, ""):
        try:
            pid = int(item["person"])
        except (TypeError, ValueError):
            raise _Invalid("person", _("Not a valid id.")) from None
        target = (
            TargetPerson.objects.select_related("person", "building")
            .filter(campaign=campaign, person_id=pid)
            .first()
        )
    elif item.get("code"):
        found = persons_for_code(campaign, str(item["code"]))
        if len(found) > 1:
            raise _Invalid("code", _("This phone names several people: pick the person."))
        target = found[0] if found else None
    else:
        raise _Invalid("person", _("Scan the resident's code or type an ID number or phone."))
    if target is None or (item.get("person") not in (None, "") and not _in_scope(actor, target.area_path)):
        raise _Invalid("person", _("Not in this campaign's target population."))
    return target


def _tube_for(site: Site, barcode: str, target: TargetPerson, now) -> Tube:
    campaign = site.campaign
    barcode = (barcode or "").strip().upper()
    if not BARCODE_RE.fullmatch(barcode):
        raise _Invalid("tube", _("Not a tube barcode: 6 to 40 letters, digits or dashes."))
    capacity = 1 if (campaign.regime == Campaign.Regime.SINGLE or target.single_tube) else campaign.pool_size
    tube = Tube.objects.select_for_update().filter(campaign=campaign, barcode=barcode).first()
    if tube is None:
        try:
            with transaction.atomic():
                tube = Tube.objects.create(
                    campaign=campaign,
                    site=site,
                    barcode=barcode,
                    capacity=capacity,
                    area_id=site.area_id,
                    area_path=site.area_path,
                )
        except IntegrityError:
            tube = Tube.objects.select_for_update().get(campaign=campaign, barcode=barcode)
        return tube
    if tube.site_id != site.pk:  # a tube belongs to its site: its owner and community are not told
        raise _Invalid(
            "tube", _("Tube %(code)s cannot be used at this site: take a new tube.") % {"code": barcode}
        )
    if tube.state != Tube.State.OPEN:
        raise _Invalid("tube", _("Tube %(code)s is already closed: take a new tube.") % {"code": barcode})
    if tube.count >= tube.capacity:
        raise _Invalid("tube", _("Tube %(code)s is full.") % {"code": barcode})
    if target.single_tube and tube.count > 0:
        raise _Invalid("tube", _("This person is sampled one per tube: take a new tube."))
    if tube.capacity == 1 and tube.count > 0:
        raise _Invalid("tube", _("Tube %(code)s is already closed: take a new tube.") % {"code": barcode})
    if campaign.sealed_household and tube.count > 0:
        other = tube.samples.exclude(person__area_id=target.person.area_id).exists()
        if other:
            raise _Invalid("tube", _("One household per tube in this campaign: take a new tube."))
    return tube


def _sample_one(actor, site: Site, item: dict) -> ItemResult:
    raw_cid = item.get("client_id")
    try:
        cid = uuid.UUID(str(raw_cid))
    except (TypeError, ValueError):
        return ItemResult(str(raw_cid or ""), "invalid", {"client_id": [_("Not a valid client id.")]})
    if Sample.objects.filter(client_id=cid).exists():
        return ItemResult(str(cid), "duplicate")
    now = timezone.now()
    try:
        with transaction.atomic():
            if site.closed:
                raise _Invalid("site", _("This site is closed."))
            if site.campaign.state != Campaign.State.RUNNING:
                raise _Invalid("campaign", _("The campaign is not running."))
            sampled_at = _parse_sampled_at(item.get("sampled_at"))
            target = _resolve_target(actor, site, item)
            mine = _in_scope(actor, target.area_path)
            if target.state == TargetPerson.State.SAMPLED and not mine:
                # Outside the writer's jurisdiction the lane learns only what it needs: no name, time, tube.
                raise _Invalid("person", _("Already sampled in this campaign."))
            if target.state == TargetPerson.State.SAMPLED:
                prev = Sample.objects.filter(campaign=site.campaign, person_id=target.person_id).first()
                raise _Invalid(
                    "person",
                    _("%(name)s was already sampled in this campaign (%(time)s, tube %(tube)s).")
                    % {
                        "name": target.person.name,
                        "time": timezone.localtime(prev.sampled_at).strftime("%m-%d %H:%M") if prev else "",
                        "tube": prev.tube.barcode if prev else "",
                    },
                )
            tube = _tube_for(site, str(item.get("tube") or ""), target, now)
            try:
                with transaction.atomic():
                    sample = Sample.objects.create(
                        campaign=site.campaign,
                        person_id=target.person_id,
                        tube=tube,
                        building_id=target.building_id,
                        client_id=cid,
                        sampled_at=sampled_at,
                        by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
                        area_id=target.area_id,
                        area_path=target.area_path,
                    )
            except IntegrityError:
                if Sample.objects.filter(client_id=cid).exists():
                    return ItemResult(str(cid), "duplicate")
                raise _Invalid("person", _("Already sampled in this campaign.")) from None
            tube.count += 1
            fields = ["count", "updated_at"]
            if tube.count >= tube.capacity or item.get("close"):
                tube.state, tube.closed_at = Tube.State.CLOSED, now
                fields += ["state", "closed_at"]
            tube.save(update_fields=fields)
            TargetPerson.objects.filter(pk=target.pk).update(state=TargetPerson.State.SAMPLED, updated_at=now)
            CoverageCount.objects.filter(campaign=site.campaign, area_id=target.building_id).update(
                sampled=F("sampled") + 1, pending_results=F("pending_results") + 1
            )
            record(
                sample,
                "create",
                actor=actor,
                message=gettext_noop("Sampled into tube %(tube)s"),
                params={"tube": tube.barcode},
            )
    except _Invalid as exc:
        return ItemResult(str(cid), "invalid", exc.errors)
    return ItemResult(
        str(cid),
        "accepted",
        sample_id=sample.pk,
        tube=tube.barcode,
        tube_count=tube.count,
        tube_capacity=tube.capacity,
        tube_closed=tube.state != Tube.State.OPEN,
        name=target.person.name if mine else "",
    )


def sample_batch_record(*, actor, site: Site, items: list[dict]) -> list[ItemResult]:
    """Record samples at a site's lane, each in its own transaction (one bad item is rejected on its own;
    a client id already stored answers `duplicate`, so a retried sync never duplicates)."""
    if len(items) > MAX_BATCH:
        raise ValidationError(_("At most %(n)d samples per request.") % {"n": MAX_BATCH})
    site = Site.objects.select_related("campaign").get(pk=site.pk)  # the campaign's state as it is now
    if not _in_scope(actor, site.area_path):  # a site outside the writer's jurisdiction is an unknown one
        return [
            ItemResult(
                str((it if isinstance(it, dict) else {}).get("client_id") or ""),
                "invalid",
                {"site": [_("Unknown site.")]},
            )
            for it in items
        ]
    return [_sample_one(actor, site, item if isinstance(item, dict) else {}) for item in items]


@transaction.atomic
def tube_close(*, actor, tube: Tube) -> Tube:
    """The sampler closes a pooled tube before it is full."""
    tube = Tube.objects.select_for_update().get(pk=tube.pk)
    if actor is not None and not user_can_see_path(actor, "screening.change_tube", tube.area_path):
        raise ValidationError(_("Unknown tube barcode %(code)s.") % {"code": tube.barcode})
    if tube.state != Tube.State.OPEN:
        raise ValidationError(_("Tube %(code)s is already closed.") % {"code": tube.barcode})
    if tube.count == 0:
        raise ValidationError(_("An empty tube cannot be closed."))
    tube.state, tube.closed_at = Tube.State.CLOSED, timezone.now()
    tube.save(update_fields=["state", "closed_at", "updated_at"])
    record(
        tube,
        "update",
        actor=actor,
        message=gettext_noop("Tube %(tube)s closed with %(n)s samples"),
        params={"tube": tube.barcode, "n": tube.count},
    )
    return tube


def household_targets(target: TargetPerson) -> list[TargetPerson]:
    """The other members of the household in the campaign, still to sample (sampled together)."""
    return list(
        TargetPerson.objects.filter(
            campaign_id=target.campaign_id, area_id=target.area_id, state=TargetPerson.State.PENDING
        )
        .exclude(pk=target.pk)
        .select_related("person")
    )


def open_tubes(site: Site):
    return Tube.objects.filter(site=site, state=Tube.State.OPEN).order_by("-updated_at")
