"""Pages of the workforce. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core.excel import xlsx_response
from fangkong.core.language import chinese_by_default
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors
from fangkong.gates.documents import qr_svg
from fangkong.gates.models import Post, PostShift
from fangkong.gates.ratelimit import rate_limited

from . import forms, selectors, services
from . import imports as ix
from .filters import (
    AssignmentFilter,
    AttendanceFilter,
    LinkFilter,
    MissedCheckInFilter,
    PostCoverFilter,
    RegistrationFilter,
    RequestFilter,
    WorkerFilter,
)
from .models import Assignment, Attendance, DeploymentRequest, MissedCheckIn, RegistrationLink, Worker
from .tables import (
    AssignmentTable,
    AttendanceTable,
    LinkTable,
    MissedCheckInTable,
    PostCoverTable,
    RegistrationTable,
    RequestTable,
    WorkerTable,
)

REPORT_TTL = 3600


# -- the registry -----------------------------------------------------------------------------------------


class _SelfOrScope:
    """A worker sees their own record without the registry's permission (a cadre logs in to see it)."""

    def has_permission(self):
        user = self.request.user
        return super().has_permission() or (
            user.is_authenticated and Worker.objects.filter(user=user).exists()
        )

    def get_queryset(self):
        return selectors.worker_list(viewer=self.request.user).select_related("area")


class WorkerListView(_SelfOrScope, ScopedListView):
    model = Worker
    filterset_class = WorkerFilter
    table_class = WorkerTable
    template_name = "workforce/worker_list.html"
    export_name = "workers"
    actions = [
        (gettext_lazy("Add worker"), "workforce:worker-add", "workforce.add_worker"),
        (gettext_lazy("Import a unit's list"), "workforce:import", "workforce.add_worker"),
        (gettext_lazy("Registrations to review"), "workforce:registration-list", "workforce.change_worker"),
        (gettext_lazy("Registration links"), "workforce:link-list", "workforce.view_registrationlink"),
        (gettext_lazy("Deployment"), "workforce:deployment", "workforce.view_deploymentrequest"),
    ]


class WorkerDetailView(_SelfOrScope, ScopedDetailView):
    model = Worker
    template_name = "workforce/worker_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        w, user = self.object, self.request.user
        ctx["assignments"] = selectors.worker_assignments(viewer=user, worker=w)
        ctx["may_reveal"] = services.may_reveal(user, w)
        ctx["may_change"] = (
            user.has_perm("workforce.change_worker")
            and Worker.objects.visible_to(user, "workforce.change_worker").filter(pk=w.pk).exists()
        )
        ctx["may_assign"] = user.has_perm("workforce.add_assignment") and w.status == Worker.Status.ACTIVE
        ctx.setdefault("revealed", {})
        ctx.setdefault("reveal_form", forms.RevealForm())
        ctx.setdefault("assign_form", forms.AssignForm(viewer=user))
        ctx["title"] = w.name
        return ctx


