"""Leak-test factories for the investigation (direct inserts; the services are tested on their own)."""

import datetime

from django.utils import timezone

from fangkong.core.testing import register_factory
from fangkong.people.tests.factories import make_person
from fangkong.tracing.models import Case, CaseLink, Cluster, Contact, RiskArea, ScreeningTask, TimelineEntry


@register_factory(Case)
def make_case(area, **extra):
    fields = {"person": make_person(area), "sample_date": timezone.localdate(), "lab": "区疾控中心", **extra}
    return Case.objects.create(area=area, **fields)


@register_factory(TimelineEntry)
def make_entry(area):
    return TimelineEntry.objects.create(
        area=area, case=make_case(area), day=timezone.localdate(), text="超市", source="told"
    )


@register_factory(Contact)
def make_contact(area):
    case = make_case(area)
    return Contact.objects.create(
        area=area, case=case, person=make_person(area), kind="household", evidence=[{"kind": "household"}]
    )


@register_factory(Cluster)
def make_cluster(area):
    return Cluster.objects.create(area=area, name="聚集性疫情")


@register_factory(CaseLink)
def make_link(area):
    return CaseLink.objects.create(
        area=area, source=make_case(area), case=make_case(area), kind="household", evidence="同住"
    )


@register_factory(ScreeningTask)
def make_task(area):
    ra = RiskArea.objects.create(
        region="某市", level="high", valid_from=timezone.now() - datetime.timedelta(days=3), source="通报"
    )
    return ScreeningTask.objects.create(
        area=area, person=make_person(area), risk_area=ra, action="observation"
    )
