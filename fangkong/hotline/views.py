"""Hotline pages: thin — parse, call a service or a selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from fangkong.core.excel import xlsx_response
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedListView, form_errors

from . import forms, imports, selectors, services
from .filters import OrderFilter, UnitFilter
from .models import Status, Unit, WorkOrder
from .tables import OrderTable, UnitTable


class OrderListView(ScopedListView):
    model = WorkOrder
    filterset_class = OrderFilter
    table_class = OrderTable
    export_name = "hotline-orders"
    title = _lazy("Work orders")
    actions = [
        (_lazy("Quick entry"), "hotline:new", "hotline.add_workorder"),
        (_lazy("Import the city's dispatch"), "hotline:import", "hotline.add_workorder"),
    ]

    def base_queryset(self):
        return WorkOrder.objects.select_related("area")


class TriageListView(OrderListView):
    """The street's triage list: orders whose address matched no community, matched by hand."""

    title = _lazy("Triage")
    action = "change"
    export_name = "hotline-triage"

    def base_queryset(self):
        return super().base_queryset().filter(status=Status.TRIAGE)

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user, "hotline.change_workorder")


class UnitListView(ScopedListView):
    model = Unit
    filterset_class = UnitFilter
    table_class = UnitTable
    export_name = "hotline-units"
    title = _lazy("Handling units")

    def base_queryset(self):
        return Unit.objects.select_related("area").prefetch_related("members")


def _detail_context(request, order):
    user = request.user
    mine = selectors.my_live_dispatches(viewer=user, order=order)
    perms = {
        "can_match": user.has_perm("hotline.change_workorder")
        and order.status in (Status.TRIAGE, Status.TO_DISPATCH),
        "can_dispatch": user.has_perm("hotline.dispatch_workorder") and order.status in services.DISPATCHABLE,
        "can_handle": user.has_perm("hotline.add_handlingentry")
        and order.is_open
        and order.status not in (Status.TRIAGE, Status.TO_DISPATCH),
        "can_close": user.has_perm("hotline.close_workorder")
        and order.status in (*services.WORKING, Status.WAITING_CALLER, Status.REPLIED),
        "can_rate": user.has_perm("hotline.rate_workorder")
        and order.status == Status.CLOSED
        and not order.rating,
        "can_reopen": user.has_perm("hotline.dispatch_workorder")
        and order.status == Status.CLOSED
        and order.rating == "dissatisfied",
    }
    from django.contrib.contenttypes.models import ContentType

    return {
        "object": order,
        "order": order,
        "content_type": ContentType.objects.get_for_model(order),
        "state": selectors.deadline_state(order),
        "timeline": selectors.order_timeline(viewer=user, order=order),
        "dispatches": selectors.order_dispatches(order=order),
        "mine": mine,
        "match_form": forms.MatchForm(viewer=user),
        "dispatch_form": forms.DispatchForm(viewer=user),
        "entry_form": forms.EntryForm(),
        "pause_form": forms.ReasonForm(prefix="pause"),
        "resume_form": forms.ResumeForm(),
        "reply_form": forms.ReplyForm(),
        "close_form": forms.CloseForm(initial={"reply": order.reply}),
        "rate_form": forms.RateForm(),
        "reopen_form": forms.ReasonForm(prefix="reopen"),
        "return_form": forms.ReasonForm(prefix="return"),
        "rating_url": request.build_absolute_uri(reverse("hotline:rate-public", args=[order.callback_token]))
        if perms["can_rate"]
        else "",
        **perms,
    }


@login_required
def order_detail(request, pk: int):
    order = get_visible_or_404(
        WorkOrder.objects.select_related("area", "street", "person", "place"), request.user, pk=pk
    )
    return render(request, "hotline/order_detail.html", _detail_context(request, order))


