"""Thin views of zero reports, report links, missing alerts, inspections, the ledger, checklists and
figures: parse, call a service or selector, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core.language import chinese_by_default
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors, service_form_page
from fangkong.gates.ratelimit import rate_limited

from . import figures, services
from . import forms_reports as forms
from . import selectors_reports as selectors
from .filters_reports import (
    InspectionFilter,
    LedgerItemFilter,
    MissingReportFilter,
    ReportDueFilter,
    ReportLinkFilter,
    ZeroReportFilter,
)
from .models import (
    Inspection,
    InspectionPhoto,
    LedgerItem,
    MissingReportAlert,
    ReportLink,
    Workplace,
    ZeroReport,
)
from .tables_reports import (
    InspectionTable,
    LedgerItemTable,
    MissingReportTable,
    ReportDueTable,
    ReportLinkTable,
    ZeroReportTable,
)

# -- the zero report -------------------------------------------------------------------------------


def _report_page(request, *, workplace, link=None, template="workplaces/zero_report_form.html"):
    """The one zero-report form, from the phone link or the workbench."""
    today = timezone.localdate()
    existing = ZeroReport.objects.filter(workplace=workplace, date=today).first()
    initial = {"staff_total": workplace.staff_count, "arrivals_outside": 0}
    if existing is not None:
        initial.update(
            {
                f: getattr(existing, f)
                for f in (
                    "staff_total",
                    "staff_on_site",
                    "arrivals_outside",
                    "temperature_checked",
                    "disinfected",
                    "note",
                )
            }
        )
    absentees = existing.absentees if existing else []
    form = forms.ZeroReportForm(request.POST or None, initial=initial, absentees=absentees)
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = services.zero_report_file(
                actor=request.user if link is None else None,
                workplace=workplace,
                link=link,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            existing = done
            form = forms.ZeroReportForm(
                initial={**initial, "staff_on_site": done.staff_on_site}, absentees=done.absentees
            )
    status = 400 if request.method == "POST" and done is None else 200
    return render(
        request,
        template,
        {
            "workplace": workplace,
            "form": form,
            "done": done,
            "existing": existing,
            "today": today,
            "title": _("Daily zero report"),
            "violation": done.violations.filter(resolved_at__isnull=True).first() if done else None,
        },
        status=status,
    )


@chinese_by_default
@rate_limited("zero-report", methods=("GET", "POST"))
def public_report(request, token):
    """The workplace's daily zero report from its phone link: no login needed, phone-sized."""
    link = selectors.report_link_resolve(token)
    if link is None or not link.usable:
        expired = link is not None
        return render(
            request,
            "workplaces/zero_report_invalid.html",
            {"expired": expired, "title": _("Daily zero report")},
            status=410 if expired else 404,
        )
    return _report_page(request, workplace=link.workplace, link=link)


@login_required
def report_file(request, pk):
    """A workplace contact (or their street) files the day's zero report from the workbench."""
    workplace = get_visible_or_404(Workplace, request.user, "workplaces.add_zeroreport", pk=pk)
    return _report_page(request, workplace=workplace)


@login_required
def my_report(request):
    """The workplace contact's landing: their workplace's report page itself (a list when they have
    several)."""
    if not request.user.has_perm("workplaces.add_zeroreport"):
        raise PermissionDenied
    mine = selectors.contact_workplaces(request.user)
    if len(mine) == 1:
        return _report_page(request, workplace=mine[0])
    today = timezone.localdate()
    done = set(
        ZeroReport.objects.filter(workplace__in=mine, date=today).values_list("workplace_id", flat=True)
    )
    return render(
        request,
        "workplaces/my_reports.html",
        {"rows": [(w, w.pk in done) for w in mine], "title": _("Today's zero reports")},
    )


class ReportDueListView(ScopedListView):
    """Open workplaces without a zero report on a day (default today)."""

    model = Workplace
    permission_required = "workplaces.add_zeroreport"
    filterset_class = ReportDueFilter
    table_class = ReportDueTable
    export_name = "zero-reports-due"
    title = gettext_lazy("Zero reports due")

    def base_queryset(self):
        return Workplace.objects.filter(open=True).select_related("area")

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user, "workplaces.add_zeroreport")


class ZeroReportListView(ScopedListView):
    model = ZeroReport
    filterset_class = ZeroReportFilter
    table_class = ZeroReportTable
    export_name = "zero-reports"
    actions = [
        (gettext_lazy("Missing reports"), "workplaces:missing-list", "workplaces.view_missingreportalert"),
        (gettext_lazy("Report links"), "workplaces:reportlink-list", "workplaces.view_reportlink"),
    ]

    def base_queryset(self):
        return ZeroReport.objects.select_related("workplace")


