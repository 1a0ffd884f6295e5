import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from . import rules as R
from .models import Plan, Room, StaffMember, Violation, Workplace


class WorkplaceFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))
    violations = django_filters.BooleanFilter(method="filter_violations", label=_("with open violations"))

    class Meta:
        model = Workplace
        fields = ["type", "risk_grade", "open", "list_status", "dense"]

    def filter_violations(self, queryset, name, value):
        if value is None:
            return queryset
        from django.db.models import Exists, OuterRef

        has = Exists(Violation.objects.filter(workplace=OuterRef("pk"), resolved_at__isnull=True))
        return queryset.filter(has) if value else queryset.exclude(has)


class PlanFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Plan
        fields = ["workplace", "status", "source"]


class StaffFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    area = WithinAreaFilter(label=_("within area"))
    matched = django_filters.BooleanFilter(
        field_name="person", lookup_expr="isnull", exclude=True, label=_("matched to the registry")
    )

    class Meta:
        model = StaffMember
        fields = ["workplace", "shift", "room", "active"]


class RoomFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    underground = django_filters.BooleanFilter(field_name="dormitory__underground", label=_("underground"))

    class Meta:
        model = Room
        fields = ["workplace", "dormitory", "bunks"]


class ViolationFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    rule = django_filters.ChoiceFilter(choices=list(R.RULE_LABELS.items()), label=_("rule"))
    open = django_filters.BooleanFilter(field_name="resolved_at", lookup_expr="isnull", label=_("open only"))

    class Meta:
        model = Violation
        fields = ["workplace", "room"]
