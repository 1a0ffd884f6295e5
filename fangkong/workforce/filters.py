"""FilterSets of the workforce (pages and API alike)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter
from fangkong.gates.models import Post

from .models import Attendance, MissedCheckIn


class AttendanceFilter(ScopedFilterSet):
    day = dates.DateFilter(field_name="checked_in_at", lookup_expr="date", label=_("date"))
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Attendance
        fields = ["worker", "late"]


class MissedCheckInFilter(ScopedFilterSet):
    open = django_filters.BooleanFilter(
        field_name="resolved_at", lookup_expr="isnull", label=_("still missing")
    )
    day = dates.DateFilter(field_name="flagged_at", lookup_expr="date", label=_("date"))
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = MissedCheckIn
        fields = ["worker"]


class PostCoverFilter(ScopedFilterSet):
    """Posts; `uncovered=true` keeps those with staffed hours in the next 24 h short of workers."""

    uncovered = django_filters.BooleanFilter(method="filter_uncovered", label=_("uncovered in the next 24 h"))
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Post
        fields = ["duty"]

    def filter_uncovered(self, queryset, name, value):
        if value is None:
            return queryset
        from . import selectors

        ids = selectors.uncovered_post_ids(viewer=self.request.user if self.request else None)
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)
