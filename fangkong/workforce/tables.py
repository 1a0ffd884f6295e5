"""Tables of the workforce."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fangkong.gates.models import Post

from .models import Attendance, MissedCheckIn


class AttendanceTable(tables.Table):
    worker = tables.Column(verbose_name=_("worker"))
    post = tables.Column(accessor="shift__post__name", verbose_name=_("post"))
    shift_start = tables.DateTimeColumn(
        accessor="shift__start", verbose_name=_("shift starts"), format="m-d H:i"
    )
    checked_in_at = tables.DateTimeColumn(format="m-d H:i")
    checked_out_at = tables.DateTimeColumn(format="m-d H:i")

    class Meta:
        model = Attendance
        fields = ["worker", "post", "shift_start", "checked_in_at", "checked_out_at", "late", "source"]
        attrs = {"class": "table"}
        empty_text = _("No check-ins yet.")


class MissedCheckInTable(tables.Table):
    worker = tables.Column(verbose_name=_("worker"))
    post = tables.Column(accessor="shift__post__name", verbose_name=_("post"))
    shift_start = tables.DateTimeColumn(
        accessor="shift__start", verbose_name=_("shift starts"), format="m-d H:i"
    )
    flagged_at = tables.DateTimeColumn(format="m-d H:i")
    resolved_at = tables.DateTimeColumn(format="m-d H:i")

    class Meta:
        model = MissedCheckIn
        fields = ["worker", "post", "shift_start", "flagged_at", "resolved_at"]
        attrs = {"class": "table"}
        empty_text = _("No missed check-ins.")


class PostCoverTable(tables.Table):
    name = tables.Column(linkify=("workforce:post-code", {"post_pk": tables.A("pk")}))
    hours = tables.Column(accessor="hours_label", verbose_name=_("staffed hours"), orderable=False)

    class Meta:
        model = Post
        fields = ["name", "place", "duty", "staff_needed", "hours"]
        attrs = {"class": "table"}
        empty_text = _("Every post is covered.")
