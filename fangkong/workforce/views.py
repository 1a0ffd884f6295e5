"""Pages of the workforce: thin — parse, call a service or a selector, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedListView, form_errors
from fangkong.gates.models import Post, PostShift

from . import forms, selectors, services
from .filters import AttendanceFilter, MissedCheckInFilter, PostCoverFilter
from .models import Attendance, MissedCheckIn
from .tables import AttendanceTable, MissedCheckInTable, PostCoverTable

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
    code = selectors.post_code_resolve(token)
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
