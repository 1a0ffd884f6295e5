import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from .models import Case, Cluster, Contact, RiskArea, ScreeningTask, Whereabouts


class CaseFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="person__name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))
    sampled_from = dates.DateFilter(field_name="sample_date", lookup_expr="gte", label=_("sampled from"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("transfer overdue"))

    class Meta:
        model = Case
        fields = ["classification", "whereabouts", "source", "cluster"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = Q(transfer_deadline__lt=timezone.now(), transferred_at__isnull=True, whereabouts=Whereabouts.HOME)
        return queryset.filter(q) if value else queryset.exclude(q)


class ContactFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="person__name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Contact
        fields = ["state", "kind", "degree", "case"]


class TaskFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = ScreeningTask
        fields = ["action", "state", "risk_area"]


class ClusterFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Cluster
        fields = []


class RiskAreaFilter(django_filters.FilterSet):
    class Meta:
        model = RiskArea
        fields = ["level"]
