import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from .models import Area, Place


class AreaFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=pgettext_lazy("place", "name")
    )
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("parent"))
    within = django_filters.CharFilter(field_name="path", lookup_expr="startswith", label=_("within path"))

    class Meta:
        model = Area
        fields = ["level", "kind", "code"]


class PlaceFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=pgettext_lazy("place", "name")
    )
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Place
        fields = ["kind", "active"]
