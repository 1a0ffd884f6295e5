"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, ScopedModelChoiceFilter, WithinAreaFilter
from fangkong.gates.models import Post

from . import selectors
from .models import (
    Assignment,
    Attendance,
    DeploymentRequest,
    Duty,
    MissedCheckIn,
    RegistrationLink,
    Skill,
    Worker,
)


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


# == rosters and attendance (wf2) ==


class AttendanceFilter(ScopedFilterSet):
    day = dates.DateFilter(field_name="checked_in_at", lookup_expr="date", label=_("date"))
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Attendance
        fields = ["worker", "late"]


class MissedCheckInFilter(ScopedFilterSet):
    open = django_filters.BooleanFilter(
        field_name="resolved_at", lookup_expr="isnull", label=pgettext_lazy("attendance", "still missing")
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