class WorkerRevealView(WorkerDetailView):
    """POST field + reason: the detail page again with the clear value; the access is logged."""

    permission_required = "workforce.reveal_identity"
    http_method_names = ["post"]

    def has_permission(self):
        return self.request.user.has_perm("workforce.reveal_identity")

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = forms.RevealForm(request.POST)
        revealed, status = {}, 200
        if form.is_valid():
            try:
                revealed[form.cleaned_data["field"]] = services.worker_reveal(
                    actor=request.user,
                    worker=self.object,
                    field=form.cleaned_data["field"],
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
                status = 400
        else:
            status = 400
        ctx = self.get_context_data(object=self.object, revealed=revealed, reveal_form=form)
        return self.render_to_response(ctx, status=status)


def _form_page(request, form, template, title, save, **extra):
    """A one-form page whose valid POST calls `save(cleaned_data)`; the service's errors land on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "title": title, **extra}, status=status)


@login_required
@permission_required("workforce.add_worker", raise_exception=True)
def worker_create(request):
    form = forms.WorkerForm(request.POST or None, viewer=request.user)

    def save(d):
        return services.worker_create(actor=request.user, **d).get_absolute_url()

    return _form_page(request, form, "workforce/form.html", _("Add worker"), save)


@login_required
@permission_required("workforce.change_worker", raise_exception=True)
def worker_edit(request, pk):
    worker = get_visible_or_404(Worker, request.user, "workforce.change_worker", pk=pk)
    initial = {
        f: getattr(worker, f)
        for f in ("name", "kind", "level", "home_unit", "id_type", "skills", "health_status", "notes")
    }
    form = forms.WorkerForm(request.POST or None, viewer=request.user, creating=False, initial=initial)

    def save(d):
        services.worker_update(actor=request.user, worker=worker, **d)
        return worker.get_absolute_url()

    return _form_page(request, form, "workforce/form.html", _("Edit %(name)s") % {"name": worker.name}, save)


@login_required
@permission_required("workforce.add_assignment", raise_exception=True)
@require_POST
def worker_assign(request, pk):
    worker = get_visible_or_404(Worker, request.user, "workforce.view_worker", pk=pk)
    form = forms.AssignForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            services.assignment_create(actor=request.user, worker=worker, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s joined the team of %(community)s.")
                % {"name": worker.name, "community": form.cleaned_data["area"].name},
            )
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(worker.get_absolute_url())


@login_required
@permission_required("workforce.change_worker", raise_exception=True)
@require_POST
def worker_release(request, pk):
    worker = get_visible_or_404(Worker, request.user, "workforce.change_worker", pk=pk)
    try:
        services.worker_release(
            actor=request.user, worker=worker, reason=request.POST.get("reason", "")[:200]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Released."))
    return redirect(worker.get_absolute_url())


# -- the import -------------------------------------------------------------------------------------------


@login_required
@permission_required("workforce.add_worker", raise_exception=True)
def worker_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None, viewer=request.user)
    ctx = {
        "form": form,
        "title": _("Import a unit's list"),
        "headers": ix.TEMPLATE_HEADERS,
        "required": ix.REQUIRED,
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            upload = d["file"]
            try:
                result = services.worker_import(
                    actor=request.user,
                    area=d["area"],
                    content=upload.read(),
                    filename=upload.name,
                    kind=d["kind"],
                    level=d["level"],
                    home_unit=d["home_unit"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("area", str(exc))
            else:
                if result.ok:
                    messages.success(request, _("%(n)s workers imported.") % {"n": result.created})
                    return redirect(reverse("workforce:worker-list") + f"?area={d['area'].pk}")
                key = uuid.uuid4().hex
                cache.set(
                    f"wf:report:{request.user.pk}:{key}",
                    ix.error_report(result.rows, result.errors),
                    REPORT_TTL,
                )
                ctx.update(errors=result.errors, report_key=key, rows=len(result.rows))
    return render(request, "workforce/import.html", ctx, status=status)


@login_required
@permission_required("workforce.add_worker", raise_exception=True)
def import_template(request):
    return xlsx_response(ix.build_template(), "人员名单模板.xlsx")


@login_required
@permission_required("workforce.add_worker", raise_exception=True)
def import_report(request, key):
    data = cache.get(f"wf:report:{request.user.pk}:{str(key)[:64]}")
    if data is None:
        raise Http404
    return xlsx_response(data, "导入错误报告.xlsx")


# -- self-registration ------------------------------------------------------------------------------------


class LinkListView(ScopedListView):
    model = RegistrationLink
    filterset_class = LinkFilter
    table_class = LinkTable
    export_name = "registration-links"
    actions = [
        (gettext_lazy("New registration link"), "workforce:link-add", "workforce.add_registrationlink")
    ]

    def get_queryset(self):
        return selectors.link_list(viewer=self.request.user)


@login_required
@permission_required("workforce.add_registrationlink", raise_exception=True)
def link_create(request):
    form = forms.LinkForm(request.POST or None, viewer=request.user)

    def save(d):
        return services.registration_link_create(actor=request.user, **d).get_absolute_url()

    return _form_page(request, form, "workforce/form.html", _("New registration link"), save)


class LinkDetailView(ScopedDetailView):
    model = RegistrationLink
    template_name = "workforce/link_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        link = self.object
        url = self.request.build_absolute_uri(reverse("workforce:register", args=[link.token]))
        is_open = link.is_open_at(timezone.now())
        ctx.update(
            public_url=url,
            qr=qr_svg(url) if is_open else "",
            is_open=is_open,
            registrations=link.registrations.order_by("-created_at")[:100],
            title=str(link),
        )
        return ctx


@login_required
@permission_required("workforce.change_registrationlink", raise_exception=True)
@require_POST
def link_revoke(request, pk):
    link = get_visible_or_404(RegistrationLink, request.user, "workforce.change_registrationlink", pk=pk)
    try:
        services.registration_link_revoke(actor=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The link is revoked: it takes no more registrations."))
    return redirect(link.get_absolute_url())


@chinese_by_default
@rate_limited("workforce-register")
def register(request, token):
    """The public phone page of a registration link (no login): a volunteer or a party member registers."""
    try:
        link = services.open_link(token)
    except services.LinkClosed:
        return render(
            request, "workforce/register_closed.html", {"title": _("Registration closed")}, status=404
        )
    form = forms.SelfRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.self_register(token=token, **form.cleaned_data)
        except services.LinkClosed:
            return render(
                request, "workforce/register_closed.html", {"title": _("Registration closed")}, status=404
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return render(
                request,
                "workforce/register.html",
                {"link": link, "done": worker, "title": link.area.name},
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "workforce/register.html",
        {"link": link, "form": form, "title": link.area.name},
        status=status,
    )


class RegistrationListView(ScopedListView):
    model = Worker
    filterset_class = RegistrationFilter
    table_class = RegistrationTable
    export_name = "registrations"
    title = gettext_lazy("Registrations to review")
    permission_required = "workforce.change_worker"
    actions = [(gettext_lazy("Registration links"), "workforce:link-list", "workforce.view_registrationlink")]

    def get_queryset(self):
        return selectors.pending_registrations(viewer=self.request.user)


@login_required
@permission_required("workforce.change_worker", raise_exception=True)
@require_POST
def registration_review(request, pk):
    worker = get_visible_or_404(
        Worker.objects.filter(status=Worker.Status.PENDING), request.user, "workforce.change_worker", pk=pk
    )
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.registration_review(
                actor=request.user, worker=worker, approve=approve, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, f"{worker.name}: " + " ".join(exc.messages))
        else:
            messages.success(
                request,
                (_("%(name)s approved: active in the team.") if approve else _("%(name)s rejected."))
                % {"name": worker.name},
            )
    else:
        messages.error(request, _("Choose approve or reject."))
    return redirect("workforce:registration-list")


# -- deployment -------------------------------------------------------------------------------------------


class RequestListView(ScopedListView):
    model = DeploymentRequest
    filterset_class = RequestFilter
    table_class = RequestTable
    export_name = "deployment-requests"
    actions = [
        (gettext_lazy("State a need"), "workforce:request-add", "workforce.add_deploymentrequest"),
        (gettext_lazy("Needs and supply"), "workforce:deployment", "workforce.view_deploymentrequest"),
    ]

    def base_queryset(self):
        return DeploymentRequest.objects.select_related("area")


class RequestOpenView(RequestListView):
    """The requests still to fill, for who assigns (the workbench's line opens it)."""

    permission_required = "workforce.add_assignment"
    title = gettext_lazy("Deployment requests to fill")


class RequestDetailView(ScopedDetailView):
    model = DeploymentRequest
    template_name = "workforce/request_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["assignments"] = self.object.assignments.select_related("worker", "area").order_by(
            "-start", "-id"
        )[:200]
        ctx["title"] = str(self.object)
        return ctx


@login_required
@permission_required("workforce.add_deploymentrequest", raise_exception=True)
def request_create(request):
    form = forms.RequestForm(
        request.POST or None, viewer=request.user, initial={"start": timezone.localdate()}
    )

    def save(d):
        return services.request_create(actor=request.user, **d).get_absolute_url()

    return _form_page(request, form, "workforce/form.html", _("State a need"), save)


@login_required
@permission_required("workforce.change_deploymentrequest", raise_exception=True)
@require_POST
def request_cancel(request, pk):
    req = get_visible_or_404(DeploymentRequest, request.user, "workforce.change_deploymentrequest", pk=pk)
    try:
        services.request_cancel(actor=request.user, request=req)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request is cancelled."))
    return redirect(req.get_absolute_url())


class AssignmentListView(ScopedListView):
    model = Assignment
    filterset_class = AssignmentFilter
    table_class = AssignmentTable
    export_name = "assignments"

    def base_queryset(self):
        return Assignment.objects.select_related("worker", "area")


@login_required
@permission_required("workforce.view_deploymentrequest", raise_exception=True)
def deployment(request):
    """Needs against supply per street or community, and (for who may assign) the bulk assignment by
    criteria in one action."""
    from fangkong.areas.models import Area

    within = None
    raw = request.GET.get("within", "")
    if raw:
        within = (
            get_visible_or_404(Area, request.user, "workforce.view_deploymentrequest", pk=raw)
            if raw.isdigit()
            else None
        )
        if within is None:
            raise Http404
    may_assign = request.user.has_perm("workforce.add_assignment")
    form = forms.CriteriaForm(request.POST or None, viewer=request.user) if may_assign else None
    status = 200
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            d = dict(form.cleaned_data)
            d["communities"] = list(d.get("communities") or [])
            try:
                result = services.assign_by_criteria(actor=request.user, **d)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(n)s workers joined the teams of %(c)s communities.")
                    % {"n": result.assigned, "c": len(result.per_community)},
                )
                return redirect(request.get_full_path())
    rows = selectors.needs_and_supply(viewer=request.user, within=within)
    return render(
        request,
        "workforce/deployment.html",
        {
            "rows": rows,
            "within": within,
            "supply": selectors.supply_summary(viewer=request.user),
            "form": form,
            "title": _("Needs and supply"),
            "totals": {
                k: sum(r[k] for r in rows) for k in ("requested", "assigned", "team", "pending", "gap")
            },
        },
        status=status,
    )