ACTIONS = {
    # action: (permission to find the order with, form, service call)
    "match": "hotline.change_workorder",
    "dispatch": "hotline.dispatch_workorder",
    "entry": "hotline.add_handlingentry",
    "pause": "hotline.change_workorder",
    "resume": "hotline.change_workorder",
    "reply": "hotline.change_workorder",
    "close": "hotline.close_workorder",
    "rate": "hotline.rate_workorder",
    "reopen": "hotline.dispatch_workorder",
    "return": "hotline.change_dispatch",
}


@login_required
@require_POST
def order_action(request, pk: int, action: str):
    """One POST per action, each through its service; a refusal comes back as a message on the order."""
    if action not in ACTIONS:
        raise Http404
    order = get_visible_or_404(WorkOrder, request.user, ACTIONS[action], pk=pk)
    user = request.user
    form = None
    try:
        if action == "match":
            form = forms.MatchForm(request.POST, viewer=user)
            if form.is_valid():
                services.order_match(actor=user, order=order, area=form.cleaned_data["area"])
        elif action == "dispatch":
            form = forms.DispatchForm(request.POST, viewer=user)
            if form.is_valid():
                d = form.cleaned_data
                services.order_dispatch(
                    actor=user,
                    order=order,
                    unit=d["unit"],
                    co_units=d["co_units"],
                    handler=d["handler"],
                    note=d["note"],
                )
        elif action == "entry":
            form = forms.EntryForm(request.POST, request.FILES)
            if form.is_valid():
                d = form.cleaned_data
                services.order_respond(
                    actor=user, order=order, kind=d["kind"], text=d["text"], photo=d["photo"]
                )
        elif action == "pause":
            form = forms.ReasonForm(request.POST, prefix="pause")
            if form.is_valid():
                services.order_pause(actor=user, order=order, reason=form.cleaned_data["reason"])
        elif action == "resume":
            form = forms.ResumeForm(request.POST)
            if form.is_valid():
                services.order_resume(actor=user, order=order, text=form.cleaned_data["text"])
        elif action == "reply":
            form = forms.ReplyForm(request.POST)
            if form.is_valid():
                services.order_reply(actor=user, order=order, reply=form.cleaned_data["reply"])
        elif action == "close":
            form = forms.CloseForm(request.POST)
            if form.is_valid():
                services.order_close(actor=user, order=order, **form.cleaned_data)
        elif action == "rate":
            form = forms.RateForm(request.POST)
            if form.is_valid():
                services.order_rate(actor=user, order=order, **form.cleaned_data)
        elif action == "reopen":
            form = forms.ReasonForm(request.POST, prefix="reopen")
            if form.is_valid():
                services.order_reopen(actor=user, order=order, reason=form.cleaned_data["reason"])
        elif action == "return":
            form = forms.ReasonForm(request.POST, prefix="return")
            if form.is_valid():
                services.dispatch_return(
                    actor=user, dispatch=request.POST.get("dispatch"), reason=form.cleaned_data["reason"]
                )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("hotline:order-detail", pk=order.pk)
    if form is not None and not form.is_valid():
        messages.error(
            request,
            "；".join(
                f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip()
                for f, e in form.errors.items()
            ),
        )
        return redirect("hotline:order-detail", pk=order.pk)
    messages.success(request, _("Saved."))
    if action == "match":
        return redirect("hotline:triage")
    try:
        return redirect("hotline:order-detail", pk=get_visible_or_404(WorkOrder, user, pk=order.pk).pk)
    except Http404:  # a department that returned the order no longer sees it
        return redirect("hotline:order-list")