class ZeroReportDetailView(ScopedDetailView):
    model = ZeroReport
    template_name = "workplaces/zero_report_detail.html"

    def base_queryset(self):
        return ZeroReport.objects.select_related("workplace", "filed_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["revisions"] = self.object.revisions.all()
        ctx["violations"] = self.object.violations.select_related("policy")
        ctx["title"] = _("Zero report")
        return ctx


# -- report links ----------------------------------------------------------------------------------


class ReportLinkListView(ScopedListView):
    model = ReportLink
    filterset_class = ReportLinkFilter
    table_class = ReportLinkTable
    export_name = "zero-report-links"
    actions = [(gettext_lazy("New report link"), "workplaces:reportlink-add", "workplaces.add_reportlink")]

    def base_queryset(self):
        return ReportLink.objects.select_related("workplace", "created_by")


@login_required
def report_link_add(request):
    if not request.user.has_perm("workplaces.add_reportlink"):
        raise PermissionDenied
    asked = request.GET.get("workplace", "")
    visible = Workplace.objects.visible_to(request.user, "workplaces.add_reportlink")
    initial = {"workplace": visible.filter(pk=asked).first()} if asked.isascii() and asked.isdigit() else {}
    form = forms.ReportLinkForm(request.POST or None, viewer=request.user, initial=initial)
    created = []

    def save(data):
        created.append(
            services.report_link_create(actor=request.user, workplace=data["workplace"], days=data["days"])
        )

    resp = service_form_page(
        request,
        form,
        save,
        template="workplaces/form.html",
        title=_("New report link"),
        success_url="workplaces:reportlink-list",
    )
    if created:
        return redirect("workplaces:reportlink-detail", pk=created[0].pk)
    return resp


class ReportLinkDetailView(ScopedDetailView):
    model = ReportLink
    template_name = "workplaces/report_link_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["url"] = self.request.build_absolute_uri(
            reverse("workplaces:report-public", args=[self.object.token])
        )
        ctx["title"] = _("Zero report link")
        return ctx


@login_required
def report_link_qr(request, pk):
    link = get_visible_or_404(ReportLink, request.user, pk=pk)
    url = request.build_absolute_uri(reverse("workplaces:report-public", args=[link.token]))
    return HttpResponse(selectors.qr_svg(url), content_type="image/svg+xml")


@login_required
@require_POST
def report_link_revoke(request, pk):
    link = get_visible_or_404(ReportLink, request.user, "workplaces.change_reportlink", pk=pk)
    try:
        services.report_link_revoke(actor=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("The link is revoked."))
    return redirect("workplaces:reportlink-detail", pk=pk)


# -- missing reports -------------------------------------------------------------------------------


class MissingReportListView(ScopedListView):
    model = MissingReportAlert
    filterset_class = MissingReportFilter
    table_class = MissingReportTable
    export_name = "zero-reports-missing"

    def base_queryset(self):
        return MissingReportAlert.objects.select_related("workplace", "area")


# -- inspections and the ledger --------------------------------------------------------------------


