"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area

from . import selectors
from .models import Person, PersonStatus, StatusChange, Visit, VulnerableEntry


class AreaWithinFilter(django_filters.NumberFilter):
    """?area=<id>: records anywhere below that area (a path prefix; the scope still applies)."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        area = Area.objects.filter(pk=value).only("path").first()
        return qs.filter(area_path__startswith=area.path) if area else qs.none()


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("search"), help_text=_("name, pinyin initials, full ID number or phone")
    )
    area = AreaWithinFilter(label=_("within area"))
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


class StatusChangeFilter(django_filters.FilterSet):
    area = AreaWithinFilter(label=_("within area"))
    person = django_filters.NumberFilter(field_name="person_id", label=_("resident"))
    since_after = django_filters.DateFilter(field_name="since", lookup_expr="date__gte", label=_("since"))

    class Meta:
        model = StatusChange
        fields = ["person", "status", "area"]


class VulnerableEntryFilter(django_filters.FilterSet):
    area = AreaWithinFilter(label=_("community"))
    person = django_filters.NumberFilter(field_name="person_id", label=_("resident"))

    class Meta:
        model = VulnerableEntry
        fields = ["area", "category", "active", "person"]


class VisitFilter(django_filters.FilterSet):
    area = AreaWithinFilter(label=_("within area"))
    entry = django_filters.NumberFilter(field_name="entry_id", label=_("ledger entry"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from"))

    class Meta:
        model = Visit
        fields = ["entry", "channel", "area"]