# == rosters and attendance (wf2) ==


# -- rosters ------------------------------------------------------------------------------------------------


def _week_url(community, monday, day=None) -> str:
    q = {"community": community.pk, "week": monday.isoformat()}
    if day:
        q["day"] = day.isoformat()
    return reverse("workforce:roster") + "?" + urlencode(q)


@login_required
@permission_required("gates.view_postshift", raise_exception=True)
def roster(request):
    """The week's roster of a community by post and day (one day at a time: it fits a phone); generate."""
    form = forms.RosterWeekForm(request.GET or None, viewer=request.user)
    communities = list(selectors.roster_communities(viewer=request.user)[:2])
    community = monday = None
    if form.is_bound and form.is_valid():
        community = form.cleaned_data["community"]
        monday = form.cleaned_data["week"]
    community = community or (communities[0] if len(communities) == 1 else None)
    today = timezone.localdate()
    monday = selectors.week_of(monday or today)
    day = None
    if request.GET.get("day"):
        from fangkong.core.dates import parse_date

        try:
            day = parse_date(request.GET["day"])
        except ValidationError:
            day = None
    if day is None or not (monday <= day < monday + datetime.timedelta(days=7)):
        day = today if monday <= today < monday + datetime.timedelta(days=7) else monday
    if request.method == "POST":
        if not request.user.has_perm("gates.add_postshift"):
            raise PermissionDenied
        if community is None:
            raise Http404
        try:
            result = services.roster_generate(actor=request.user, community=community, monday=monday)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Roster generated: %(n)s shifts (%(kept)s kept, %(removed)s replaced).")
                % {"n": result.created, "kept": result.kept, "removed": result.removed},
            )
            if result.message:
                messages.warning(request, _("Demand not covered: %(what)s") % {"what": result.message})
        return redirect(_week_url(community, monday, day))
    grid = (
        selectors.roster_grid(viewer=request.user, community=community, monday=monday) if community else None
    )
    index = (day - monday).days
    rows = [(post, cells[index]) for post, cells in grid["rows"]] if grid else []
    return render(
        request,
        "workforce/roster.html",
        {
            "title": _("Duty roster"),
            "form": form,
            "community": community,
            "monday": monday,
            "day": day,
            "days": grid["days"] if grid else [],
            "rows": rows,
            "count": grid["count"] if grid else 0,
            "prev_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "week_url": (lambda d: _week_url(community, monday, d)) if community else None,
            "day_links": [(d, _week_url(community, monday, d)) for d in grid["days"]] if grid else [],
            "prev_url": _week_url(community, monday - datetime.timedelta(days=7)) if community else "",
            "next_url": _week_url(community, monday + datetime.timedelta(days=7)) if community else "",
        },
    )


