"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, ScopedModelChoiceFilter, WithinAreaFilter

from . import selectors
from .models import Assignment, DeploymentRequest, Duty, RegistrationLink, Skill, Worker


class WorkerFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("search"), help_text=_("name, unit, full ID number or phone")
    )
    area = WithinAreaFilter(label=_("within area"))
    kind = django_filters.ChoiceFilter(choices=Worker.Kind.choices, label=_("kind"))
    level = django_filters.ChoiceFilter(choices=Worker.Level.choices, label=_("level"))
    status = django_filters.ChoiceFilter(choices=Worker.Status.choices, label=_("status"))
    health_status = django_filters.ChoiceFilter(choices=Worker.Health.choices, label=_("health"))
    skill = django_filters.ChoiceFilter(choices=Skill.choices, method="filter_skill", label=_("skill"))
    home_unit = django_filters.CharFilter(lookup_expr="icontains", label=_("home unit (派出单位)"))
    assigned = django_filters.BooleanFilter(method="filter_assigned", label=_("on an assignment"))

    class Meta:
        model = Worker
        fields = ["q", "area", "kind", "level", "status", "health_status", "skill", "home_unit", "assigned"]

    def search(self, qs, name, value):
        return selectors.worker_search(qs, value)

    def filter_skill(self, qs, name, value):
        # A JSON list of keys: matched as text so that SQLite (make run) filters it too.
        return qs.filter(skills__icontains=f'"{value}"') if value else qs

    def filter_assigned(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(selectors.on_assignment()) if value else qs.exclude(selectors.on_assignment())


class RegistrationFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    kind = django_filters.ChoiceFilter(choices=Worker.Kind.choices, label=_("kind"))

    class Meta:
        model = Worker
        fields = ["area", "kind"]


class LinkFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = RegistrationLink
        fields = ["area", "kind"]


class RequestFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    status = django_filters.ChoiceFilter(choices=DeploymentRequest.Status.choices, label=_("status"))
    start_after = dates.DateFilter(field_name="start", lookup_expr="gte", label=_("from"))

    class Meta:
        model = DeploymentRequest
        fields = ["area", "status", "start_after"]


class AssignmentFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    worker = ScopedModelChoiceFilter(label=_("worker"))
    duty = django_filters.ChoiceFilter(choices=Duty.choices, label=_("duty"))
    open = django_filters.BooleanFilter(field_name="end", lookup_expr="isnull", label=_("still open"))

    class Meta:
        model = Assignment
        fields = ["area", "worker", "duty", "open"]
