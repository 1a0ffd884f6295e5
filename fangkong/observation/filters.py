import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from .models import Alert, HealthReport, ObservationOrder, Room, SickLeaveReport, SiteMember, Stay


class OrderFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="person__name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open only"))
    ends_before = dates.DateFilter(field_name="planned_end", lookup_expr="lte", label=_("ends by"))
    running_on = dates.DateFilter(method="filter_running_on", label=_("running on"))

    class Meta:
        model = ObservationOrder
        fields = ["order_type", "reason", "status"]

    def filter_open(self, queryset, name, value):
        from .models import OPEN_STATUSES

        if value is None:
            return queryset
        return (
            queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)
        )

    def filter_running_on(self, queryset, name, value):
        """Orders running at the end of that day (the leadership briefing counts the same)."""
        import datetime

        from django.utils import timezone

        from .figures import running_q

        if value is None:
            return queryset
        end = timezone.make_aware(
            datetime.datetime.combine(value + datetime.timedelta(days=1), datetime.time())
        )
        return queryset.filter(running_q(value, end))


class AlertFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Alert
        fields = ["kind", "status", "date"]


class ReportFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    order = django_filters.NumberFilter(field_name="order_id", label=_("order"))

    class Meta:
        model = HealthReport
        fields = ["date", "reporter", "channel", "needs_done"]


class SiteMemberFilter(ScopedFilterSet):
    site = django_filters.NumberFilter(field_name="site_id", label=_("site"))

    class Meta:
        model = SiteMember
        fields = ["team"]


class RoomFilter(ScopedFilterSet):
    site = django_filters.NumberFilter(field_name="site_id", label=_("site"))

    class Meta:
        model = Room
        fields = ["floor", "active"]


class StayFilter(ScopedFilterSet):
    site = django_filters.NumberFilter(field_name="site_id", label=_("site"))
    # The workbench's stays to discharge: the order behind the stay ends by that day.
    discharge_by = django_filters.DateFilter(
        field_name="order__planned_end", lookup_expr="lte", label=_("order ends by")
    )

    class Meta:
        model = Stay
        fields = ["outcome"]


class SickLeaveFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = SickLeaveReport
        fields = ["date"]
