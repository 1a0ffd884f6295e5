import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedFilterSet, WithinAreaFilter

from .models import FollowUp, Pass, Post, PostShift, ReturneeNotice, ScanEvent, Seal


class ScanFilter(ScopedFilterSet):
    day = dates.DateFilter(field_name="scanned_at", lookup_expr="date", label=_("date"))
    since = dates.DateTimeFilter(field_name="scanned_at", lookup_expr="gte", label=_("since"))
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = ScanEvent
        fields = ["place", "verdict", "direction", "entry", "person"]


class RefusalFilter(ScanFilter):
    verdict = django_filters.ChoiceFilter(
        choices=[("deny", _("deny")), ("refer", _("refer"))], label=_("verdict")
    )


class PassFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    revoked = django_filters.BooleanFilter(
        field_name="revoked_at", lookup_expr="isnull", exclude=True, label=_("revoked")
    )
    expiring_by = django_filters.DateFilter(method="filter_expiring", label=_("expiring by"))

    class Meta:
        model = Pass
        fields = ["person", "number"]

    def filter_expiring(self, queryset, name, value):
        """Passes still in force that end on or before that day (the workbench's passes expiring)."""
        from django.utils import timezone

        if value is None:
            return queryset
        return queryset.filter(
            revoked_at__isnull=True, valid_to__gte=timezone.now(), valid_to__date__lte=value
        )


class ReturneeFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = ReturneeNotice
        fields = ["stage", "decision", "submitted_by", "tracking_code"]


class FollowUpFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = FollowUp
        fields = ["status", "reason"]


class SealFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    active = django_filters.BooleanFilter(
        field_name="removed_at", lookup_expr="isnull", label=_("on the door")
    )

    class Meta:
        model = Seal
        fields = ["reason"]


class PostFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))

    class Meta:
        model = Post
        fields = ["kind", "place", "active"]


class ShiftFilter(ScopedFilterSet):
    area = WithinAreaFilter(label=_("within area"))
    day = dates.DateFilter(field_name="start", lookup_expr="date", label=_("date"))

    class Meta:
        model = PostShift
        fields = ["post", "volunteer"]
