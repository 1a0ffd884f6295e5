"""Leak-test factories of wp2's models (direct inserts; the services are tested on their own)."""

import datetime
import itertools

from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core.testing import register_factory
from fangkong.workplaces.models import (
    Checklist,
    Inspection,
    InspectionPhoto,
    LedgerItem,
    MissingReportAlert,
    ReportLink,
    Workplace,
    ZeroReport,
)

_n = itertools.count(1)


def wp_workplace(area, **extra) -> Workplace:
    """A workplace on `area` (its own place), open, 20 staff."""
    n = next(_n)
    place = Place.objects.create(
        area=area, area_path=area.path, kind="workplace", name=f"{area.name}企业{n}", contact_name="联系人"
    )
    fields = {"name": place.name, "type": "factory", "staff_count": 20, **extra}
    return Workplace.objects.create(area=area, area_path=area.path, place=place, **fields)


def _wp(area, extra):
    return extra.pop("workplace", None) or wp_workplace(area)


@register_factory(ReportLink)
def make_report_link(area, **extra):
    w = _wp(area, extra)
    return ReportLink.objects.create(
        area=w.area, workplace=w, expires_at=timezone.now() + datetime.timedelta(days=30), **extra
    )


@register_factory(ZeroReport)
def make_zero_report(area, **extra):
    w = _wp(area, extra)
    fields = {"date": timezone.localdate(), "staff_total": 20, "staff_on_site": 8, "channel": "link", **extra}
    return ZeroReport.objects.create(area=w.area, workplace=w, **fields)


@register_factory(MissingReportAlert)
def make_missing_alert(area, **extra):
    w = _wp(area, extra)
    return MissingReportAlert.objects.create(
        area=w.area, workplace=w, date=timezone.localdate(), deadline=timezone.now(), **extra
    )


def _checklist(wtype="factory"):
    return Checklist.objects.filter(workplace_type=wtype).order_by(
        "-version"
    ).first() or Checklist.objects.create(
        workplace_type=wtype, version=1, items=[{"key": "ventilation", "zh": "通风", "en": "ventilation"}]
    )


@register_factory(Inspection)
def make_inspection(area, **extra):
    w = _wp(area, extra)
    return Inspection.objects.create(
        area=w.area, workplace=w, checklist=_checklist(w.type), results={"ventilation": False}, **extra
    )


@register_factory(InspectionPhoto)
def make_inspection_photo(area, **extra):
    from django.core.files.base import ContentFile

    inspection = make_inspection(area)
    photo = InspectionPhoto(area=inspection.area, inspection=inspection, caption="门口")
    photo.file.save("x.jpg", ContentFile(b"\xff\xd8\xff\xe0fake"), save=False)
    photo.save()
    return photo


@register_factory(LedgerItem)
def make_ledger_item(area, **extra):
    inspection = make_inspection(area)
    fields = {
        "item_key": "ventilation",
        "finding": "未按要求通风",
        "deadline": timezone.localdate() + datetime.timedelta(days=3),
        "responsible": "负责人",
        **extra,
    }
    return LedgerItem.objects.create(
        area=inspection.area, workplace=inspection.workplace, inspection=inspection, **fields
    )
