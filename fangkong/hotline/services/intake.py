"""Intake: one order typed by an operator or pushed by an integration, a support request or an observation
report turned into an order, the caller's lookup by phone. Imports of the city's dispatch file are in
imports.py and share `clean_fields` with the push API, so both refuse the same things."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core import crypto, dates
from fangkong.core.audit import msgid
from fangkong.core.identity import mask_phone, normalise_phone
from fangkong.core.scoping import ALL, path_q, scope_paths

from .. import hooks
from .. import policy as hpolicy
from ..matching import match_address
from ..models import Category, Channel, HandlingEntry, Status, Urgency, WorkOrder
from .common import _user, area_for, audit, street_of

# How far a received time may lie from now: the city's export covers the past weeks, never the future.
RECEIVED_MAX_PAST = datetime.timedelta(days=366)
RECEIVED_MAX_AHEAD = datetime.timedelta(hours=1)
MAX_TEXT = 4000
URGENCIES = frozenset(Urgency.values)  # TextChoices.values builds a new list on every call

CATEGORY_WORDS = {
    "疫情防控": Category.EPIDEMIC,
    "防疫": Category.EPIDEMIC,
    "核酸检测": Category.EPIDEMIC,
    "隔离观察": Category.EPIDEMIC,
    "物资保障": Category.SUPPLIES,
    "生活物资": Category.SUPPLIES,
    "物资": Category.SUPPLIES,
    "就医": Category.MEDICAL,
    "医疗": Category.MEDICAL,
    "就医购药": Category.MEDICAL,
    "封控管理": Category.CLOSURE,
    "封闭管理": Category.CLOSURE,
    "封控": Category.CLOSURE,
    "噪音": Category.NOISE,
    "噪声扰民": Category.NOISE,
    "噪音扰民": Category.NOISE,
    "环境卫生": Category.SANITATION,
    "垃圾清运": Category.SANITATION,
    "卫生": Category.SANITATION,
    "物业管理": Category.PROPERTY,
    "物业": Category.PROPERTY,
    "劳动就业": Category.EMPLOYMENT,
    "社会保障": Category.EMPLOYMENT,
    "人力社保": Category.EMPLOYMENT,
    "其他": Category.OTHER,
    **{str(label): value for value, label in Category.choices},
    **{v: v for v in Category.values},
}
URGENCY_WORDS = {
    "": Urgency.NORMAL,
    "一般": Urgency.NORMAL,
    "普通": Urgency.NORMAL,
    "常规": Urgency.NORMAL,
    "紧急": Urgency.URGENT,
    "加急": Urgency.URGENT,
    "特急": Urgency.URGENT,
    **{v: v for v in Urgency.values},
}


def category_of(text: str) -> str | None:
    t = (text or "").strip()
    if t in CATEGORY_WORDS:
        return CATEGORY_WORDS[t]
    for word, value in CATEGORY_WORDS.items():
        if len(word) >= 2 and word in t:
            return value
    return Category.OTHER if t else None


def urgency_of(text: str) -> str | None:
    t = (text or "").strip()
    if t in URGENCY_WORDS:
        return URGENCY_WORDS[t]
    if "急" in t:
        return Urgency.URGENT
    if "一般" in t or "普通" in t:
        return Urgency.NORMAL
    return None


@dataclass
class Cleaned:
    fields: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def clean_fields(raw: dict, *, now: datetime.datetime | None = None, memo: dict | None = None) -> Cleaned:
    """One order's fields from the city's words (import row or push payload): the same checks for both.
    Keys: city_number, received_at, caller_name, caller_phone, address, category, text, deadline_class."""
    out = Cleaned()
    now = now or timezone.now()
    number = str(raw.get("city_number") or "").strip()
    if not number:
        out.errors["city_number"] = _("The order number is required.")
    elif len(number) > 40 or not number.isprintable():
        out.errors["city_number"] = _("Not an order number.")
    received = raw.get("received_at")
    try:
        if memo is not None and isinstance(received, str) and received in memo:
            at = memo[received]  # an import's rows share their minutes: parsed once
        else:
            at = dates.parse_datetime(received) if received not in (None, "") else None
            if memo is not None and isinstance(received, str):
                memo[received] = at
        if at is None:
            out.errors["received_at"] = _("The time received is required.")
        elif not dates.within(at, past=RECEIVED_MAX_PAST, ahead=RECEIVED_MAX_AHEAD, now=now):
            out.errors["received_at"] = _("A time received within the past year, not in the future.")
    except dates.DateError as exc:
        out.errors["received_at"] = str(exc.message)
        at = None
    phone = normalise_phone(str(raw.get("caller_phone") or ""))
    if phone and (len(phone) > 20 or not phone.replace("-", "").isdigit()):
        out.errors["caller_phone"] = _("Not a phone number.")
    text = str(raw.get("text") or "").strip()
    if not text:
        out.errors["text"] = _("The request text is required.")
    address = str(raw.get("address") or "").strip()
    if len(address) > 200:
        out.errors["address"] = _("At most 200 characters.")
    category = category_of(str(raw.get("category") or ""))
    if category is None:
        out.errors["category"] = _("The category is required.")
    deadline_class = str(raw.get("deadline_class") or "").strip()
    urgency = raw.get("urgency") or urgency_of(deadline_class)
    if urgency not in URGENCIES:
        out.errors["deadline_class"] = _("Not a deadline class (一般 or 紧急).")
    out.fields = {
        "city_number": number,
        "received_at": at,
        "caller_name": str(raw.get("caller_name") or "").strip()[:50],
        "caller_phone": phone[:20],
        "address": address[:200],
        "category": category,
        "text": text[:MAX_TEXT],
        "deadline_class": deadline_class[:40],
        "urgency": urgency,
    }
    return out


def caller_lookup(*, actor, phone: str):
    """Residents with this exact phone in the registry, inside the operator's area (their add_workorder
    scope): what a ringing phone's number tells the operator. An empty or malformed number finds no one."""
    from fangkong.people.models import Person

    phone = normalise_phone(phone or "")
    if len(phone) < 7 or not phone.isdigit():
        return Person.objects.none()
    paths = scope_paths(actor, "hotline.add_workorder")
    qs = Person.objects.filter(phone_hash=crypto.blind_index(phone, kind="phone"))
    if paths is not ALL:
        qs = qs.filter(path_q("area_path", paths)) if paths else qs.none()
    return qs.select_related("area")[:5]


