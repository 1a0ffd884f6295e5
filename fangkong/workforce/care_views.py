"""Pages of care and health (issue 20), thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import dates
from fangkong.core.views import ScopedListView, form_errors, service_form_page

from . import care_forms as forms
from . import care_selectors, figures, services
from .care_filters import (
    CareIssueFilter,
    HealthReportFilter,
    InsuranceFilter,
    RestDayFilter,
    WorkerCareFilter,
)
from .care_tables import CareIssueTable, HealthReportTable, InsuranceTable, RestDayTable, WorkerCareTable
from .models import CareIssue, Insurance, RestDay, Worker, WorkerHealthReport

FORM = "workforce/care/form.html"


def _need(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


class InsuranceListView(ScopedListView):
    model = Insurance
    filterset_class = InsuranceFilter
    table_class = InsuranceTable
    export_name = "workforce-insurance"
    title = gettext_lazy("Insurance")
    actions = [(gettext_lazy("Enrol insurance"), "workforce:insurance-add", "workforce.add_insurance")]

    def base_queryset(self):
        return Insurance.objects.select_related("worker", "area")


@login_required
def insurance_add(request):
    _need(request, "workforce.add_insurance")
    form = forms.InsuranceForm(request.POST or None, viewer=request.user)
    return service_form_page(
        request,
        form,
        lambda data: services.insurance_enrol(actor=request.user, **data),
        template=FORM,
        title=_("Enrol insurance"),
        success_url=reverse("workforce:insurance-list"),
    )


class CareIssueListView(ScopedListView):
    model = CareIssue
    filterset_class = CareIssueFilter
    table_class = CareIssueTable
    export_name = "workforce-meals-equipment"
    title = gettext_lazy("Meals and equipment issued")
    actions = [
        (gettext_lazy("Record what was issued"), "workforce:care-issue-add", "workforce.add_careissue")
    ]

    def base_queryset(self):
        return CareIssue.objects.select_related("post", "area", "issued_by")


@login_required
def care_issue_add(request):
    """The phone form at the post: today's counts of meals, masks, suits and gloves."""
    _need(request, "workforce.add_careissue")
    form = forms.CareIssueForm(request.POST or None, viewer=request.user)
    return service_form_page(
        request,
        form,
        lambda data: services.care_issue_record(actor=request.user, **data),
        template=FORM,
        title=_("Record what was issued"),
        success_url=reverse("workforce:care-issue-list"),
    )


class RestDayListView(ScopedListView):
    model = RestDay
    filterset_class = RestDayFilter
    table_class = RestDayTable
    export_name = "workforce-rest-days"
    title = gettext_lazy("Rest days")
    actions = [(gettext_lazy("Record a rest day"), "workforce:rest-add", "workforce.add_restday")]

    def base_queryset(self):
        return RestDay.objects.select_related("worker", "area")


@login_required
def rest_day_add(request):
    _need(request, "workforce.add_restday")
    form = forms.RestDayForm(request.POST or None, viewer=request.user)
    return service_form_page(
        request,
        form,
        lambda data: services.rest_day_record(actor=request.user, **data),
        template=FORM,
        title=_("Record a rest day"),
        success_url=reverse("workforce:rest-list"),
    )


class CareOverviewView(ScopedListView):
    """Every worker with rest days due, taken and overdue (轮休) and the flags of care: the list behind
    the workbench's "rest days overdue" and "uninsured" lines."""

    model = Worker
    filterset_class = WorkerCareFilter
    table_class = WorkerCareTable
    export_name = "workforce-care"
    title = gettext_lazy("Rest and care of workers")
    actions = [
        (gettext_lazy("Rest days"), "workforce:rest-list", "workforce.view_restday"),
        (gettext_lazy("Insurance"), "workforce:insurance-list", "workforce.view_insurance"),
        (gettext_lazy("Meals and equipment issued"), "workforce:care-issue-list", "workforce.view_careissue"),
        (gettext_lazy("Health reports"), "workforce:health-list", "workforce.view_workerhealthreport"),
    ]

    def base_queryset(self):
        return care_selectors.with_rest(Worker.objects.select_related("area"))