@login_required
@permission_required("gates.add_postshift", raise_exception=True)
def roster_add(request):
    """Add a worker to a post for some hours (a form that works on a phone)."""
    initial = {}
    if request.method == "GET":
        initial = {k: request.GET[k] for k in ("post", "start", "end") if request.GET.get(k)}
    form = forms.ShiftAddForm(request.POST or None, initial=initial, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            shift = services.roster_shift_add(
                actor=request.user,
                post_id=d["post"].pk,
                worker_id=d["worker"].pk,
                start=d["start"],
                end=d["end"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_shift_week_url(shift))
    return render(
        request,
        "workforce/roster_form.html",
        {"form": form, "title": _("Add to the roster")},
        status=400 if form.errors else 200,
    )


def _shift_week_url(shift) -> str:
    from .services import community_of

    day = timezone.localtime(shift.start).date()
    return _week_url(community_of(shift.post.area), selectors.week_of(day), day)


@login_required
def roster_shift(request, pk):
    """One shift of the roster: give it to another worker, or take it off."""
    shift = get_visible_or_404(
        PostShift.objects.select_related("post", "post__area", "worker"),
        request.user,
        "gates.change_postshift",
        pk=pk,
    )
    form = forms.ShiftSwapForm(
        request.POST if request.POST.get("action") == "swap" else None, viewer=request.user
    )
    if request.method == "POST":
        back = _shift_week_url(shift)
        try:
            if request.POST.get("action") == "remove":
                services.roster_shift_remove(actor=request.user, shift_id=shift.pk)
                messages.success(request, _("Taken off the roster."))
                return redirect(back)
            if form.is_valid():
                services.roster_shift_swap(
                    actor=request.user, shift_id=shift.pk, worker_id=form.cleaned_data["worker"].pk
                )
                messages.success(request, _("Saved."))
                return redirect(back)
        except ValidationError as exc:
            form_errors(form, exc)
    attended = Attendance.objects.filter(shift=shift).first()
    return render(
        request,
        "workforce/roster_shift.html",
        {
            "shift": shift,
            "form": form,
            "attended": attended,
            "title": _("Shift"),
            "back": _shift_week_url(shift),
        },
        status=400 if form.errors else 200,
    )


# -- post codes and check-in --------------------------------------------------------------------------------


def _checkin_url(request, code) -> str:
    return request.build_absolute_uri(reverse("workforce:checkin", args=[code.token]))


@login_required
def post_code(request, post_pk):
    """A post's check-in QR code (issued on first visit by whoever may change the post)."""
    from fangkong.gates.documents import qr_svg

    post = get_visible_or_404(
        Post.objects.select_related("place"), request.user, "gates.view_post", pk=post_pk
    )
    code = selectors.post_code_current(post)
    can_change = request.user.has_perm("gates.change_post")
    if code is None and can_change and request.method == "GET":
        code = services.post_code_issue(actor=request.user, post_id=post.pk)
    url = _checkin_url(request, code) if code else ""
    return render(
        request,
        "workforce/post_code.html",
        {
            "post": post,
            "code": code,
            "url": url,
            "qr": qr_svg(url) if code else "",
            "can_change": can_change,
            "on_duty": selectors.on_duty(post=post),
            "title": _("Check-in code") + " · " + post.name,
        },
    )


@login_required
@require_POST
def post_code_change(request, post_pk):
    post = get_visible_or_404(Post, request.user, "gates.change_post", pk=post_pk)
    try:
        if request.POST.get("action") == "revoke":
            services.post_code_revoke(actor=request.user, post_id=post.pk)
            messages.success(request, _("Code revoked: scans of it are refused."))
        else:
            services.post_code_issue(actor=request.user, post_id=post.pk)
            messages.success(request, _("New code issued; the old poster no longer works."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("workforce:post-code", post_pk=post.pk)


@login_required
def checkin(request, token):
    """The page a post's QR code opens: the worker rostered there now checks in or out (with the phone's
    location when they allow it)."""
    status = 200
    error = ""
    done = None
    if request.method == "POST":
        form = forms.CheckInForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["action"] == "in":
                    done = services.attendance_check_in(
                        actor=request.user, token=token, lat=d["lat"], lon=d["lon"]
                    )
                    messages.success(
                        request,
                        (_("Checked in at %(time)s (late).") if done.late else _("Checked in at %(time)s."))
                        % {"time": timezone.localtime(done.checked_in_at).strftime("%H:%M")},
                    )
                else:
                    done = services.attendance_check_out(actor=request.user, token=token)
                    messages.success(
                        request,
                        _("Checked out at %(time)s.")
                        % {"time": timezone.localtime(done.checked_out_at).strftime("%H:%M")},
                    )
                return redirect("workforce:checkin", token=token)
            except ValidationError as exc:
                error, status = " ".join(exc.messages), 400
        else:
            error, status = _("Tap check in or check out."), 400
    code = selectors.post_code_resolve(token)
    worker = shift = current = None
    if code is None:
        error, status = error or _("This check-in code is not known. Scan the code on the post again."), 404
    elif not code.active:
        error, status = (
            error or _("This post's code has been revoked. Ask the community for the new code."),
            410,
        )
    else:
        worker = getattr(request.user, "worker", None)
        if worker is not None:
            now = timezone.now()
            shift = selectors.shift_now(worker=worker, post=code.post, at=now)
            current = selectors.open_attendance(worker=worker, post=code.post)
    return render(
        request,
        "workforce/checkin.html",
        {
            "code": code,
            "post": code.post if code else None,
            "worker": worker,
            "shift": shift,
            "current": current,
            "error": error,
            "title": _("Check in at the post"),
        },
        status=status,
    )


# -- lists --------------------------------------------------------------------------------------------------


class AttendanceListView(ScopedListView):
    model = Attendance
    filterset_class = AttendanceFilter
    table_class = AttendanceTable
    export_name = "attendance"
    template_name = "workforce/attendance_list.html"
    title = gettext_lazy("Attendance")
    actions = [(gettext_lazy("Missed check-ins"), "workforce:missed-list", "workforce.view_missedcheckin")]

    def base_queryset(self):
        return Attendance.objects.select_related("worker", "shift", "shift__post")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["figures"] = selectors.attendance_figures(viewer=self.request.user)
        return ctx


class MissedCheckInListView(ScopedListView):
    model = MissedCheckIn
    filterset_class = MissedCheckInFilter
    table_class = MissedCheckInTable
    export_name = "missed-checkins"
    title = gettext_lazy("Missed check-ins")

    def base_queryset(self):
        return MissedCheckIn.objects.select_related("worker", "shift", "shift__post")


class PostCoverListView(ScopedListView):
    """Posts and their cover: `?uncovered=true` lists those short of workers in the next 24 hours."""

    model = Post
    filterset_class = PostCoverFilter
    table_class = PostCoverTable
    export_name = "posts-cover"
    title = gettext_lazy("Posts and their cover")
    actions = [(gettext_lazy("Duty roster"), "workforce:roster", "gates.view_postshift")]

    def base_queryset(self):
        return Post.objects.filter(active=True).select_related("place")
