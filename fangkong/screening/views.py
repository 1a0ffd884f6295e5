"""Thin views of mass testing: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from fangkong.areas.models import Area
from fangkong.core import excel
from fangkong.core import imports as core_imports
from fangkong.core.imports import RowError
from fangkong.core.scoping import get_visible_or_404, user_can_see_path
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors

from . import documents, forms, selectors, services
from .filters import BoxFilter, CampaignFilter, RetestFilter, TargetFilter, TransferFilter
from .models import Box, Campaign, LabImport, RetestItem, SchedulePlan, Site, TargetPerson, TransferTask, Tube
from .tables import BoxTable, CampaignTable, LabImportTable, RetestTable, TransferTable, UntestedTable


def _need(request, *perms):
    if not any(request.user.has_perm(p) for p in perms):
        raise PermissionDenied


def _campaign(request, pk, perm="screening.view_campaign") -> Campaign:
    _need(request, perm)
    return get_visible_or_404(Campaign, request.user, perm, pk=pk)


@login_required
def home(request):
    """Campaigns the user may see, with their coverage figures; leaders see figures only."""
    user = request.user
    _need(request, "screening.view_campaign", "people.view_statistics")
    rows = []
    for c in selectors.campaigns_visible(viewer=user).order_by("-starts")[:30]:
        totals = selectors.coverage_totals(selectors.coverage_rows(viewer=user, campaign=c, level="street"))
        rows.append((c, totals))
    return render(
        request,
        "screening/home.html",
        {
            "title": _("Mass testing"),
            "rows": rows,
            "figures_only": not user.has_perm("screening.view_campaign"),
        },
    )


class CampaignListView(ScopedListView):
    model = Campaign
    filterset_class = CampaignFilter
    table_class = CampaignTable
    export_name = "testing-campaigns"
    title = _("Testing campaigns")
    actions = [(_("New campaign"), "screening:campaign-add", "screening.add_campaign")]

    def base_queryset(self):
        return Campaign.objects.select_related("area")


@login_required
def campaign_add(request):
    _need(request, "screening.add_campaign")
    form = forms.CampaignForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.campaign_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("Campaign created: %(regime)s.") % {"regime": c.regime_source or c.regime}
            )
            return redirect(c.get_absolute_url())
    return render(
        request,
        "screening/form.html",
        {"form": form, "title": _("New campaign")},
        status=400 if form.errors else 200,
    )


class CampaignDetailView(ScopedDetailView):
    model = Campaign
    template_name = "screening/campaign_detail.html"

    def base_queryset(self):
        return Campaign.objects.select_related("area", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c, user = self.object, self.request.user
        streets = selectors.coverage_rows(viewer=user, campaign=c, level="street")
        totals = selectors.coverage_totals(streets)
        ctx.update(
            {
                "title": c.name,
                "streets": streets,
                "communities": selectors.coverage_rows(viewer=user, campaign=c, level="community"),
                "buildings": selectors.coverage_rows(viewer=user, campaign=c, level="building")[:300],
                "totals": totals,
                "need": services.capacity_needed(campaign=c, people=totals["due"]),
                "sites": c.sites.select_related("place").annotate(n_staff=Count("staff")),
                "plan": c.plans.order_by("-version").first(),
                "published": services.published_plan(c),
                "tubes": selectors.tube_counts(campaign=c),
                "can_change": user.has_perm("screening.change_campaign"),
                "can_add_site": user.has_perm("screening.add_site"),
            }
        )
        return ctx


@login_required
@require_POST
def campaign_action(request, pk, action):
    c = _campaign(request, pk, "screening.change_campaign")
    try:
        if action == "target":
            n = services.campaign_target_compute(actor=request.user, campaign=c)
            messages.success(request, _("Target population: %(n)s people.") % {"n": n})
        elif action in ("scheduled", "running", "finished", "draft"):
            services.campaign_state_set(actor=request.user, campaign=c, state=action)
            messages.success(request, _("Saved."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(c.get_absolute_url())


@login_required
def site_add(request, pk):
    c = _campaign(request, pk, "screening.add_site")
    d = services.site_defaults(c)
    form = forms.SiteForm(
        request.POST or None,
        viewer=request.user,
        initial={
            **d,
            "kind": Site.Kind.FIXED,
            "opens": timezone.localtime(d["opens"]),
            "closes": timezone.localtime(d["closes"]),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.site_create(actor=request.user, campaign=c, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(c.get_absolute_url())
    return render(
        request,
        "screening/form.html",
        {"form": form, "title": _("Add a sampling site"), "back": c.get_absolute_url()},
        status=400 if form.errors else 200,
    )


class SiteDetailView(ScopedDetailView):
    model = Site
    template_name = "screening/site_detail.html"

    def base_queryset(self):
        return Site.objects.select_related("place", "campaign")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s, user = self.object, self.request.user
        ctx.update(
            {
                "title": str(s.place),
                "staff": s.staff.select_related("user", "worker"),
                "edit_form": forms.SiteEditForm(
                    initial={
                        "lanes": s.lanes,
                        "per_lane_hour": s.per_lane_hour,
                        "opens": timezone.localtime(s.opens),
                        "closes": timezone.localtime(s.closes),
                        "closed": s.closed,
                    }
                ),
                "staff_form": forms.LaneStaffForm(viewer=user),
                "can_change": user.has_perm("screening.change_site"),
                "can_staff": user.has_perm("screening.add_lanestaff"),
                "tubes": selectors.tube_counts(campaign=s.campaign),
            }
        )
        return ctx


@login_required
@require_POST
def site_edit(request, pk):
    _need(request, "screening.change_site")
    s = get_visible_or_404(Site, request.user, "screening.change_site", pk=pk)
    form = forms.SiteEditForm(request.POST)
    if form.is_valid():
        try:
            services.site_update(actor=request.user, site=s, **form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(s.get_absolute_url())


@login_required
@require_POST
def site_staff_add(request, pk):
    _need(request, "screening.add_lanestaff")
    s = get_visible_or_404(Site, request.user, "screening.add_lanestaff", pk=pk)
    form = forms.LaneStaffForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            services.lane_staff_add(actor=request.user, site=s, **form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(s.get_absolute_url())


# -- schedule ---------------------------------------------------------------------------------------


PLAN_STATUS = {
    "optimal": gettext_noop("everyone placed"),
    "partial": gettext_noop("not everyone fits: see the unplaced buildings"),
    "empty": gettext_noop("no one to place"),
}


def _chart(plan: SchedulePlan | None) -> dict | None:
    if plan is None or not plan.chart:
        return None
    data = dict(plan.chart)
    try:
        from .simulation import DEFAULT_LABELS
    except ImportError:
        DEFAULT_LABELS = {}
    # Stored in the language of whoever generated it: labels again in the reader's.
    data["labels"] = {**data.get("labels", {}), **{k: _(v) for k, v in DEFAULT_LABELS.items()}}
    return data


@login_required
def schedule(request, pk):
    c = _campaign(request, pk, "screening.view_scheduleplan")
    if request.method == "POST":
        _need(request, "screening.add_scheduleplan")
        try:
            if request.POST.get("publish"):
                plan = get_visible_or_404(
                    SchedulePlan.objects.filter(campaign=c),
                    request.user,
                    "screening.add_scheduleplan",
                    pk=request.POST.get("publish"),
                )
                services.plan_publish(actor=request.user, plan=plan)
                messages.success(request, _("Schedule published: notices and residents' pages show it."))
            else:
                plan = services.plan_generate(actor=request.user, campaign=c)
                messages.success(request, _("Schedule v%(v)s generated.") % {"v": plan.version})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("screening:schedule", pk=c.pk)
    plan = c.plans.order_by("-version").first()
    published = services.published_plan(c)
    slots = []
    if plan is not None:
        slots = list(plan.slots.select_related("site__place", "area").order_by("start", "area_path")[:500])
    return render(
        request,
        "screening/schedule.html",
        {
            "title": _("Schedule: %(name)s") % {"name": c.name},
            "campaign": c,
            "plan": plan,
            "published": published,
            "slots": slots,
            "chart": _chart(plan),
            "solver": (plan.solver.split("(")[0].strip() if plan else ""),
            "status": _(PLAN_STATUS[plan.status]) if plan and plan.status in PLAN_STATUS else "",
            "can_plan": request.user.has_perm("screening.add_scheduleplan"),
            "now": timezone.now(),
        },
    )


@login_required
def notice_pdf(request, pk, building):
    c = _campaign(request, pk, "screening.view_scheduleplan")
    b = get_visible_or_404(Area, request.user, "areas.view_area", pk=building)
    slots = services.slots_for_building(c, b.pk)
    url = request.build_absolute_uri(
        reverse("screening:building-page", args=[documents.building_token(c.pk, b.pk)])
    )
    pdf = documents.notice_pdf(campaign=c, building_name=b.full_name(), slots=slots, url=url)
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="notice-{c.pk}-{b.pk}.pdf"'
    return resp


def building_page(request, token):
    """Public (QR on the notice): the building's slots and sites, nothing personal."""
    found = documents.building_from_token(token)
    campaign = Campaign.objects.filter(pk=found[0]).first() if found else None
    building = Area.objects.filter(pk=found[1]).first() if found else None
    if campaign is None or building is None:
        return render(
            request, "screening/public.html", {"invalid": True, "title": _("Testing slot")}, status=404
        )
    return render(
        request,
        "screening/public.html",
        {
            "title": _("Testing slot"),
            "campaign": campaign,
            "building": building,
            "slots": services.slots_for_building(campaign, building.pk),
        },
    )


