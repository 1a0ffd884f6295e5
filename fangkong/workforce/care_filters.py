"""FilterSets of care and health, shared by the pages and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from . import care_selectors
from .models import CareIssue, Insurance, RestDay, Worker, WorkerHealthReport


class InsuranceFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="worker__name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))
    valid_on = dates.DateFilter(method="filter_valid_on", label=_("valid on"))
    policy_number = django_filters.CharFilter(lookup_expr="icontains", label=_("policy number"))

    class Meta:
        model = Insurance
        fields = ["insurer"]

    def filter_valid_on(self, qs, name, value):
        return qs.filter(start__lte=value, end__gte=value) if value else qs


class CareIssueFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    since = dates.DateFilter(field_name="date", lookup_expr="gte", label=_("since"))
    until = dates.DateFilter(field_name="date", lookup_expr="lte", label=_("until"))

    class Meta:
        model = CareIssue
        fields = ["date", "post"]


class RestDayFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="worker__name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))
    since = dates.DateFilter(field_name="date", lookup_expr="gte", label=_("since"))

    class Meta:
        model = RestDay
        fields = ["taken", "date"]


class WorkerCareFilter(ScopedFilterSet):
    """The care overview of workers: rest days overdue, uninsured on an assignment, health."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))
    rest_overdue = django_filters.BooleanFilter(method="filter_rest_overdue", label=_("rest days overdue"))
    uninsured = django_filters.BooleanFilter(method="filter_uninsured", label=_("no valid insurance"))

    class Meta:
        model = Worker
        fields = ["kind", "health_status", "status"]

    def filter_rest_overdue(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(rest_overdue__gt=0) if value else qs.filter(rest_overdue=0)

    def filter_uninsured(self, qs, name, value):
        if value is None:
            return qs
        day = timezone.localdate()
        flagged = care_selectors.uninsured(Worker.objects.all(), day).values("pk")
        return qs.filter(pk__in=flagged) if value else qs.exclude(pk__in=flagged)


class HealthReportFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="worker__name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = WorkerHealthReport
        fields = ["date", "flagged", "fever"]
