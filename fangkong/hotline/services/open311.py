"""Writes of the Open311 interface: integrations (API keys) and POSTed service requests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core import audit
from fangkong.core.scoping import user_can_see_path

from ..models import Channel, Integration, WorkOrder
from ..open311 import key_hash, key_prefix_of, new_key

PERM_MANAGE = "hotline.add_integration"


@transaction.atomic
def integration_create(*, actor, name: str, street_id: int) -> tuple[Integration, str]:
    """A new integration filing into a street (or one community: a community's own app); returns it and
    its API key, shown this once (only a hash is kept). `actor=None` is the system (the demo)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the integration a name.")})
    street = Area.objects.filter(pk=street_id, level__in=(Level.STREET, Level.COMMUNITY)).first()
    if street is None or (actor is not None and not user_can_see_path(actor, PERM_MANAGE, street.path)):
        raise ValidationError({"street": _("Choose a street or a community of your area.")})
    key, prefix, digest = new_key()
    integration = Integration.objects.create(
        area=street, name=name[:100], key_prefix=prefix, key_hash=digest, created_by=actor if actor else None
    )
    audit.record(integration, "create", actor=actor, message=gettext_noop("Open311 integration created"))
    return integration, key


@transaction.atomic
def integration_revoke(*, actor, integration_id: int) -> Integration:
    integration = Integration.objects.select_for_update().filter(pk=integration_id).first()
    if integration is None or not user_can_see_path(
        actor, "hotline.change_integration", integration.area_path
    ):
        raise ValidationError(_("No such integration."))
    if integration.active:
        before = audit.snapshot(integration)
        integration.active = False
        integration.revoked_at = timezone.now()
        integration.save(update_fields=["active", "revoked_at", "updated_at"])
        audit.record(
            integration,
            "update",
            actor=actor,
            before=before,
            message=gettext_noop("Open311 integration revoked"),
        )
    return integration


def integration_for_key(key: str) -> Integration | None:
    """The active integration of an API key, or None (unknown, malformed or revoked alike)."""
    prefix = key_prefix_of(key)
    if prefix is None:
        return None
    integration = Integration.objects.filter(key_prefix=prefix, active=True).select_related("area").first()
    if integration is None or integration.key_hash != key_hash(key):
        return None
    Integration.objects.filter(pk=integration.pk).update(last_used_at=timezone.now())
    return integration


def open311_request_create(*, integration: Integration, data, client_key: str = ""):
    """A POSTed service request becomes a work order of channel open311 through the intake service (the
    same validation, address matching under the integration's street, and triage when the address is
    not matched). With a client key (the Idempotency-Key header or attribute[request_id]) a retried
    POST answers the first order: the order number is "<key prefix>:<client key>", unique per channel.
    Returns (order, created)."""
    from .intake import order_create

    client_key = (client_key or "").strip()
    if len(client_key) > 31 or (client_key and not client_key.isprintable()):
        raise ValidationError({"request_id": _("An idempotency key of at most 31 printable characters.")})
    number = f"{integration.key_prefix}:{client_key}" if client_key else ""
    if number and WorkOrder.objects.filter(channel=Channel.OPEN311, city_number=number).exists():
        return WorkOrder.objects.get(channel=Channel.OPEN311, city_number=number), False
    name = " ".join(
        p for p in ((data.get("first_name") or "").strip(), (data.get("last_name") or "").strip()) if p
    )
    address = (data.get("address_string") or "").strip()
    lat, lon = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    text = (data.get("description") or "").strip()
    if not address and lat and lon:
        text = f"{text}\n（{lat}, {lon}）".strip()
    order = order_create(
        actor=None,
        channel=Channel.OPEN311,
        text=text,
        category=(data.get("service_code") or "").strip(),
        address=address,
        within=integration.area,
        city_number=number,
        caller_name=name[:50],
        caller_phone=(data.get("phone") or "").strip(),
    )
    return order, True