def resident_page(request, token):
    """The resident's phone page (signed link): their slot and site, their code for the lane, and the
    antigen self-test report."""
    target = services.target_from_token(token)
    if target is None:
        return render(
            request, "screening/public.html", {"invalid": True, "title": _("My testing slot")}, status=404
        )
    form = forms.AntigenForm(request.POST or None)
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = services.antigen_report(target=target, result=form.cleaned_data["result"])
        except ValidationError as exc:
            form_errors(form, exc)
    name = target.person.name
    return render(
        request,
        "screening/public.html",
        {
            "title": _("My testing slot"),
            "campaign": target.campaign,
            "building": target.building,
            "target": target,
            "name": name[:1] + "*" * (len(name) - 1),
            "slots": services.slots_for_building(target.campaign, target.building_id),
            "code_url": request.build_absolute_uri(),
            "qr": documents_qr(request.build_absolute_uri()),
            "form": form,
            "done": done,
        },
        status=400 if request.method == "POST" and done is None else 200,
    )


def documents_qr(url: str) -> str:
    from fangkong.gates.documents import qr_svg

    return qr_svg(url, scale=5)


# -- the lane ---------------------------------------------------------------------------------------


@login_required
def lane(request, pk):
    """The phone page of a lane: scan or type the resident, scan the tube; works offline (shared queue)."""
    _need(request, "screening.add_sample")
    s = get_visible_or_404(
        Site.objects.select_related("campaign", "place"), request.user, "screening.add_sample", pk=pk
    )
    return render(
        request,
        "screening/lane.html",
        {
            "title": _("Sampling lane"),
            "site": s,
            "campaign": s.campaign,
            "open_tubes": services.open_tubes(s)[:5],
            "lookup_url": reverse("screening:lane-lookup", args=[s.pk]),
            "batch_url": reverse("screening-sample-batch"),
        },
    )


