"""Thin views: parse, call a service or selector, render."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.areas.models import Area, Level
from fangkong.core.language import chinese_by_default
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors
from fangkong.gates.ratelimit import rate_limited

from . import documents, forms, selectors, services
from .filters import ClosureFilter, RequestFilter
from .models import (
    OPEN_STATES,
    Closure,
    DoorKnock,
    Request,
    RequestState,
    Step,
    Team,
    TeamMember,
)
from .tables import ClosureTable, RequestTable


def _err(request, exc) -> None:
    msgs = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    messages.error(request, "；".join(msgs))


# -- closures ----------------------------------------------------------------------------------------------


class ClosureListView(ScopedListView):
    model = Closure
    filterset_class = ClosureFilter
    table_class = ClosureTable
    export_name = "closures"
    actions = [(_("Declare a closure"), "support:closure-declare", "support.add_closure")]

    def get_permission_required(self):
        return []

    def has_permission(self):
        u = self.request.user
        return u.has_perm("support.view_closure") or u.has_perm("people.view_statistics")

    def get_queryset(self):
        u = self.request.user
        perm = "support.view_closure" if u.has_perm("support.view_closure") else "people.view_statistics"
        return Closure.objects.select_related("area").visible_to(u, perm)


@login_required
def closure_declare(request):
    if not request.user.has_perm("support.add_closure"):
        raise PermissionDenied
    form = forms.ClosureForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            closure = services.closure_declare(
                actor=request.user,
                area=d["area"],
                name=d["name"],
                reason=d["reason"],
                start=d["start"],
                checkpoints=list(d["checkpoints"]),
                duty_phone=d["duty_phone"],
                medical_lead=d["medical_lead"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("Closure declared: %(n)s residents affected.") % {"n": closure.affected}
            )
            return redirect(closure)
    return render(
        request,
        "support/form.html",
        {"form": form, "title": _("Declare a closure")},
        status=400 if form.errors else 200,
    )


def _closure(request, pk, perm="support.view_closure") -> Closure:
    return get_visible_or_404(Closure.objects.select_related("area"), request.user, perm, pk=pk)


class ClosureDetailView(ScopedDetailView):
    """The closure; a viewer of figures only (leadership) sees its counts and figures, not its teams."""

    model = Closure
    template_name = "support/closure_detail.html"

    def get_permission_required(self):
        return []

    def has_permission(self):
        u = self.request.user
        return u.has_perm("support.view_closure") or u.has_perm("people.view_statistics")

    def get_queryset(self):
        u = self.request.user
        perm = "support.view_closure" if u.has_perm("support.view_closure") else "people.view_statistics"
        return Closure.objects.select_related("area", "declared_by", "ended_by", "medical_lead").visible_to(
            u, perm
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c, user = self.object, self.request.user
        teams = list(Team.objects.filter(closure=c).prefetch_related("members"))
        ctx.update(
            title=c.name,
            teams=teams,
            open_requests=Request.objects.filter(closure=c, state__in=OPEN_STATES).count(),
            can_change=user.has_perm("support.change_closure"),
            can_member=user.has_perm("support.add_teammember"),
            member_form=forms.MemberForm(viewer=user),
            end_form=forms.EndForm(),
            checkpoints=c.checkpoints.all(),
            figures=selectors.closure_figures(c, timezone.localdate()),
            negative_hours=selectors.negative_hours(c),
        )
        return ctx


@login_required
@require_POST
def closure_end(request, pk):
    closure = _closure(request, pk, "support.change_closure")
    try:
        left = services.closure_end(
            actor=request.user, closure=closure, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _err(request, exc)
    else:
        if left:
            messages.warning(
                request,
                _(
                    "Closure ended with %(n)s requests still open: they stay on the board and can still be "
                    "reassigned and delivered."
                )
                % {"n": left},
            )
        else:
            messages.success(request, _("Closure ended."))
    return redirect(closure)


@login_required
@require_POST
def member_add(request, pk):
    closure = _closure(request, pk, "support.add_teammember")
    form = forms.MemberForm(request.POST, viewer=request.user)
    if form.is_valid():
        d = form.cleaned_data
        team = Team.objects.get(closure=closure, kind=d["team"])
        try:
            services.team_member_add(
                actor=request.user,
                team=team,
                worker=d.get("worker"),
                user=d["user"],
                name=d["name"],
                phone=d["phone"],
                lead=d["lead"],
            )
        except ValidationError as exc:
            _err(request, exc)
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(closure)


@login_required
def household_links(request, pk):
    """Each household's signed link (and QR) for the notice on its door."""
    closure = _closure(request, pk, "support.add_request")
    households = (
        Area.objects.filter(path__startswith=closure.area_path, level=Level.HOUSEHOLD)
        .select_related("parent__parent")
        .order_by("path")
    )
    page = households[:300]
    rows = [
        (
            h,
            request.build_absolute_uri(
                reverse("support:household", args=[selectors.household_token(closure, h)])
            ),
        )
        for h in page
    ]
    return render(
        request,
        "support/household_links.html",
        {"closure": closure, "rows": rows, "total": households.count(), "title": _("Household links")},
    )


