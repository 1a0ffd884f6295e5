"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, ScopedModelChoiceFilter, WithinAreaFilter

from . import selectors
from .models import ImportBatch, Person, PersonStatus, StatusChange, Visit, VulnerableEntry

# An active ledger entry not visited within this many days is due a visit (the workbench's line).
VISIT_EVERY_DAYS = 7


class PersonFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("search"), help_text=_("name, pinyin initials, full ID number or phone")
    )
    area = WithinAreaFilter(label=_("within area"))
    status = django_filters.ChoiceFilter(choices=PersonStatus.choices, label=_("status"))
    category = django_filters.ChoiceFilter(
        choices=VulnerableEntry.Category.choices, method="filter_category", label=_("vulnerable category")
    )
    person_type = django_filters.ChoiceFilter(choices=Person.Type.choices, label=_("type"))
    return_status = django_filters.ChoiceFilter(choices=Person.Return.choices, label=_("return status"))

    class Meta:
        model = Person
        fields = ["q", "area", "status", "category", "person_type", "return_status"]

    def search(self, qs, name, value):
        return selectors.person_search(qs, value)

    def filter_category(self, qs, name, value):
        return selectors.person_list_category(qs, value)


class StatusChangeFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    person = ScopedModelChoiceFilter(label=_("resident"))
    since_after = dates.DateFilter(field_name="since", lookup_expr="date__gte", label=_("since"))

    class Meta:
        model = StatusChange
        fields = ["person", "status", "area"]


class VulnerableEntryFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("community"))
    person = ScopedModelChoiceFilter(label=_("resident"))
    visit_due = django_filters.BooleanFilter(method="filter_visit_due", label=_("visit due"))

    class Meta:
        model = VulnerableEntry
        fields = ["area", "category", "active", "person"]

    def filter_visit_due(self, qs, name, value):
        """Active entries with no visit in the last VISIT_EVERY_DAYS days."""
        import datetime

        from django.db.models import Exists, OuterRef
        from django.utils import timezone

        if not value:
            return qs
        since = timezone.localdate() - datetime.timedelta(days=VISIT_EVERY_DAYS)
        recent = Visit.objects.filter(entry=OuterRef("pk"), date__gt=since)
        return qs.filter(active=True).exclude(Exists(recent))


class ImportBatchFilter(ScopedFilterSet):
    class Meta:
        model = ImportBatch
        fields = ["state"]


class VisitFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    entry = ScopedModelChoiceFilter(label=_("ledger entry"))
    date_after = dates.DateFilter(field_name="date", lookup_expr="gte", label=_("from"))

    class Meta:
        model = Visit
        fields = ["entry", "channel", "area"]
