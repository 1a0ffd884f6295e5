import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.gates.models import Post

from .models import Assignment, Attendance, DeploymentRequest, MissedCheckIn, RegistrationLink, Worker


class WorkerTable(tables.Table):
    """Lists and exports show only masked numbers: the clear value needs a logged reveal."""

    name = tables.Column(linkify=("workforce:worker-detail", {"pk": tables.A("pk")}))
    id_masked = tables.Column(verbose_name=_("document number"))
    phone_masked = tables.Column(verbose_name=_("phone"))
    skills = tables.Column(verbose_name=_("skills"), orderable=False)
    area = tables.Column(verbose_name=pgettext_lazy("workforce", "team"), accessor="area__name")

    class Meta:
        model = Worker
        fields = [
            "name",
            "kind",
            "level",
            "home_unit",
            "id_masked",
            "phone_masked",
            "skills",
            "area",
            "health_status",
            "status",
        ]
        attrs = {"class": "table", "id": "worker-table"}
        row_attrs = {"data-id": lambda record: record.pk}
        empty_text = _("No workers.")

    def render_skills(self, record):
        return "、".join(record.skill_labels()) or "—"

    def value_skills(self, record):
        return "、".join(record.skill_labels())


class RegistrationTable(tables.Table):
    name = tables.Column(linkify=("workforce:worker-detail", {"pk": tables.A("pk")}))
    phone_masked = tables.Column(verbose_name=_("phone"))
    area = tables.Column(verbose_name=_("community"), accessor="area__name")
    created_at = tables.DateTimeColumn(verbose_name=_("registered at"), format="Y-m-d H:i")
    review = tables.TemplateColumn(
        template_name="workforce/_review_buttons.html",
        verbose_name=_("review"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Worker
        fields = ["name", "kind", "phone_masked", "home_unit", "area", "created_at", "review"]
        attrs = {"class": "table", "id": "registration-table"}
        empty_text = _("No registrations to review.")


class LinkTable(tables.Table):
    title = tables.Column(
        verbose_name=_("link"), accessor="pk", linkify=("workforce:link-detail", {"pk": tables.A("pk")})
    )
    area = tables.Column(verbose_name=_("community"), accessor="area__name")
    expires_at = tables.DateTimeColumn(format="Y-m-d H:i")
    revoked_at = tables.DateTimeColumn(format="Y-m-d H:i")
    registered = tables.Column(verbose_name=_("registrations"), orderable=False)

    class Meta:
        model = RegistrationLink
        fields = ["title", "kind", "area", "expires_at", "revoked_at", "registered"]
        attrs = {"class": "table", "id": "link-table"}
        empty_text = _("No registration links.")

    def render_title(self, record):
        return str(record)

    def value_title(self, record):
        return str(record)


class RequestTable(tables.Table):
    area = tables.Column(
        verbose_name=_("street or community"),
        accessor="area__name",
        linkify=("workforce:request-detail", {"pk": tables.A("pk")}),
    )
    duties = tables.Column(verbose_name=_("duties"), orderable=False)
    start = tables.DateColumn(format="Y-m-d")
    end = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = DeploymentRequest
        fields = ["area", "count", "duties", "start", "end", "status", "note"]
        attrs = {"class": "table", "id": "request-table"}
        empty_text = _("No deployment requests.")

    def render_duties(self, record):
        return "、".join(record.duty_labels()) or "—"

    def value_duties(self, record):
        return "、".join(record.duty_labels())


class AssignmentTable(tables.Table):
    worker = tables.Column(
        verbose_name=_("worker"),
        accessor="worker__name",
        linkify=("workforce:worker-detail", {"pk": tables.A("worker_id")}),
    )
    area = tables.Column(verbose_name=_("community"), accessor="area__name")
    start = tables.DateColumn(format="Y-m-d")
    end = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Assignment
        fields = ["worker", "area", "duty", "start", "end"]
        attrs = {"class": "table", "id": "assignment-table"}
        empty_text = _("No assignments.")


# == rosters and attendance (wf2) ==


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