@login_required
def household_qr(request, pk, household_pk):
    closure = _closure(request, pk, "support.add_request")
    h = get_visible_or_404(
        Area.objects.filter(level=Level.HOUSEHOLD, path__startswith=closure.area_path),
        request.user,
        "support.add_request",
        pk=household_pk,
    )
    url = request.build_absolute_uri(
        reverse("support:household", args=[selectors.household_token(closure, h)])
    )
    return HttpResponse(documents.qr_svg(url), content_type="image/svg+xml")


# -- the resident's page -----------------------------------------------------------------------------------


@chinese_by_default
@rate_limited("support-household", methods=("POST",))
def household(request, token):
    """The household's phone page from its signed link: file a request, see its state, confirm, rate."""
    state, closure, home = selectors.household_from_token(token)
    if state != "ok":
        return render(
            request,
            "support/household.html",
            {"invalid": state, "title": _("Service requests")},
            status=410 if state == "expired" else 404,
        )
    form = forms.ResidentRequestForm(request.POST or None, initial={"client_id": uuid.uuid4().hex})
    if request.method == "POST" and request.POST.get("confirm"):
        req = Request.objects.filter(
            pk=request.POST.get("confirm") if str(request.POST.get("confirm")).isdigit() else 0, area=home
        ).first()
        cf = forms.ConfirmForm(request.POST)
        if req is None:
            messages.error(request, _("This request is not one of your household's."))
        elif cf.is_valid():
            try:
                _req, done = services.request_confirm(
                    actor=None,
                    request=req,
                    rating=cf.cleaned_data["rating"],
                    comment=cf.cleaned_data["comment"],
                )
            except ValidationError as exc:
                _err(request, exc)
            else:
                messages.success(
                    request,
                    _("Thank you, receipt confirmed.")
                    if done
                    else _("You had already confirmed this request."),
                )
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.request_create(
                actor=None,
                household=home,
                closure=closure,
                kind=d["kind"],
                note=d["note"],
                contact_phone=d["contact_phone"],
                client_id=d["client_id"] or None,
                source=Request.Source.RESIDENT,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your request is registered. You can follow it on this page."))
            return redirect(request.path)
    reqs = list(
        Request.objects.filter(area=home)
        .select_related("assignee")
        .prefetch_related("steps")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "support/household.html",
        {
            "closure": closure,
            "home": home,
            "form": form,
            "requests": reqs,
            "confirm_form": forms.ConfirmForm(),
            "title": _("Service requests"),
        },
        status=400 if form.errors else 200,
    )


# -- requests ----------------------------------------------------------------------------------------------


class RequestListView(ScopedListView):
    model = Request
    filterset_class = RequestFilter
    table_class = RequestTable
    export_name = "service-requests"
    title = _("Service requests")
    actions = [(_("Phone line"), "support:quick-entry", "support.add_request")]

    def base_queryset(self):
        return selectors.overdue_first(Request.objects.select_related("area", "assignee", "closure"))


class RequestDetailView(ScopedDetailView):
    model = Request
    template_name = "support/request_detail.html"

    def base_queryset(self):
        return Request.objects.select_related("area", "closure", "assignee", "person", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r, user = self.object, self.request.user
        have = {s.step for s in r.steps.all()}
        ctx.update(
            title=str(r),
            steps=r.steps.select_related("by"),
            expected=[(s, Step(s).label, s in have) for s in r.steps_expected()],
            next_step=next((s for s in r.steps_expected() if s not in have), None),
            attempts=r.attempts.select_related("runner"),
            escalations=r.escalations.all(),
            members=selectors.members_of(r.closure),
            can_change=user.has_perm("support.change_request"),
        )
        return ctx


def _request(request, pk, perm) -> Request:
    return get_visible_or_404(
        Request.objects.select_related("closure", "assignee"), request.user, perm, pk=pk
    )


@login_required
@require_POST
def request_assign(request, pk):
    req = _request(request, pk, "support.change_request")
    member = (
        selectors.members_of(req.closure).filter(pk=request.POST.get("member") or 0).first()
        if str(request.POST.get("member", "")).isdigit()
        else None
    )
    if member is None:
        messages.error(request, _("Choose a member of this closure's teams."))
    else:
        try:
            services.request_assign(actor=request.user, request=req, member=member)
        except ValidationError as exc:
            _err(request, exc)
        else:
            messages.success(request, _("Assigned to %(m)s.") % {"m": member.name})
    return redirect(request.POST.get("next") or req.get_absolute_url())


@login_required
@require_POST
def request_step(request, pk):
    """A worker records a step on the runner's behalf (e.g. the medicine lead after a phone call)."""
    req = _request(request, pk, "support.change_request")
    try:
        res = services.step_record(
            actor=request.user,
            request=req,
            step=request.POST.get("step", ""),
            note=request.POST.get("note", ""),
            on_behalf=True,
        )
    except ValidationError as exc:
        _err(request, exc)
    else:
        (messages.success if res.created else messages.info)(request, res.message)
    return redirect(req)


@login_required
@require_POST
def request_cancel(request, pk):
    req = _request(request, pk, "support.change_request")
    try:
        services.request_cancel(actor=request.user, request=req, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _err(request, exc)
    return redirect(req)


@login_required
def quick_entry(request):
    """The phone line's one screen: type the caller's number (or a name), pick the household, the type,
    a note, save. Keyboard-fast: the first field has focus, Enter moves on."""
    if not request.user.has_perm("support.add_request"):
        raise PermissionDenied
    phone = (request.GET.get("phone") or "").strip()
    found = selectors.households_by_phone(viewer=request.user, phone=phone) if phone else []
    initial = {"client_id": uuid.uuid4().hex, "contact_phone": phone}
    picked = request.GET.get("household", "")
    if len(found) == 1:
        initial["household"] = found[0]["household"]
    elif picked.isdigit() and int(picked) in {f["household"] for f in found}:
        initial["household"] = int(picked)
    form = forms.QuickEntryForm(request.POST or None, viewer=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            req = services.request_create(
                actor=request.user,
                household=d["household"],
                kind=d["kind"],
                note=d["note"],
                contact_phone=d["contact_phone"],
                client_id=d["client_id"] or None,
                source=Request.Source.ENTRANCE_HEAD if d["on_behalf"] else Request.Source.PHONE,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Request #%(id)s saved.") % {"id": req.pk})
            return redirect("support:quick-entry")
    return render(
        request,
        "support/quick_entry.html",
        {
            "form": form,
            "phone": phone,
            "found": found,
            "chosen": initial.get("household"),
            "title": _("Phone line"),
        },
        status=400 if form.errors else 200,
    )


# -- the team lead's board -------------------------------------------------------------------------------


@login_required
def board(request, pk):
    closure = _closure(request, pk, "support.view_request")
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    state = state if state in RequestState.values else ""
    data = selectors.board(viewer=request.user, closure=closure, state=state, kind=kind)
    members = list(selectors.members_of(closure))
    defaults = selectors.default_members(members)
    # Each box is rendered once per (default member): a board of hundreds of rows would otherwise render
    # every member per row. The request's current assignee, else its type's team, else nobody.
    options: dict = {}

    def member_options(chosen):
        key = chosen.pk if chosen else None
        if key not in options:
            options[key] = format_html(
                '<option value=""{}>—</option>', " selected" if chosen is None else ""
            ) + format_html_join(
                "",
                '<option value="{}"{}>{} · {}</option>',
                (
                    (m.pk, " selected" if m.pk == key else "", m.name, m.team.get_kind_display())
                    for m in members
                ),
            )
        return options[key]

    by_pk = {m.pk: m for m in members}
    for r in data["attention"] + [r for b in data["buildings"] for r in b["requests"]]:
        r.member_options = member_options(by_pk.get(r.assignee_id) or defaults.get(r.kind))
    for b in data["buildings"]:
        teams = {defaults.get(r.kind) for r in b["requests"]}
        b["member_options"] = member_options(teams.pop() if len(teams) == 1 else None)
    from .models import RequestKind

    return render(
        request,
        "support/board.html",
        {
            "closure": closure,
            "title": _("Dispatch board"),
            **data,
            "state": state,
            "kind": kind,
            "states": RequestState.choices,
            "kinds": RequestKind.choices,
            "state_counts": [(v, lbl, data["counts"].get(v, 0)) for v, lbl in RequestState.choices],
            "members": members,
            "assign_prefix": reverse("support:request-list"),
            "can_change": request.user.has_perm("support.change_request"),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def batch_assign(request, pk):
    closure = _closure(request, pk, "support.change_request")
    building = get_visible_or_404(
        Area.objects.filter(level=Level.BUILDING),
        request.user,
        "support.change_request",
        pk=request.POST.get("building") or 0,
    )
    member = (
        selectors.members_of(closure).filter(pk=request.POST.get("member") or 0).first()
        if str(request.POST.get("member", "")).isdigit()
        else None
    )
    if member is None:
        messages.error(request, _("Choose a member of this closure's teams."))
    else:
        try:
            batch = services.batch_assign(
                actor=request.user, closure=closure, building=building, member=member
            )
        except ValidationError as exc:
            _err(request, exc)
        else:
            messages.success(
                request,
                _("%(n)s requests of %(b)s batched to %(m)s.")
                % {"n": batch.requests.count(), "b": building.name, "m": member.name},
            )
    return redirect("support:board", pk=closure.pk)


# -- the runner's phone page -----------------------------------------------------------------------------


@login_required
def runner(request):
    """My tasks (any user who is a team member): the next step of each, delivered with a photo, or a
    failed attempt with its reason. Works offline through the page's queue (runner.js)."""
    tasks = list(selectors.runner_tasks(user=request.user)[:200])
    for t in tasks:
        have = {s.step for s in t.steps.all()}
        t.next_step = next((s for s in t.steps_expected() if s not in have), None)
        t.next_label = Step(t.next_step).label if t.next_step else ""
    member = TeamMember.objects.filter(user=request.user, active=True).exists()
    return render(
        request,
        "support/runner.html",
        {"tasks": tasks, "member": member, "title": _("My deliveries"), "now": timezone.now()},
    )


@login_required
@require_POST
def runner_act(request, pk):
    """One action from the runner page without the queue (and the only way to send a photo)."""
    # The runner's own task, or a request of their community (then the service refuses it clearly).
    from django.http import Http404

    req = selectors.runner_requests(user=request.user).filter(pk=pk).select_related("assignee").first()
    if req is None:
        raise Http404
    action = request.POST.get("action", "")
    try:
        if action == "failed":
            _a, created = services.attempt_failed(
                actor=request.user,
                request=req,
                reason=request.POST.get("reason", ""),
                client_id=request.POST.get("client_id"),
            )
            (messages.success if created else messages.info)(
                request, _("Failed attempt recorded.") if created else _("Already recorded.")
            )
        else:
            res = services.step_record(
                actor=request.user,
                request=req,
                step=action,
                photo=request.FILES.get("photo"),
                client_id=request.POST.get("client_id"),
                note=request.POST.get("note", ""),
            )
            (messages.success if res.created else messages.info)(request, res.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        _err(request, exc)
    return redirect("support:runner")


@login_required
@require_POST
def runner_sync(request):
    """The runner page's offline queue: POST {"actions": [...]} → {"results": [{client_id, status}]}."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": _("Send JSON.")}, status=400)
    # The queue sends one action as it is (q.send) and a backlog as {"actions": [...]} (q.sync).
    items = body.get("actions") if isinstance(body, dict) and "actions" in body else [body]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return JsonResponse({"actions": [_("Send a list of actions.")]}, status=400)
    if len(items) > services.MAX_SYNC:
        return JsonResponse(
            {"actions": [_("At most %(n)d actions per request.") % {"n": services.MAX_SYNC}]}, status=400
        )
    return JsonResponse({"results": services.runner_sync(actor=request.user, items=items)})


runner_sync.nul_per_item = True  # an offline backlog: one item with a NUL is rejected alone (the service)


# -- door-knock action -------------------------------------------------------------------------------------


@login_required
def knocks(request, pk):
    closure = _closure(request, pk, "support.view_doorknock")
    if request.method == "POST":
        if not request.user.has_perm("support.add_doorknock"):
            raise PermissionDenied
        try:
            n = services.knock_list_generate(actor=request.user, closure=closure)
        except ValidationError as exc:
            _err(request, exc)
        else:
            messages.success(request, _("%(n)s households added to the list.") % {"n": n})
        return redirect("support:knocks", pk=closure.pk)
    qs = selectors.knock_list(viewer=request.user, closure=closure)
    outcome = request.GET.get("outcome", "")
    if outcome in DoorKnock.Outcome.values:
        qs = qs.filter(outcome=outcome)
    rows = list(qs.select_related("area__parent__parent")[:300])
    by_entrance = {}
    for k in rows:
        by_entrance.setdefault(k.entrance_id, {"entrance": k.entrance, "rows": []})["rows"].append(k)
    totals = dict(
        selectors.knock_list(viewer=request.user, closure=closure)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    return render(
        request,
        "support/knocks.html",
        {
            "closure": closure,
            "entrances": list(by_entrance.values()),
            "totals": totals,
            "outcomes": DoorKnock.Outcome.choices,
            "outcome": outcome,
            "form": forms.KnockForm(),
            "can_change": request.user.has_perm("support.change_doorknock"),
            "title": _("Door-knock action"),
        },
    )


@login_required
@require_POST
def knock_record(request, pk):
    knock = get_visible_or_404(DoorKnock, request.user, "support.change_doorknock", pk=pk)
    form = forms.KnockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            _k, made = services.knock_record(actor=request.user, knock=knock, **form.cleaned_data)
        except ValidationError as exc:
            _err(request, exc)
        else:
            messages.success(request, _("Visit recorded; %(n)s requests filed.") % {"n": len(made)})
    return redirect("support:knocks", pk=knock.closure_id)


# -- supplies ------------------------------------------------------------------------------------------------


@login_required
def supplies(request, pk):
    closure = _closure(request, pk, "support.view_supplylot")
    lot_form = forms.LotForm(viewer=request.user)
    dist_form = forms.DistributionForm(viewer=request.user)
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "lot":
                if not request.user.has_perm("support.add_supplylot"):
                    raise PermissionDenied
                lot_form = forms.LotForm(request.POST, viewer=request.user)
                if lot_form.is_valid():
                    services.lot_receive(actor=request.user, closure=closure, **lot_form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("support:supplies", pk=closure.pk)
            elif which == "distribution":
                if not request.user.has_perm("support.add_distribution"):
                    raise PermissionDenied
                dist_form = forms.DistributionForm(request.POST, viewer=request.user)
                if dist_form.is_valid():
                    services.distribute(actor=request.user, closure=closure, **dist_form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("support:supplies", pk=closure.pk)
        except ValidationError as exc:
            form_errors(lot_form if which == "lot" else dist_form, exc)
    return render(
        request,
        "support/supplies.html",
        {
            "closure": closure,
            "stock": selectors.stock(closure),
            "lots": closure.lots.select_related("checkpoint")[:50],
            "distributions": selectors.distributions_by_building(closure),
            "lot_form": lot_form,
            "dist_form": dist_form,
            "title": _("Supplies"),
        },
        status=400 if lot_form.errors or dist_form.errors else 200,
    )


@login_required
def picking_list(request, pk, building_pk):
    closure = _closure(request, pk, "support.view_distribution")
    building = get_visible_or_404(
        Area.objects.filter(level=Level.BUILDING, path__startswith=closure.area_path),
        request.user,
        "support.view_distribution",
        pk=building_pk,
    )
    pdf = documents.picking_list_pdf(closure, building)
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="picking-{building.pk}.pdf"'
    return resp


# -- figures -------------------------------------------------------------------------------------------------


def _figures_allowed(user) -> None:
    if not (user.has_perm("support.view_closure") or user.has_perm("people.view_statistics")):
        raise PermissionDenied


@login_required
def figures(request, pk):
    _figures_allowed(request.user)
    perm = (
        "support.view_closure" if request.user.has_perm("support.view_closure") else "people.view_statistics"
    )
    closure = _closure(request, pk, perm)
    day = timezone.localdate()
    today = selectors.closure_figures(closure, day)
    return render(
        request,
        "support/figures.html",
        {
            "closure": closure,
            "title": _("Figures"),
            "today": today,
            "day": day,
            "states": [(v, lbl, today["by_state"][v]) for v, lbl in RequestState.choices],
            "data_url": reverse("support:figures-data", args=[closure.pk]),
        },
    )


@login_required
def figures_data(request, pk):
    _figures_allowed(request.user)
    perm = (
        "support.view_closure" if request.user.has_perm("support.view_closure") else "people.view_statistics"
    )
    closure = _closure(request, pk, perm)
    data = selectors.closure_series(closure)
    data["labels"] = {
        "requests": _("Requests filed"),
        "medicine_orders": _("Medicine orders"),
        "delivered": _("Delivered"),
        "overdue": _("Overdue"),
        "same_day_share": _("Same-day share (%)"),
        "median_minutes": _("Median minutes"),
        "vulnerable_visited": _("Vulnerable households visited"),
    }
    return JsonResponse(data)
