import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from .models import OPEN_STATES, Closure, DoorKnock, Request


class ClosureFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    open = django_filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull", label=_("open only"))

    class Meta:
        model = Closure
        fields = []


class RequestFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open only"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue only"))
    q = django_filters.CharFilter(method="filter_q", label=_("note or resident"))

    class Meta:
        model = Request
        fields = ["closure", "kind", "state", "source", "vulnerable", "urgent"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(state__in=OPEN_STATES) if value else queryset.exclude(state__in=OPEN_STATES)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(state__in=OPEN_STATES, deadline__lt=timezone.now())

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(note__icontains=value) | Q(person__name__icontains=value))


class KnockFilter(ScopedFilterSet):
    class Meta:
        model = DoorKnock
        fields = ["closure", "outcome", "vulnerable", "no_phone"]