class HealthReportListView(ScopedListView):
    model = WorkerHealthReport
    filterset_class = HealthReportFilter
    table_class = HealthReportTable
    export_name = "workforce-health"
    title = gettext_lazy("Health reports of workers")
    actions = [
        (gettext_lazy("Enter a worker's report"), "workforce:health-add", "workforce.add_workerhealthreport")
    ]

    def base_queryset(self):
        return WorkerHealthReport.objects.select_related("worker", "area")


@login_required
def health_add(request):
    """The community enters a worker's daily report (taken by phone)."""
    _need(request, "workforce.add_workerhealthreport")
    form = forms.HealthEntryForm(request.POST or None, viewer=request.user)
    return service_form_page(
        request,
        form,
        lambda data: services.health_report_submit(actor=request.user, **data),
        template=FORM,
        title=_("Enter a worker's report"),
        success_url=reverse("workforce:health-list"),
    )


def _own_worker(request) -> Worker | None:
    return Worker.objects.filter(user=request.user).select_related("area").first()


@login_required
def my_duty(request):
    """我的值守: the signed-in worker's own roster, hours, rest, insurance and today's report; nobody
    else's (a user with no worker record sees a note, not anyone's data)."""
    worker = _own_worker(request)
    ctx = {"title": _("My duty"), "worker": worker}
    if worker is not None:
        ctx.update(care_selectors.my_duty(worker))
    return render(request, "workforce/care/my_duty.html", ctx)


@login_required
def my_health(request):
    """The worker's own daily health report: the observation app's form."""
    worker = _own_worker(request)
    if worker is None:
        return render(request, "workforce/care/my_duty.html", {"title": _("My duty"), "worker": None})
    form = forms.OwnHealthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.health_report_submit(actor=request.user, worker=worker, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Thank you, your report is saved."))
            return redirect("workforce:my-duty")
    today = care_selectors.WorkerHealthReport.objects.filter(worker=worker, date=timezone.localdate()).first()
    return render(
        request,
        "workforce/care/my_health.html",
        {"title": _("Daily health report"), "form": form, "worker": worker, "today": today},
        status=400 if form.errors else 200,
    )


def _figures_viewer(request):
    user = request.user
    if not (user.has_perm("workforce.view_worker") or user.has_perm("people.view_statistics")):
        raise PermissionDenied


def _day(request):
    raw = request.GET.get("day", "")
    if not raw:
        return timezone.localdate(), None
    try:
        day = dates.parse_date(raw)
    except dates.DateError as exc:
        return timezone.localdate(), exc.message
    if day is None or day > timezone.localdate():
        return timezone.localdate(), _("Choose today or an earlier day.")
    return day, None


@login_required
def figures_page(request):
    """Deployed against needed, on duty, attendance, hours and rest overdue: a chart of the last 14 days
    and a table per community of the chosen day."""
    _figures_viewer(request)
    day, error = _day(request)
    rows = figures.table(request.user, day=day)
    series = figures.series(request.user, days=14, until=day)
    total = figures.derived({k: sum(r[k] for r in rows) for k in figures.KEYS} if rows else {})
    chart = {
        "dates": [s["date"] for s in series],
        "deployed": [s["deployed"] for s in series],
        "needed": [s["needed"] for s in series],
        "attendance": [s["attendance_rate"] for s in series],
        "labels": {
            "deployed": _("deployed"),
            "needed": _("needed"),
            "attendance": _("attendance rate"),
            "title": _("Workers deployed, needed and attendance"),
        },
    }
    return render(
        request,
        "workforce/care/figures.html",
        {
            "title": _("Workforce figures"),
            "day": day,
            "error": error,
            "rows": rows,
            "total": total,
            "chart": chart,
        },
        status=400 if error else 200,
    )