@login_required
def lane_lookup(request, pk):
    """Who a scanned or typed code names in this campaign, with their household still to sample (JSON)."""
    from django.http import JsonResponse

    _need(request, "screening.add_sample")
    s = get_visible_or_404(
        Site.objects.select_related("campaign"), request.user, "screening.add_sample", pk=pk
    )
    found = services.persons_for_code(s.campaign, request.GET.get("code", ""))
    out = []
    for t in found:
        household = [t, *services.household_targets(t)]
        out.append(
            {
                "people": [
                    # A resident of another community (at this site) is named by their signed code: a
                    # person id outside the writer's jurisdiction is refused like an unknown one.
                    {
                        **(
                            {"person": m.person_id}
                            if user_can_see_path(request.user, "screening.add_sample", m.area_path)
                            else {"code": services.resident_token(m)}
                        ),
                        "name": m.person.name,
                        "state": m.state,
                        "single": m.single_tube,
                    }
                    for m in household
                ]
            }
        )
    if not out:
        return JsonResponse({"error": _("Not in this campaign's target population.")}, status=404)
    return JsonResponse(out[0])


@login_required
@require_POST
def tube_close(request, pk):
    _need(request, "screening.change_tube")
    t = get_visible_or_404(Tube, request.user, "screening.change_tube", pk=pk)
    try:
        services.tube_close(actor=request.user, tube=t)
        messages.success(request, _("Tube %(code)s closed.") % {"code": t.barcode})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("screening:lane", pk=t.site_id)


# -- boxes ------------------------------------------------------------------------------------------