@login_required
def inspection_add(request, pk):
    """The inspection on a phone: every checklist item passed or failed, findings, photos, a room."""
    workplace = get_visible_or_404(Workplace, request.user, "workplaces.add_inspection", pk=pk)
    checklist = services.checklist_for(workplace.type)
    if checklist is None:
        raise Http404
    form = forms.InspectionForm(
        request.POST or None, request.FILES or None, checklist=checklist, initial={"key": uuid.uuid4().hex}
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_record(
                actor=request.user,
                workplace=workplace,
                results=form.results(),
                findings=form.findings(),
                responsible=form.cleaned_data["responsible"],
                note=form.cleaned_data["note"],
                photos=form.cleaned_data["photos"],
                idempotency_key=form.cleaned_data["key"],
                room=form.room(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Inspection saved."))
            return redirect("workplaces:inspection-detail", pk=inspection.pk)
    return render(
        request,
        "workplaces/inspection_form.html",
        {"form": form, "workplace": workplace, "checklist": checklist, "title": _("Inspection")},
        status=400 if form.errors else 200,
    )


class InspectionListView(ScopedListView):
    model = Inspection
    filterset_class = InspectionFilter
    table_class = InspectionTable
    export_name = "workplace-inspections"
    actions = [
        (gettext_lazy("Inspection checklists"), "workplaces:checklist-list", "workplaces.view_checklist"),
        (gettext_lazy("Rectification ledger"), "workplaces:ledger-list", "workplaces.view_ledgeritem"),
    ]

    def base_queryset(self):
        return Inspection.objects.select_related("workplace", "inspector")


class InspectionDetailView(ScopedDetailView):
    model = Inspection
    template_name = "workplaces/inspection_detail.html"

    def base_queryset(self):
        return Inspection.objects.select_related("workplace", "checklist", "inspector")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        i = self.object
        ctx["rows"] = selectors.inspection_rows(i)
        ctx["items"] = i.ledger_items.all()
        ctx["closed"] = LedgerItem.objects.filter(closed_by_inspection=i)
        ctx["violations"] = selectors.workplace_open_violations(i.workplace)
        ctx["photos"] = i.photos.all()
        ctx["title"] = _("Inspection")
        return ctx


@login_required
def inspection_photo(request, pk):
    """An inspection photo, to those who may view it (404 across communities); never from /media/."""
    photo = get_visible_or_404(InspectionPhoto, request.user, pk=pk)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    if handle.read(3) != b"\xff\xd8\xff":
        handle.close()
        raise Http404
    handle.seek(0)
    return FileResponse(handle, content_type="image/jpeg")


class LedgerListView(ScopedListView):
    model = LedgerItem
    filterset_class = LedgerItemFilter
    table_class = LedgerItemTable
    export_name = "rectification-ledger"
    title = gettext_lazy("Rectification ledger")

    def base_queryset(self):
        return LedgerItem.objects.select_related("workplace")


class LedgerDetailView(ScopedDetailView):
    model = LedgerItem
    template_name = "workplaces/ledger_detail.html"

    def base_queryset(self):
        return LedgerItem.objects.select_related("workplace", "inspection", "closed_by_inspection")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = self.object.events.select_related("actor")
        ctx["form"] = kwargs.get("form") or forms.LedgerExtendForm()
        ctx["title"] = _("Ledger item")
        return ctx


@login_required
@require_POST
def ledger_extend(request, pk):
    item = get_visible_or_404(LedgerItem, request.user, "workplaces.change_ledgeritem", pk=pk)
    form = forms.LedgerExtendForm(request.POST)
    if form.is_valid():
        try:
            services.ledger_item_extend(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Deadline extended."))
            return redirect("workplaces:ledger-detail", pk=pk)
    view = LedgerDetailView()
    view.setup(request, pk=pk)
    view.object = item
    ctx = view.get_context_data(object=item, form=form)
    return render(request, "workplaces/ledger_detail.html", ctx, status=400)


# -- checklists ------------------------------------------------------------------------------------


@login_required
def checklist_list(request):
    if not request.user.has_perm("workplaces.view_checklist"):
        raise PermissionDenied
    return render(
        request,
        "workplaces/checklist_list.html",
        {"checklists": selectors.current_checklists(), "title": _("Inspection checklists")},
    )


@login_required
def checklist_add(request):
    if not request.user.has_perm("workplaces.add_checklist"):
        raise PermissionDenied
    form = forms.ChecklistForm(request.POST or None, initial={"workplace_type": request.GET.get("type", "")})

    def save(data):
        services.checklist_version_create(
            actor=request.user,
            workplace_type=data["workplace_type"],
            items=form.parsed_items(),
            source=data["source"],
        )

    return service_form_page(
        request,
        form,
        save,
        template="workplaces/form.html",
        title=_("New checklist version"),
        success_url="workplaces:checklist-list",
    )


# -- figures ---------------------------------------------------------------------------------------


def _figures_allowed(user) -> None:
    if not any(user.has_perm(p) for p in figures.VIEW_PERMS):
        raise PermissionDenied


@login_required
def figures_page(request):
    _figures_allowed(request.user)
    data = figures.street_type_figures(viewer=request.user)
    return render(
        request,
        "workplaces/figures.html",
        {"data": data, "title": _("Workplace figures"), "data_url": reverse("workplaces:figures-data")},
    )


@login_required
def figures_data(request):
    _figures_allowed(request.user)
    data = figures.street_type_figures(viewer=request.user)
    data["labels"] = {
        "open": _("Workplaces open"),
        "reporting": _("Reporting today"),
        "missing": _("Zero reports missing"),
        "ledger_open": _("Open ledger items"),
        "ledger_overdue": _("Overdue ledger items"),
    }
    return JsonResponse(data)