@login_required
def quick_entry(request):
    """The operator's page for a ringing phone: number, who it is, where, what — and save."""
    if not request.user.has_perm("hotline.add_workorder"):
        raise PermissionDenied
    form = forms.QuickEntryForm(request.POST or None, viewer=request.user)
    callers = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.order_create(
                actor=request.user,
                channel="phone",
                caller_phone=d["caller_phone"],
                caller_name=d["caller_name"],
                area=d["area"],
                address=d["address"] or (d["area"].full_name() if d["area"] else ""),
                category=d["category"],
                urgency=d["urgency"],
                text=d["text"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Work order %(n)s saved (%(status)s).")
                % {"n": order.pk, "status": order.get_status_display()},
            )
            return redirect("hotline:new")
    elif request.GET.get("phone"):
        callers = list(services.caller_lookup(actor=request.user, phone=request.GET["phone"]))
    return render(
        request,
        "hotline/quick_entry.html",
        {"form": form, "title": _("Quick entry"), "callers": callers},
        status=400 if form.errors else 200,
    )


@login_required
def caller_lookup(request):
    """HTMX: who is calling — residents with this phone in the operator's area, their recent orders."""
    if not request.user.has_perm("hotline.add_workorder"):
        raise PermissionDenied
    phone = request.GET.get("caller_phone") or request.GET.get("phone") or ""
    people = list(services.caller_lookup(actor=request.user, phone=phone))
    recent = []
    if phone.strip():
        recent = list(
            selectors.order_list(viewer=request.user, perm="hotline.add_workorder")
            .filter(caller_phone=phone.strip())
            .order_by("-received_at")[:5]
        )
    return render(request, "hotline/_caller.html", {"people": people, "recent": recent, "phone": phone})


@login_required
def order_import(request):
    if not request.user.has_perm("hotline.add_workorder"):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None, viewer=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.order_import(
            actor=request.user,
            within=form.cleaned_data["within"],
            filename=upload.name,
            content=upload.read(),
        )
        if result.ok:
            messages.success(
                request,
                _(
                    "%(created)s work orders imported, %(triage)s of them to triage; %(skipped)s already imported."
                )
                % {"created": result.created, "triage": result.triage, "skipped": result.skipped},
            )
            return redirect("hotline:order-list")
        if result.errors and request.POST.get("report") == "1":
            return xlsx_response(services.import_error_report(result), "hotline-import-errors.xlsx")
    status = 400 if (form.errors or (result is not None and not result.ok)) else 200
    return render(
        request,
        "hotline/import.html",
        {
            "form": form,
            "result": result,
            "errors": (result.errors[:200] if result else []),
            "title": _("Import the city's dispatch"),
        },
        status=status,
    )


@login_required
def import_template(request):
    if not request.user.has_perm("hotline.add_workorder"):
        raise PermissionDenied
    return xlsx_response(imports.template_bytes(), "12345-dispatch-template.xlsx")


def rate_public(request, token: str):
    """The SMS link: the caller rates their closed order. Shows no personal data, only the order's text."""
    order = (
        WorkOrder.objects.filter(callback_token=str(token)[:32])
        .only("id", "status", "rating", "category", "text", "reply", "callback_token")
        .first()
    )
    if order is None:
        raise Http404
    form = forms.RateForm(request.POST or None)
    done = bool(order.rating)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_rate_by_token(
                token=token, rating=form.cleaned_data["rating"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            done = True
    return render(
        request,
        "hotline/rate_public.html",
        {"order": order, "form": form, "done": done, "closed": order.status == Status.CLOSED},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def from_support_request(request, pk: int):
    if not request.user.has_perm("hotline.add_workorder"):
        raise PermissionDenied
    from fangkong.support.models import Request

    get_visible_or_404(Request, request.user, "support.view_request", pk=pk)
    try:
        order = services.order_from_support_request(actor=request.user, request=pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("support:request-detail", pk=pk)
    messages.success(request, _("Work order %(n)s filed.") % {"n": order.pk})
    return redirect("hotline:order-detail", pk=order.pk)


@login_required
@require_POST
def from_health_report(request, pk: int):
    if not request.user.has_perm("hotline.add_workorder"):
        raise PermissionDenied
    from fangkong.observation.models import HealthReport

    get_visible_or_404(HealthReport, request.user, "observation.view_healthreport", pk=pk)
    try:
        order = services.order_from_health_report(actor=request.user, report=pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("observation:report-list")
    messages.success(request, _("Work order %(n)s filed.") % {"n": order.pk})
    return redirect("hotline:order-detail", pk=order.pk)
