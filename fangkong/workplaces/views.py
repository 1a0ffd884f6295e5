"""Workplace pages: the registry (list, detail, create, edit), plans, staff lists and their import,
dormitories and rooms, violations. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core.excel import xlsx_response
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors, service_form_page

from . import forms, imports, selectors, services
from .filters import PlanFilter, RoomFilter, StaffFilter, ViolationFilter, WorkplaceFilter
from .models import Plan, Room, StaffMember, Violation, Workplace
from .tables import PlanTable, RoomTable, StaffTable, ViolationTable, WorkplaceTable

OPEN = Q(violations__resolved_at__isnull=True)


class WorkplaceListView(ScopedListView):
    model = Workplace
    filterset_class = WorkplaceFilter
    table_class = WorkplaceTable
    export_name = "workplaces"
    actions = [
        (gettext_lazy("Register a workplace"), "workplaces:workplace-add", "workplaces.add_workplace"),
        (gettext_lazy("Staff"), "workplaces:staff-list", "workplaces.view_staffmember"),
        (gettext_lazy("Dormitory rooms"), "workplaces:room-list", "workplaces.view_room"),
        (gettext_lazy("Prevention plans"), "workplaces:plan-list", "workplaces.view_plan"),
        (gettext_lazy("Rule violations"), "workplaces:violation-list", "workplaces.view_violation"),
    ]

    def base_queryset(self):
        return (
            Workplace.objects.select_related("area", "parent")
            .annotate(open_violations=Count("violations", filter=OPEN))
            .order_by("area_path", "name")
        )


class WorkplaceDetailView(ScopedDetailView):
    model = Workplace
    template_name = "workplaces/workplace_detail.html"

    def base_queryset(self):
        return Workplace.objects.select_related(
            "area", "parent", "place", "safety_contact_user", "head_street_user"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.workplace_detail(viewer=self.request.user, workplace=self.object))
        ctx["upload_form"] = forms.PlanUploadForm()
        return ctx


@login_required
def my_workplace(request):
    """A workplace contact's own workplace (the list when they are the contact of several)."""
    mine = list(selectors.contact_workplaces(user=request.user)[:2])
    if len(mine) == 1:
        return WorkplaceDetailView.as_view()(request, pk=mine[0].pk)
    return WorkplaceListView.as_view()(request)


def _workplace_data(d: dict) -> dict:
    return {k: d[k] for k in services.EDITABLE if k in d and k != "head_street_user"}


@login_required
@permission_required("workplaces.add_workplace", raise_exception=True)
def workplace_add(request):
    created = {}

    def save(d):
        data = _workplace_data(d)
        created["w"] = services.workplace_create(
            actor=request.user, area=d["area"], address=d.get("address", ""), **data
        )

    form = forms.WorkplaceForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(created["w"])
    return render(
        request,
        "workplaces/form.html",
        {"form": form, "title": _("Register a workplace")},
        status=400 if form.errors else 200,
    )


@login_required
def workplace_edit(request, pk):
    w = get_visible_or_404(Workplace, request.user, "workplaces.change_workplace", pk=pk)
    initial = {f: getattr(w, f) for f in services.EDITABLE}
    form = forms.WorkplaceEditForm(request.POST or None, initial=initial, viewer=request.user)
    return service_form_page(
        request,
        form,
        lambda d: services.workplace_update(actor=request.user, workplace=w, **_workplace_data(d)),
        template="workplaces/form.html",
        title=_("Edit %(name)s") % {"name": w.name},
        success_url=w.get_absolute_url(),
    )


# ---------------------------------------------------------------- plans


class PlanListView(ScopedListView):
    model = Plan
    filterset_class = PlanFilter
    table_class = PlanTable
    export_name = "workplace-plans"

    def base_queryset(self):
        return Plan.objects.select_related("workplace").defer("file").order_by("workplace__name", "-version")


def _back(request, workplace_id):
    return redirect(reverse("workplaces:workplace-detail", args=[workplace_id]) + "#plans")


