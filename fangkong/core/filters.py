import django_filters
from django.utils.translation import gettext_lazy as _

from . import dates
from .models import ChangeLog, SensitiveAccess


class ChangeLogFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="object_repr", lookup_expr="icontains", label=_("object"))
    user = django_filters.NumberFilter(field_name="user_id", label=_("user"))
    object_id = django_filters.CharFilter(label=_("object id"))
    content_type = django_filters.NumberFilter(field_name="content_type_id", label=_("object type"))
    request_id = django_filters.CharFilter(label=_("request id"))
    since = dates.DateFilter(field_name="time", lookup_expr="date__gte", label=_("since"))

    class Meta:
        model = ChangeLog
        fields = ["action"]


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.NumberFilter(field_name="user_id", label=_("user"))
    q = django_filters.CharFilter(field_name="object_repr", lookup_expr="icontains", label=_("whose"))

    class Meta:
        model = SensitiveAccess
        fields = ["field"]
