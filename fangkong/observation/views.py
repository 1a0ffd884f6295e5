"""Thin views: parse, call a service or selector, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from fangkong.core import dates
from fangkong.core.language import chinese_by_default
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors, service_form_page
from fangkong.gates.ratelimit import rate_limited

from . import documents, forms, selectors, services
from .filters import (
    AlertFilter,
    OrderFilter,
    ReportFilter,
    RoomFilter,
    SickLeaveFilter,
    SiteMemberFilter,
    StayFilter,
)
from .models import (
    Alert,
    CareGroup,
    HealthReport,
    ObservationOrder,
    RequiredTest,
    Room,
    SickLeaveReport,
    SiteMember,
    Stay,
)
from .tables import AlertTable, OrderTable, ReportTable, RoomTable, SickLeaveTable, SiteMemberTable, StayTable


@login_required
def today(request):
    """Today's observation population by area and type, reports missing, open alerts. A viewer of
    figures only (leadership) sees the population table and nothing about a person."""
    user = request.user
    if not (user.has_perm("observation.view_observationorder") or user.has_perm("people.view_statistics")):
        raise PermissionDenied
    day = timezone.localdate()
    ctx = {
        "title": _("Observation today"),
        "day": day,
        "population": selectors.population_today(viewer=user, day=day),
        "figures_only": not user.has_perm("observation.view_observationorder"),
        "can_change_policy": user.has_perm("policies.add_policy"),
    }
    if not ctx["figures_only"]:
        ctx["missing"] = list(selectors.missing_reports(viewer=user, day=day).order_by("area_path")[:200])
        ctx["missing_count"] = selectors.missing_reports(viewer=user, day=day).count()
        ctx["alerts"] = list(
            selectors.alert_list(viewer=user).filter(status=Alert.Status.OPEN).order_by("-date", "-id")[:100]
        )
    return render(request, "observation/today.html", ctx)


class OrderListView(ScopedListView):
    model = ObservationOrder
    filterset_class = OrderFilter
    table_class = OrderTable
    export_name = "observation-orders"
    template_name = "observation/order_list.html"

    def base_queryset(self):
        return ObservationOrder.objects.select_related("person", "area")


class OrderDetailView(ScopedDetailView):
    model = ObservationOrder
    template_name = "observation/order_detail.html"

    def base_queryset(self):
        return ObservationOrder.objects.select_related("person", "area", "policy", "ordered_by", "site")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        o = self.object
        user = self.request.user
        ctx.update(
            {
                "title": str(o.person),
                "source": o.source_record(viewer=user) if o.source else None,
                "events": o.events.select_related("actor").order_by("time", "id"),
                "tests": o.tests.all(),
                "reports": o.reports.select_related("reported_by")[:60],
                "alerts": o.alerts.all(),
                "stays": o.stays.select_related("site", "room"),
                "problems": services.order_end_problems(o) if o.is_open else [],
                "days_remaining": o.days_remaining(),
                "report_url": self.request.build_absolute_uri(documents.report_path(o)),
                "can_change": user.has_perm("observation.change_observationorder"),
                "can_report": user.has_perm("observation.add_healthreport"),
                "report_form": forms.WorkerReportForm(),
                "extend_form": forms.ExtendForm(),
                "end_form": forms.EndForm(),
                "transfer_form": forms.TransferForm(viewer=user),
                "checkin_form": forms.CheckInForm(viewer=user),
                "care_group": CareGroup.objects.filter(area_id=o.area_id, active=True)
                .prefetch_related("members__user")
                .first(),
                "care_form": forms.CareMemberForm(),
            }
        )
        return ctx


def _order_for(request, pk, perm="observation.change_observationorder"):
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return get_visible_or_404(ObservationOrder, request.user, perm, pk=pk)


@login_required
def order_create(request):
    if not request.user.has_perm("observation.add_observationorder"):
        raise PermissionDenied
    form = forms.OrderForm(
        request.POST or None, viewer=request.user, initial={"person": request.GET.get("person")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Order created: ends %(end)s.") % {"end": order.planned_end})
            return redirect(order)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "observation/form.html", {"form": form, "title": _("New observation order")}, status=status
    )


@login_required
@require_POST
def order_action(request, pk, action):
    """Extend, end, transfer, check in, worker report, test result: one POST each, through services."""
    perm = "observation.add_healthreport" if action == "report" else "observation.change_observationorder"
    order = _order_for(request, pk, perm)
    user = request.user
    try:
        if action == "extend":
            form = forms.ExtendForm(request.POST)
            if form.is_valid():
                services.order_extend(actor=user, order=order, **form.cleaned_data)
        elif action == "end":
            form = forms.EndForm(request.POST)
            if form.is_valid():
                services.order_end(actor=user, order=order, **form.cleaned_data)
        elif action == "transfer":
            form = forms.TransferForm(request.POST, viewer=user)
            if form.is_valid():
                data = form.cleaned_data
                services.order_transfer(
                    actor=user,
                    order=order,
                    destination=data["destination"],
                    reason=data["reason"],
                    site=data["site"],
                    new_type=data["new_type"] or None,
                )
        elif action == "checkin":
            form = forms.CheckInForm(request.POST, viewer=user)
            if form.is_valid():
                services.stay_check_in(actor=user, order=order, **form.cleaned_data)
        elif action == "report":
            form = forms.WorkerReportForm(request.POST)
            if form.is_valid():
                services.report_submit(actor=user, order=order, **form.cleaned_data)
        elif action == "care":
            form = forms.CareMemberForm(request.POST)
            if form.is_valid():
                services.care_member_add_for_household(
                    actor=user,
                    household=order.area,
                    user=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                )
        elif action == "test":
            form = None
            test = get_object_or_404(RequiredTest, pk=request.POST.get("test"), order=order)
            services.test_result_set(
                actor=user, test=test, result=request.POST.get("result", ""), source=_("entered by worker")
            )
        else:
            raise Http404
    except services.OrderEndBlocked as exc:
        messages.error(request, _("Not ended: %(p)s") % {"p": "；".join(exc.problems)})
        return redirect(order)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(order)
    if form is not None and not form.is_valid():
        messages.error(
            request,
            "；".join(
                f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}"
                for f, e in form.errors.items()
            ),
        )
    else:
        messages.success(request, _("Saved."))
    return redirect(order)


@login_required
def order_qr(request, pk):
    order = _order_for(request, pk, "observation.view_observationorder")
    url = request.build_absolute_uri(documents.report_path(order))
    return HttpResponse(documents.qr_svg(url), content_type="image/svg+xml")


@chinese_by_default
@rate_limited("health-report", methods=("GET", "POST"))
def public_report(request, token):
    """The resident's daily report from the signed link: no login, phone-sized."""
    order = documents.order_from_token(token)
    if order is None:
        return render(request, "observation/public_report.html", {"invalid": True}, status=404)
    form = forms.ReportForm(request.POST or None)
    done = None
    if request.method == "POST" and order.is_open and form.is_valid():
        try:
            done = services.report_submit(
                actor=None, order=order, channel=HealthReport.Channel.LINK, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            form = forms.ReportForm()
    today_reports = order.reports.filter(date=timezone.localdate()).count()
    return render(
        request,
        "observation/public_report.html",
        {
            "order": order,
            "form": form,
            "done": done,
            "today_reports": today_reports,
            "name": order.person.name[:1] + "*" * (len(order.person.name) - 1),
            "title": _("Daily health report"),
        },
        status=400 if request.method == "POST" and not done else 200,
    )


class AlertListView(ScopedListView):
    model = Alert
    filterset_class = AlertFilter
    table_class = AlertTable
    export_name = "observation-alerts"

    def base_queryset(self):
        return Alert.objects.select_related("order__person", "area")


@login_required
@require_POST
def alert_resolve(request, pk):
    if not request.user.has_perm("observation.change_alert"):
        raise PermissionDenied
    alert = get_visible_or_404(Alert, request.user, "observation.change_alert", pk=pk)
    try:
        services.alert_resolve(
            actor=request.user,
            alert=alert,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(request.POST.get("next") or "observation:alert-list")


class ReportListView(ScopedListView):
    model = HealthReport
    filterset_class = ReportFilter
    table_class = ReportTable
    export_name = "health-reports"

    def base_queryset(self):
        return HealthReport.objects.select_related("order__person")


@login_required
def policy_change(request):
    """Preview, then confirm, a new observation period: the policies app's one change flow, here for
    the keys that set an order's length (and with the area the version is for)."""
    from fangkong.policies.views import change_message, policy_change_step

    if not (
        request.user.has_perm("policies.add_policy")
        and request.user.has_perm("observation.change_observationorder")
    ):
        raise PermissionDenied
    form = forms.PolicyChangeForm(
        request.POST or None, initial={"key": request.GET.get("key")}, viewer=request.user
    )
    preview, result = policy_change_step(request, form, key="")
    if result is not None:
        messages.success(request, change_message(result))
        return redirect("observation:today")
    return render(
        request,
        "observation/policy_change.html",
        {"form": form, "preview": preview, "title": _("Change an observation period")},
        status=400 if form.errors else 200,
    )


@login_required
def care_daily(request):
    """A care-group member's daily list: households to call, reports missing, needs open."""
    day = timezone.localdate()
    data = selectors.care_member_daily(user=request.user, day=day)
    return render(request, "observation/care_daily.html", {**data, "title": _("My care list")})


@login_required
@require_POST
def report_needs_done(request, pk):
    """Mark a report's needs handled: workers of the area, or members of the household's care group."""
    report = (
        HealthReport.objects.visible_to(request.user, "observation.change_healthreport").filter(pk=pk).first()
    )
    if report is None:
        report = get_object_or_404(
            HealthReport.objects.filter(area__in=request.user.care_memberships.values("group__area")), pk=pk
        )
    services.report_needs_done(actor=request.user, report=report)
    return redirect(request.POST.get("next") or "observation:care-daily")


class RoomListView(ScopedListView):
    model = Room
    filterset_class = RoomFilter
    table_class = RoomTable
    actions = [
        (_lazy("Add a room"), "observation:room-add", "observation.add_room"),
        (_lazy("Occupancy"), "observation:occupancy", "observation.view_room"),
    ]
    export_name = "observation-rooms"

    def base_queryset(self):
        return (
            Room.objects.select_related("site")
            .annotate(occupied=Count("stays", filter=Q(stays__outcome=Stay.Outcome.STAYING)))
            .order_by("site", "floor", "number")
        )


class SiteMemberListView(ScopedListView):
    """The teams of the centralized observation sites (lead, medical, security, logistics)."""

    model = SiteMember
    filterset_class = SiteMemberFilter
    table_class = SiteMemberTable
    export_name = "observation-site-team"
    template_name = "observation/site_team.html"

    def base_queryset(self):
        return SiteMember.objects.select_related("site", "user").order_by("site", "team", "name")


@login_required
@permission_required("observation.add_sitemember", raise_exception=True)
def site_member_add(request):
    return service_form_page(
        request,
        forms.SiteMemberForm(request.POST or None, viewer=request.user),
        lambda d: services.site_member_add(
            actor=request.user,
            site=d["site"],
            name=d["name"],
            team=d["team"],
            user=d["username"],
            phone=d["phone"],
        ),
        template="observation/form.html",
        title=_("Add a site team member"),
        success_url="observation:site-team",
    )


@login_required
@permission_required("observation.add_room", raise_exception=True)
def room_add(request):
    return service_form_page(
        request,
        forms.RoomForm(request.POST or None, viewer=request.user),
        lambda d: services.room_create(
            actor=request.user,
            site=d["site"],
            number=d["number"].strip(),
            floor=d["floor"],
            capacity=d["capacity"],
            features=["network"] if d["network"] else [],
        ),
        template="observation/form.html",
        title=_("Add a room"),
        success_url="observation:room-list",
    )


class StayListView(ScopedListView):
    model = Stay
    filterset_class = StayFilter
    table_class = StayTable
    actions = [
        (_lazy("Rooms"), "observation:room-list", "observation.view_room"),
        (_lazy("Occupancy"), "observation:occupancy", "observation.view_room"),
        (_lazy("Site team"), "observation:site-team", "observation.view_sitemember"),
    ]
    export_name = "observation-stays"

    def base_queryset(self):
        return Stay.objects.select_related("order__person", "site", "room")


class StayDetailView(ScopedDetailView):
    model = Stay
    template_name = "observation/stay_detail.html"

    def base_queryset(self):
        return Stay.objects.select_related("order__person", "site", "room")


@login_required
def stay_certificate(request, pk):
    stay = get_visible_or_404(
        Stay.objects.select_related("order__person", "site", "room"), request.user, pk=pk
    )
    if not stay.certificate_number:
        raise Http404
    resp = HttpResponse(documents.certificate_pdf(stay), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="certificate-{stay.certificate_number}.pdf"'
    return resp


@login_required
@require_POST
def stay_discharge(request, pk):
    if not request.user.has_perm("observation.change_stay"):
        raise PermissionDenied
    stay = get_visible_or_404(Stay, request.user, "observation.change_stay", pk=pk)
    try:
        services.stay_discharge(
            actor=request.user,
            stay=stay,
            reason=request.POST.get("reason", ""),
            force=bool(request.POST.get("force")),
        )
    except services.OrderEndBlocked as exc:
        messages.error(request, _("Not ended: %(p)s") % {"p": "；".join(exc.problems)})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("observation:stay-detail", pk=stay.pk)


@login_required
@permission_required("observation.view_stay", raise_exception=True)
def occupancy(request):
    default = timezone.localdate() - datetime.timedelta(days=6)
    try:
        start = dates.parse_date(request.GET.get("start", "")) or default
    except ValueError:  # dates.DateError
        start = default
    if abs((start - default).days) > 3660:  # ten years either way; 9999-12-31 + 7 days is no date
        start = default
    rows = selectors.occupancy(viewer=request.user, start=start, days=7)
    return render(
        request, "observation/occupancy.html", {"rows": rows, "start": start, "title": _("Site occupancy")}
    )


class SickLeaveListView(ScopedListView):
    model = SickLeaveReport
    filterset_class = SickLeaveFilter
    table_class = SickLeaveTable
    actions = [(_lazy("Report sick leave"), "observation:sickleave-add", "observation.add_sickleavereport")]
    export_name = "sick-leave"

    def base_queryset(self):
        return SickLeaveReport.objects.select_related("workplace", "person", "order")


@login_required
def sick_leave_create(request):
    if not request.user.has_perm("observation.add_sickleavereport"):
        raise PermissionDenied
    form = forms.SickLeaveForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.sick_leave_report(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if report.order_id:
                messages.success(request, _("Reported; health monitoring started."))
                return redirect(report.order)
            if report.person_id:
                messages.success(request, _("Reported; the resident is under observation already."))
                return redirect("observation:sickleave-list")
            # The same words whether nobody matched or a resident elsewhere got a referral: the reporter
            # must not learn that a phone belongs to someone outside their jurisdiction.
            messages.success(
                request,
                _(
                    "Reported. No resident of your jurisdiction matches; a resident registered elsewhere is referred to their own community."
                ),
            )
            return redirect("observation:sickleave-list")
    return render(
        request,
        "observation/form.html",
        {"form": form, "title": _("Sick-leave report")},
        status=400 if request.method == "POST" else 200,
    )