class BoxListView(ScopedListView):
    model = Box
    filterset_class = BoxFilter
    table_class = BoxTable
    export_name = "transport-boxes"
    title = _("Transport boxes")
    actions = [(_("Seal a box"), "screening:box-add", "screening.add_box")]

    def base_queryset(self):
        return Box.objects.select_related("campaign", "site__place")


@login_required
def box_add(request):
    _need(request, "screening.add_box")
    form = forms.BoxForm(request.POST or None, viewer=request.user, initial={"site": request.GET.get("site")})
    if request.method == "POST" and form.is_valid():
        try:
            box = services.box_seal(
                actor=request.user,
                site=form.cleaned_data["site"],
                code=form.cleaned_data["code"],
                barcodes=form.barcodes(),
                lab=form.cleaned_data["lab"],
                person_name=form.cleaned_data["person_name"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Box %(code)s sealed.") % {"code": box.code})
            return redirect(box.get_absolute_url())
    return render(
        request,
        "screening/form.html",
        {"form": form, "title": _("Seal a box")},
        status=400 if form.errors else 200,
    )


class BoxDetailView(ScopedDetailView):
    model = Box
    template_name = "screening/box_detail.html"

    def base_queryset(self):
        return Box.objects.select_related("campaign", "site__place")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "title": _("Box %(code)s") % {"code": self.object.code},
                "events": self.object.events.select_related("by"),
                "tubes": self.object.tubes.all(),
                "step_form": forms.BoxStepForm(),
                "can_change": self.request.user.has_perm("screening.change_box"),
            }
        )
        return ctx


