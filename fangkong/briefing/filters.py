import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet

from .models import Briefing, FigureValue, Item


class BriefingFilter(ScopedFilterSet):
    date = dates.DateFilter(field_name="date", label=_("date"))
    since = dates.DateFilter(field_name="date", lookup_expr="gte", label=_("date from"))
    until = dates.DateFilter(field_name="date", lookup_expr="lte", label=_("date to"))

    class Meta:
        model = Briefing
        fields = ["date", "since", "until", "state"]


class FigureValueFilter(ScopedFilterSet):
    class Meta:
        model = FigureValue
        fields = ["briefing", "key", "level", "date", "area"]


class ItemFilter(ScopedFilterSet):
    open = django_filters.BooleanFilter(method="filter_open", label=_("open only"))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        q = {"state__in": [Item.State.OPEN, Item.State.IN_PROGRESS]}
        return queryset.filter(**q) if value else queryset.exclude(**q)

    class Meta:
        model = Item
        fields = ["briefing", "kind", "state"]
