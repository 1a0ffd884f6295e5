"""FilterSets of zero reports, missing alerts, inspections and ledger items (UI and API)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from .models import (
    Inspection,
    LedgerItem,
    MissingReportAlert,
    ReportLink,
    Workplace,
    WorkplaceType,
    ZeroReport,
)


class ZeroReportFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    date = dates.DateFilter(field_name="date", label=_("report date"))
    type = django_filters.ChoiceFilter(
        field_name="workplace__type", choices=WorkplaceType.choices, label=_("type")
    )
    with_absences = django_filters.BooleanFilter(
        field_name="absent_sick", method="filter_absences", label=_("with absences for illness")
    )

    class Meta:
        model = ZeroReport
        fields = ["date", "channel"]

    def filter_absences(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(absent_sick__gt=0) if value else queryset.filter(absent_sick=0)


class MissingReportFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    date = dates.DateFilter(field_name="date", label=_("report date"))
    open = django_filters.BooleanFilter(
        field_name="resolved_at", lookup_expr="isnull", label=_("still missing")
    )

    class Meta:
        model = MissingReportAlert
        fields = ["date"]


class ReportLinkFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = ReportLink
        fields: list = []


class InspectionFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    since = dates.DateFilter(field_name="at", lookup_expr="date__gte", label=_("since"))

    class Meta:
        model = Inspection
        fields: list = []


class LedgerItemFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open only"))
    due_by = dates.DateFilter(field_name="deadline", lookup_expr="lte", label=_("due by"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = LedgerItem
        fields = ["status"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        closed = LedgerItem.Status.CLOSED
        return queryset.exclude(status=closed) if value else queryset.filter(status=closed)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.exclude(status=LedgerItem.Status.CLOSED).filter(deadline__lt=timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class ReportDueFilter(ScopedFilterSet):
    """Open workplaces whose zero report of a day is not in (the contact's and the street's to-do)."""

    area = WithinAreaFilter(label=_("within area"))
    due = dates.DateFilter(method="filter_due", label=_("no report on"))

    class Meta:
        model = Workplace
        fields = ["type"]

    def filter_due(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(open=True).exclude(zero_reports__date=value)