def _street_or_error(area: Area) -> Area:
    street = street_of(area)
    if street is None:
        raise ValidationError({"area": _("Choose a street, a community or a building.")})
    return street


@transaction.atomic
def order_create(
    *,
    actor,
    channel: str,
    text: str,
    category: str,
    address: str = "",
    area=None,
    within=None,
    city_number: str = "",
    received_at: datetime.datetime | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    urgency: str = Urgency.NORMAL,
    deadline_class: str = "",
    person=None,
    source_request=None,
    source_report=None,
) -> WorkOrder:
    """One work order. `area` (picked by the operator) wins; else the address is matched under `within`
    (or the actor's area): a confident match sets the community/building, anything else lands in the
    street's triage list. Idempotent on (channel, city number): the same number again returns the order
    already filed. The area must lie inside the actor's scope (else "Unknown area.")."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown intake channel.")})
    cleaned = clean_fields(
        {
            "city_number": city_number or "-",
            "received_at": received_at or timezone.now(),
            "caller_name": caller_name,
            "caller_phone": caller_phone,
            "address": address,
            "category": category,
            "text": text,
            "deadline_class": deadline_class,
            "urgency": urgency,
        }
    )
    if category not in Category.values:
        cleaned.errors["category"] = _("Choose a category.")
    if cleaned.errors:
        raise ValidationError(cleaned.errors)
    f = cleaned.fields
    f["city_number"] = (city_number or "").strip()
    if f["city_number"]:
        existing = WorkOrder.objects.filter(channel=channel, city_number=f["city_number"]).first()
        if existing is not None:
            if (
                actor is not None
                and not WorkOrder.objects.visible_to(actor, "hotline.add_workorder")
                .filter(pk=existing.pk)
                .exists()
            ):
                raise ValidationError({"city_number": _("This order number is already filed elsewhere.")})
            return existing
    perm = "hotline.add_workorder"
    match = None
    if area is not None:
        area = area_for(actor, area, perm)
        street = _street_or_error(area)
        status = Status.TO_DISPATCH
    else:
        base = area_for(actor, within, perm, above_street=True) if within is not None else _home(actor)
        if base is None:
            raise ValidationError({"area": _("Choose the area of the address.")})
        base_street = (
            street_of(base) if Level.values.index(base.level) >= Level.values.index(Level.STREET) else None
        )
        match = match_address(f["address"], within=base, street=base_street)
        if match.confident:
            area = Area.objects.get(pk=match.area_id)
            street = _street_or_error(area)
            status = Status.TO_DISPATCH
        elif match.street_id or base_street:
            street = Area.objects.get(pk=match.street_id or base_street.pk)
            area = street
            status = Status.TRIAGE
        else:
            raise ValidationError({"address": _("The address names no street here: choose the area.")})
    dues = hpolicy.deadlines(
        category=f["category"], urgency=f["urgency"], received_at=f["received_at"], area=area
    )
    if person is not None:
        person = caller_person(actor, person)
        if person is None:
            raise ValidationError({"person": _("Unknown resident.")})
    elif f["caller_phone"]:
        found = list(caller_lookup(actor=actor, phone=f["caller_phone"])) if actor is not None else []
        person = found[0] if len(found) == 1 else None
    order = WorkOrder(
        area=area,
        street=street,
        channel=channel,
        status=status,
        person=person,
        match_score=match.score if match else None,
        place_id=match.place_id if match and match.confident else None,
        created_by=_user(actor),
        source_request=source_request,
        source_report=source_report,
        response_due=dues["response_due"],
        resolve_due=dues["resolve_due"],
        policy_versions=dues["policy_versions"],
        **f,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        raise ValidationError({"city_number": _("This order number is already filed.")}) from None
    audit(
        order,
        actor=actor,
        before=None,
        message=gettext_noop("Work order received (%(channel)s)"),
        params={"channel": msgid(Channel(channel).label)},
    )
    if status == Status.TRIAGE:
        HandlingEntry.objects.create(
            area_id=order.area_id,
            area_path=order.area_path,
            order=order,
            kind=HandlingEntry.Kind.NOTE,
            text=_("Address not matched: waits in the street's triage list."),
        )
    hooks.fire(order, event="created", old="", new=status, at=order.received_at)
    return order


def caller_person(actor, person):
    from fangkong.people.models import Person

    pk = getattr(person, "pk", person)
    qs = Person.objects.all()
    if actor is not None:
        paths = scope_paths(actor, "hotline.add_workorder")
        if paths is not ALL:
            qs = qs.filter(path_q("area_path", paths)) if paths else qs.none()
    try:
        return qs.get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        return None


def _home(actor) -> Area | None:
    if actor is None:
        return None
    paths = scope_paths(actor, "hotline.add_workorder")
    if paths is ALL:
        return Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    if not paths:
        return None
    return Area.objects.filter(path=min(paths, key=len)).first()


def order_from_support_request(*, actor, request) -> WorkOrder:
    """A closure's service request becomes a hotline order (its household is the area): idempotent, the
    request's order is filed once (channel support, number S<id>)."""
    from fangkong.support.models import Request

    pk = getattr(request, "pk", request)
    qs = (
        Request.objects.visible_to(actor, "support.view_request")
        if actor is not None
        else Request.objects.all()
    )
    try:
        req = qs.select_related("person").get(pk=pk)
    except (Request.DoesNotExist, ValueError, TypeError):
        raise ValidationError(_("Unknown service request.")) from None
    kind_category = {
        "medicine": Category.MEDICAL,
        "urgent_medical": Category.MEDICAL,
        "groceries": Category.SUPPLIES,
        "parcels": Category.SUPPLIES,
        "rubbish": Category.SANITATION,
    }
    return order_create(
        actor=actor,
        channel=Channel.SUPPORT,
        city_number=f"S{req.pk}",
        text=req.note or req.get_kind_display(),
        category=kind_category.get(req.kind, Category.CLOSURE),
        area=req.area,
        address=req.area.full_name()[:200],
        caller_name=req.person.name if req.person else "",
        caller_phone=req.contact_phone,
        urgency=Urgency.URGENT if req.urgent else Urgency.NORMAL,
        person=req.person,
        source_request=req,
    )


def order_from_health_report(*, actor, report) -> WorkOrder:
    """An observed household's daily report with needs or a complaint becomes a hotline order (channel
    observation, number O<id>), filed once."""
    from fangkong.observation.models import HealthReport

    pk = getattr(report, "pk", report)
    qs = (
        HealthReport.objects.visible_to(actor, "observation.view_healthreport")
        if actor is not None
        else HealthReport.objects.all()
    )
    try:
        rep = qs.select_related("order__person").get(pk=pk)
    except (HealthReport.DoesNotExist, ValueError, TypeError):
        raise ValidationError(_("Unknown health report.")) from None
    text = "；".join([*rep.need_labels(), rep.needs_note]).strip("；") or _(
        "Needs of a household under observation"
    )
    return order_create(
        actor=actor,
        channel=Channel.OBSERVATION,
        city_number=f"O{rep.pk}",
        text=text,
        category=Category.MEDICAL if "medicine" in (rep.needs or []) else Category.SUPPLIES,
        area=rep.area,
        address=rep.area.full_name()[:200],
        caller_name=rep.order.person.name,
        person=rep.order.person,
        source_report=rep,
    )


def masked_phone(phone: str) -> str:
    return mask_phone(phone) if phone else ""