@login_required
@require_POST
def box_step(request, pk):
    _need(request, "screening.change_box")
    box = get_visible_or_404(Box, request.user, "screening.change_box", pk=pk)
    form = forms.BoxStepForm(request.POST)
    if form.is_valid():
        try:
            services.box_advance(actor=request.user, box=box, **form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Give the name of the person who takes the box."))
    return redirect(box.get_absolute_url())


# -- laboratory results -----------------------------------------------------------------------------


@login_required
def lab_import(request, pk):
    c = _campaign(request, pk, "screening.view_labimport")
    form = forms.LabFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _need(request, "screening.add_labimport")
        if form.is_valid():
            f = form.cleaned_data["file"]
            imp = services.lab_file_import(actor=request.user, campaign=c, data=f.read(), filename=f.name)
            if imp.ok:
                messages.success(request, _("%(n)s results recorded.") % {"n": imp.applied})
            else:
                messages.error(request, _("Nothing was recorded: see the report."))
            return redirect("screening:lab-import-detail", pk=imp.pk)
    imports = LabImport.objects.visible_to(request.user).filter(report__isnull=False).order_by("-created_at")
    table = LabImportTable(list(imports.filter(area_path=c.area_path)[:50]))
    return render(
        request,
        "screening/lab_import.html",
        {
            "title": _("Laboratory results: %(name)s") % {"name": c.name},
            "campaign": c,
            "form": form,
            "table": table,
            "headers": services.HEADERS,
            "can_import": request.user.has_perm("screening.add_labimport"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def lab_import_detail(request, pk):
    _need(request, "screening.view_labimport")
    imp = get_visible_or_404(LabImport, request.user, "screening.view_labimport", pk=pk)
    rep = imp.report or {}
    fe = rep.get("file_error")
    return render(
        request,
        "screening/lab_import_detail.html",
        {
            "title": imp.filename,
            "imp": imp,
            "rep": rep,
            "file_error": services.file_error_text(fe[0], fe[1]) if fe else "",
        },
    )


@login_required
def lab_import_errors(request, pk):
    """The row-by-row report as a spreadsheet (the same error report as the survey import)."""
    _need(request, "screening.view_labimport")
    imp = get_visible_or_404(LabImport, request.user, "screening.view_labimport", pk=pk)
    errors = [RowError(*e) for e in (imp.report or {}).get("row_errors", [])]
    if not errors:
        raise Http404
    last = max(e.row for e in errors)
    rows = [{} for _i in range(last - 1)]
    for e in errors:
        rows[e.row - 2].setdefault(e.column, "")
    content = core_imports.error_report(rows, errors, headers=services.HEADERS, title="检测结果错误")
    return excel.xlsx_response(content, f"lab-errors-{imp.pk}.xlsx")


# -- follow-up lists --------------------------------------------------------------------------------


class RetestListView(ScopedListView):
    model = RetestItem
    filterset_class = RetestFilter
    table_class = RetestTable
    export_name = "single-tube-retests"
    title = _("Single-tube retests (单采复核)")

    def base_queryset(self):
        return RetestItem.objects.select_related("person", "area", "tube", "community")


@login_required
@require_POST
def retest_done(request, pk):
    _need(request, "screening.change_retestitem")
    item = get_visible_or_404(RetestItem, request.user, "screening.change_retestitem", pk=pk)
    try:
        services.retest_done(actor=request.user, item=item)
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(request.POST.get("next") or "screening:retest-list")


class TransferListView(ScopedListView):
    model = TransferTask
    filterset_class = TransferFilter
    table_class = TransferTable
    export_name = "transfer-tasks"
    title = _("Transfers of preliminary positives (应转尽转)")

    def base_queryset(self):
        return TransferTask.objects.select_related("person", "area")


@login_required
@require_POST
def transfer_done(request, pk):
    _need(request, "screening.change_transfertask")
    task = get_visible_or_404(TransferTask, request.user, "screening.change_transfertask", pk=pk)
    try:
        services.transfer_done(actor=request.user, task=task)
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("screening:transfer-list")


# -- coverage ---------------------------------------------------------------------------------------


LEVELS = {"street": _("street"), "community": _("community"), "building": _("building")}


@login_required
def coverage(request, pk):
    """Live coverage per street, community or building from the maintained counts; a chart per street.
    Leaders (figures only) see the same numbers and no names of residents."""
    perm = selectors.coverage_perm(request.user)
    if perm is None:
        raise PermissionDenied
    c = get_visible_or_404(Campaign, request.user, perm, pk=pk)
    level = request.GET.get("level") if request.GET.get("level") in LEVELS else "community"
    rows = selectors.coverage_rows(viewer=request.user, campaign=c, level=level)
    totals = selectors.coverage_totals(rows)
    if request.GET.get("export") == "xlsx":
        headers = [
            str(LEVELS[level]),
            _("target"),
            _("exempt"),
            _("tested"),
            _("coverage %"),
            _("results pending"),
            _("negative"),
            _("to re-sample"),
            _("preliminary positive"),
        ]
        data = [
            [
                r["name"],
                r["target"],
                r["exempt"],
                r["sampled"],
                r["rate"],
                r["pending_results"],
                r["negative"],
                r["to_retest"],
                r["positive"],
            ]
            for r in rows
        ]
        return excel.xlsx_response(
            excel.workbook_bytes(headers, data, title=_("Coverage")), f"coverage-{c.pk}.xlsx"
        )
    streets = (
        rows
        if level == "street"
        else selectors.coverage_rows(viewer=request.user, campaign=c, level="street")
    )
    chart = {
        "names": [r["name"] for r in streets],
        "tested": [r["sampled"] for r in streets],
        "due": [r["due"] for r in streets],
        "labels": {"tested": _("tested"), "untested": _("not yet tested"), "title": _("Coverage per street")},
    }
    return render(
        request,
        "screening/coverage.html",
        {
            "title": _("Coverage: %(name)s") % {"name": c.name},
            "campaign": c,
            "rows": rows,
            "totals": totals,
            "level": level,
            "levels": LEVELS.items(),
            "chart": chart,
            "tubes": selectors.tube_counts(campaign=c),
            "figures_only": perm == "people.view_statistics",
        },
    )


class UntestedListView(ScopedListView):
    model = TargetPerson
    table_class = UntestedTable
    filterset_class = TargetFilter
    export_name = "untested"
    template_name = "screening/untested.html"

    def get_permission_required(self):
        return ["screening.view_targetperson"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = get_visible_or_404(
                Campaign, request.user, "screening.view_campaign", pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("Untested: %(name)s") % {"name": self.campaign.name}

    def get_queryset(self):
        return selectors.untested(viewer=self.request.user, campaign=self.campaign).order_by(
            "area_path", "id"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "campaign": self.campaign,
                "reason_form": forms.ReasonForm(),
                "can_reason": self.request.user.has_perm("screening.add_exemption"),
            }
        )
        return ctx


@login_required
@require_POST
def reason_record(request, pk):
    _need(request, "screening.add_exemption")
    t = get_visible_or_404(
        TargetPerson.objects.select_related("campaign", "person"),
        request.user,
        "screening.add_exemption",
        pk=pk,
    )
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.exemption_record(
                actor=request.user, campaign=t.campaign, person=t.person, **form.cleaned_data
            )
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("screening:untested", pk=t.campaign_id)
