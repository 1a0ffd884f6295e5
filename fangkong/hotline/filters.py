import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, ScopedModelChoiceFilter, WithinAreaFilter

from . import policy as hpolicy
from .models import Category, Channel, Rating, Status, Unit, Urgency, WorkOrder


class OrderFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("number, address or text"))
    area = WithinAreaFilter(label=_("within area"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=pgettext_lazy("intake", "channel"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("urgency"))
    stage = django_filters.ChoiceFilter(
        method="filter_stage",
        label=_("stage"),
        choices=[
            ("to_dispatch", _("to dispatch")),
            ("to_answer", _("to answer")),
            ("callback", _("callbacks to make")),
            ("open", _("open")),
        ],
    )
    due = django_filters.ChoiceFilter(
        method="filter_due",
        label=_("deadline"),
        choices=[("overdue", _("overdue")), ("due_soon", _("about to be overdue"))],
    )
    rating = django_filters.ChoiceFilter(choices=Rating.choices, label=_("rating"))
    unit = extend_schema_field(OpenApiTypes.INT)(  # a unit id; the schema cannot infer it through the method
        ScopedModelChoiceFilter(
            lookup="hotline.unit", method="filter_unit", label=_("unit"), queryset=Unit.objects.all()
        )
    )
    received_from = dates.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("received from")
    )
    received_to = dates.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("received until")
    )

    class Meta:
        model = WorkOrder
        fields = []

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(city_number=value) | Q(address__contains=value) | Q(text__contains=value))

    def filter_stage(self, qs, name, value):
        if value == "to_dispatch":
            return qs.filter(status__in=[Status.TO_DISPATCH, Status.REOPENED])
        if value == "to_answer":
            return qs.filter(status__in=[Status.DISPATCHED, Status.IN_PROGRESS, Status.WAITING_CALLER])
        if value == "callback":
            return qs.filter(status=Status.CLOSED, rating="")
        if value == "open":
            from .models import OPEN_STATUSES

            return qs.filter(status__in=OPEN_STATUSES)
        return qs

    def filter_due(self, qs, name, value):
        from .services.escalation import due_soon_q, overdue_q

        now = timezone.now()
        if value == "overdue":
            return qs.filter(overdue_q(now))
        if value == "due_soon":
            return qs.filter(due_soon_q(now, hpolicy.due_soon_hours()))
        return qs

    def filter_unit(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(
            dispatches__unit=value,
            dispatches__returned_at__isnull=True,
            dispatches__withdrawn_at__isnull=True,
        ).distinct()


class UnitFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    name = django_filters.CharFilter(lookup_expr="contains", label=pgettext_lazy("not a person", "name"))

    class Meta:
        model = Unit
        fields = ["kind", "active"]
