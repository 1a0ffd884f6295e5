"""Reads of the Open311 interface: the service list (our categories) and the requests an integration may
see — the orders of the street it files into, whatever channel they came by (GeoReport lets a client
follow every request of its jurisdiction), never another street's."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from .models import Category, Dispatch, Integration, Status, WorkOrder
from .open311 import iso


def service_catalogue() -> list[dict]:
    return [
        {"code": str(code), "name": str(label), "group": _("12345 hotline")}
        for code, label in Category.choices
    ]


def open311_orders(integration: Integration) -> QuerySet:
    lead_unit = Dispatch.objects.filter(
        order=OuterRef("pk"), lead=True, returned_at__isnull=True, withdrawn_at__isnull=True
    ).values("unit__name")[:1]
    return WorkOrder.objects.filter(area_path__startswith=integration.area_path).annotate(
        agency=Subquery(lead_unit)
    )


def request_json(order: WorkOrder) -> dict:
    closed = order.status == Status.CLOSED
    return {
        "service_request_id": order.pk,
        "status": "closed" if closed else "open",
        "status_notes": (order.reply or None) if closed else None,
        "service_name": order.get_category_display(),
        "service_code": order.category,
        "description": order.text,
        "agency_responsible": getattr(order, "agency", None),
        "service_notice": None,
        "requested_datetime": iso(order.received_at),
        "updated_datetime": iso(order.updated_at),
        "expected_datetime": iso(order.resolve_due),
        "address": order.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
