import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from .models import Box, Campaign, LabResult, RetestItem, Sample, Site, TargetPerson, TransferTask, Tube


class CampaignFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Campaign
        fields = ["state", "regime"]


class SiteFilter(ScopedFilterSet):
    class Meta:
        model = Site
        fields = ["campaign", "kind", "closed"]


class TubeFilter(ScopedFilterSet):
    barcode = django_filters.CharFilter(field_name="barcode", lookup_expr="iexact", label=_("barcode"))

    class Meta:
        model = Tube
        fields = ["campaign", "site", "state"]


class SampleFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Sample
        fields = ["campaign", "tube"]


class BoxFilter(ScopedFilterSet):
    class Meta:
        model = Box
        fields = ["campaign", "site", "state"]


class ResultFilter(ScopedFilterSet):
    class Meta:
        model = LabResult
        fields = ["result", "tube"]


class RetestFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    open = django_filters.BooleanFilter(
        field_name="done_at", lookup_expr="isnull", label=_("still to re-sample")
    )

    class Meta:
        model = RetestItem
        fields = ["campaign", "community"]


class TransferFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = TransferTask
        fields = ["campaign", "state"]


class TargetFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    q = django_filters.CharFilter(field_name="person__name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = TargetPerson
        fields = ["campaign", "state", "result"]