@login_required
@require_POST
def plan_generate(request, pk):
    w = get_visible_or_404(Workplace, request.user, "workplaces.add_plan", pk=pk)
    try:
        plan = services.plan_generate(actor=request.user, workplace=w, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Plan version %(v)s generated.") % {"v": plan.version})
    return _back(request, w.pk)


@login_required
@require_POST
def plan_upload(request, pk):
    w = get_visible_or_404(Workplace, request.user, "workplaces.add_plan", pk=pk)
    form = forms.PlanUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return _back(request, w.pk)
    f = form.cleaned_data["file"]
    try:
        plan = services.plan_upload(
            actor=request.user,
            workplace=w,
            content=f.read(services.MAX_PLAN_BYTES + 1),
            filename=f.name,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Plan version %(v)s uploaded.") % {"v": plan.version})
    return _back(request, w.pk)


@login_required
def plan_file(request, pk):
    plan = get_visible_or_404(Plan, request.user, pk=pk)
    resp = HttpResponse(bytes(plan.file), content_type=plan.content_type)
    ext = ".pdf" if plan.content_type == "application/pdf" else ".docx"
    resp["Content-Disposition"] = f'inline; filename="plan-{plan.workplace_id}-v{plan.version}{ext}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@require_POST
def plan_action(request, pk, action):
    plan = get_visible_or_404(Plan, request.user, pk=pk)
    try:
        if action == "submit":
            if not request.user.has_perm("workplaces.change_plan"):
                raise PermissionDenied
            services.plan_submit(actor=request.user, plan=plan)
        elif action in ("approve", "reject"):
            if not request.user.has_perm("workplaces.approve_plan"):
                raise PermissionDenied
            services.plan_decide(
                actor=request.user, plan=plan, approve=action == "approve", note=request.POST.get("note", "")
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return _back(request, plan.workplace_id)


# ---------------------------------------------------------------- staff


class StaffListView(ScopedListView):
    model = StaffMember
    filterset_class = StaffFilter
    table_class = StaffTable
    export_name = "workplace-staff"
    actions = [
        (gettext_lazy("Add a staff member"), "workplaces:staff-add", "workplaces.add_staffmember"),
        (gettext_lazy("Import a staff list"), "workplaces:staff-import", "workplaces.add_staffmember"),
    ]

    def base_queryset(self):
        return StaffMember.objects.select_related("workplace", "room__dormitory").order_by(
            "workplace__name", "name"
        )


def _initial_workplace(request):
    wid = request.GET.get("workplace", "")
    return {"workplace": wid} if wid.isascii() and wid.isdigit() and len(wid) < 12 else {}


@login_required
@permission_required("workplaces.add_staffmember", raise_exception=True)
def staff_add(request):
    form = forms.StaffForm(request.POST or None, initial=_initial_workplace(request), viewer=request.user)
    return service_form_page(
        request,
        form,
        lambda d: services.staff_add(actor=request.user, **d),
        template="workplaces/form.html",
        title=_("Add a staff member"),
        success_url="workplaces:staff-list",
    )


ERROR_REPORT_KEY = "workplaces.staff_import_errors"


@login_required
@permission_required("workplaces.add_staffmember", raise_exception=True)
def staff_import(request):
    form = forms.StaffImportForm(request.POST or None, request.FILES or None, viewer=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            report = services.staff_import(
                actor=request.user,
                content=f.read(),
                filename=f.name,
                workplace=form.cleaned_data.get("workplace"),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if report.committed:
                messages.success(
                    request,
                    _("Imported: %(new)s new, %(updated)s updated, %(matched)s matched to the registry.")
                    % {"new": report.new, "updated": report.updated, "matched": report.matched},
                )
                return redirect("workplaces:staff-list")
            # Nothing was written: the page lists the errors; the spreadsheet report stays in the session.
            request.session[ERROR_REPORT_KEY] = base64.b64encode(report.error_xlsx()).decode("ascii")
    status = 400 if form.errors or (report and not report.committed) else 200
    return render(
        request,
        "workplaces/staff_import.html",
        {"form": form, "report": report, "title": _("Import a staff list")},
        status=status,
    )


@login_required
@permission_required("workplaces.add_staffmember", raise_exception=True)
def staff_import_template(request):
    return xlsx_response(imports.template_xlsx(), "staff-template.xlsx")


@login_required
@permission_required("workplaces.add_staffmember", raise_exception=True)
def staff_import_errors(request):
    data = request.session.get(ERROR_REPORT_KEY)
    if not data:  # no failed import in this session: the import page
        return redirect("workplaces:staff-import")
    return xlsx_response(base64.b64decode(data), "staff-import-errors.xlsx")


# ---------------------------------------------------------------- dormitories and rooms


class RoomListView(ScopedListView):
    model = Room
    filterset_class = RoomFilter
    table_class = RoomTable
    export_name = "workplace-rooms"
    actions = [
        (gettext_lazy("Add a dormitory"), "workplaces:dormitory-add", "workplaces.add_dormitory"),
        (gettext_lazy("Add a room"), "workplaces:room-add", "workplaces.add_room"),
    ]

    def base_queryset(self):
        return (
            Room.objects.select_related("workplace", "dormitory")
            .annotate(open_violations=Count("violations", filter=OPEN))
            .order_by("workplace__name", "dormitory__name", "number")
        )


@login_required
@permission_required("workplaces.add_dormitory", raise_exception=True)
def dormitory_add(request):
    form = forms.DormitoryForm(request.POST or None, initial=_initial_workplace(request), viewer=request.user)
    done = {}

    def save(d):
        done["d"] = services.dormitory_create(actor=request.user, **d)

    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("workplaces:room-add") + f"?dormitory={done['d'].pk}")
    return render(
        request,
        "workplaces/form.html",
        {"form": form, "title": _("Add a dormitory")},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("workplaces.add_room", raise_exception=True)
def room_add(request):
    did = request.GET.get("dormitory", "")
    initial = {"dormitory": did} if did.isascii() and did.isdigit() and len(did) < 12 else {}
    form = forms.RoomForm(request.POST or None, initial=initial, viewer=request.user)
    done = {}

    def save(d):
        done["r"] = services.room_create(actor=request.user, **d)

    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            _violation_message(request, done["r"])
            return redirect(reverse("workplaces:workplace-detail", args=[done["r"].workplace_id]) + "#rooms")
    return render(
        request,
        "workplaces/form.html",
        {"form": form, "title": _("Add a room")},
        status=400 if form.errors else 200,
    )


def _violation_message(request, room):
    found = list(Violation.objects.filter(room=room, resolved_at__isnull=True).select_related("policy"))
    if not found:
        messages.success(request, _("Saved."))
        return
    from .rules import RULE_LABELS

    messages.warning(
        request,
        _("Saved. The room breaks the rules: %(rules)s")
        % {
            "rules": "；".join(
                f"{RULE_LABELS.get(v.rule, v.rule)}（v{v.policy.version} {v.policy.source}）"
                if v.policy
                else str(RULE_LABELS.get(v.rule, v.rule))
                for v in found
            )
        },
    )


@login_required
def room_edit(request, pk):
    room = get_visible_or_404(
        Room.objects.select_related("dormitory"), request.user, "workplaces.change_room", pk=pk
    )
    initial = {f: getattr(room, f) for f in services.ROOM_FIELDS}
    form = forms.RoomEditForm(request.POST or None, initial=initial, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_update(actor=request.user, room=room, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            _violation_message(request, room)
            return redirect(reverse("workplaces:workplace-detail", args=[room.workplace_id]) + "#rooms")
    return render(
        request,
        "workplaces/form.html",
        {"form": form, "title": _("Room %(number)s") % {"number": f"{room.dormitory.name} {room.number}"}},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- violations


class ViolationListView(ScopedListView):
    model = Violation
    filterset_class = ViolationFilter
    table_class = ViolationTable
    export_name = "workplace-violations"
    template_name = "workplaces/violation_list.html"

    def base_queryset(self):
        return Violation.objects.select_related("workplace", "room__dormitory", "policy").order_by(
            "-found_at", "-id"
        )


@login_required
@require_POST
def rules_recheck(request):
    """Re-check the rooms the user may change against the rules in force (a policy change does this
    for every workplace by itself)."""
    if not request.user.has_perm("workplaces.change_violation"):
        raise PermissionDenied
    res = services.rules_check(
        actor=request.user, rooms=Room.objects.visible_to(request.user, "workplaces.change_room")
    )
    messages.success(
        request,
        _("Re-checked: %(new)s new violations, %(resolved)s resolved.")
        % {"new": res.new, "resolved": res.resolved},
    )
    return redirect("workplaces:violation-list")
