"""Thin views: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from fangkong.areas.models import Area, Level, Place
from fangkong.core.excel import workbook_bytes, xlsx_response
from fangkong.core.language import chinese_by_default
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors, service_form_page
from fangkong.people.models import Person

from . import documents, forms, selectors, services
from .filters import FollowUpFilter, PassFilter, RefusalFilter, ReturneeFilter, ScanFilter, SealFilter
from .models import FollowUp, Pass, PlaceCode, Post, PostShift, ReturneeNotice, ScanEvent, Seal, Verdict
from .ratelimit import rate_limited
from .tables import FollowUpTable, PassTable, PostTable, ReturneeTable, ScanTable, SealTable, ShiftTable

GATE_KINDS = [Place.Kind.GATE, Place.Kind.CHECKPOINT, Place.Kind.GARAGE]


# -- the gate volunteer's phone page ------------------------------------------------------------------


@login_required
@permission_required("gates.add_scanevent", raise_exception=True)
def check(request):
    """验证、测温、扫码、登记: the post, the scan field (camera or typed), the temperature, the verdict."""
    shift = selectors.current_shift(user=request.user)
    place = shift.post.place if shift else None
    places = []
    if place is None:
        places = list(
            Place.objects.visible_to(request.user, "gates.add_scanevent").filter(
                kind__in=GATE_KINDS, active=True
            )[:50]
        )
        chosen = request.POST.get("place") or request.GET.get("place")
        place = next((p for p in places if str(p.pk) == str(chosen)), places[0] if places else None)
    verdict = None
    if request.method == "POST" and place is not None:  # works without JavaScript too
        form = forms.ScanForm(request.POST)
        if form.is_valid():
            _scan, res = services.scan_record(
                actor=request.user, place=place, post=shift.post if shift else None, **form.cleaned_data
            )
            verdict = res.verdict
    return render(
        request,
        "gates/check.html",
        {
            "shift": shift,
            "place": place,
            "places": places,
            "verdict": verdict,
            "title": _("Gate check"),
            "threshold": _threshold(place),
        },
    )


def _threshold(place):
    if place is None:
        return None
    from fangkong.policies.selectors import policy_value

    return policy_value("gate.temperature.threshold", area=place.area_path)


# -- lists --------------------------------------------------------------------------------------------


class ScanListView(ScopedListView):
    model = ScanEvent
    filterset_class = ScanFilter
    table_class = ScanTable
    export_name = "scans"
    actions = [
        (_lazy("Refusals and referrals"), "gates:refusal-list", "gates.view_scanevent"),
        (_lazy("Scans by place and day"), "gates:scans-by-day", "gates.view_scanevent"),
    ]

    def base_queryset(self):
        return ScanEvent.objects.select_related("place", "person", "volunteer")


class RefusalListView(ScanListView):
    filterset_class = RefusalFilter
    export_name = "refusals"
    title = gettext_lazy("Refusals and referrals")

    def base_queryset(self):
        return super().base_queryset().filter(verdict__in=[Verdict.DENY, Verdict.REFER])


@login_required
@permission_required("gates.view_scanevent", raise_exception=True)
def scans_by_day(request):
    rows = selectors.scans_by_place_and_day(viewer=request.user)
    headers = [_("date"), _("place"), _("scans"), _("allowed"), _("denied"), _("referred")]
    title = _("Scans by place and day")
    if request.GET.get("export") == "xlsx":
        data = [
            [r["day"], r["place__name"], r["total"], r["allowed"], r["denied"], r["referred"]] for r in rows
        ]
        return xlsx_response(workbook_bytes(headers, data, title=title), "scans-by-day.xlsx")
    return render(
        request,
        "gates/scans_by_day.html",
        {"rows": rows, "headers": headers, "title": title},
    )


class PassListView(ScopedListView):
    model = Pass
    filterset_class = PassFilter
    table_class = PassTable
    export_name = "passes"
    actions = [(_lazy("Issue a pass"), "gates:pass-issue", "gates.add_pass")]

    def base_queryset(self):
        return Pass.objects.select_related("person", "issued_by")


class PassDetailView(ScopedDetailView):
    model = Pass
    template_name = "gates/pass_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        url = self.request.build_absolute_uri(
            reverse("gates:pass-public", args=[selectors.pass_token(self.object)])
        )
        ctx.update(public_url=url, qr=documents.qr_svg(url), now=timezone.now())
        return ctx


class PassCardView(PassDetailView):
    template_name = "gates/pass_card.html"


@login_required
@permission_required("gates.view_pass", raise_exception=True)
def pass_card_pdf(request, pk):
    """The pass as a PDF card (A6, two to a sheet folded, or printed on card stock)."""
    p = get_visible_or_404(
        Pass.objects.select_related("person", "person__area"),
        request.user,
        "gates.view_pass",
        pk=pk,
    )
    url = request.build_absolute_uri(reverse("gates:pass-public", args=[selectors.pass_token(p)]))
    pdf = documents.pass_card_pdf(pass_obj=p, url=url)
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="pass-{p.number}.pdf"'
    return resp


@login_required
@permission_required("gates.add_pass", raise_exception=True)
def pass_issue(request):
    form = forms.PassIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.person_for_code(form.cleaned_data["id_number"])[1]
        if person is None or not Person.objects.visible_to(request.user).filter(pk=person.pk).exists():
            form.add_error("id_number", _("No resident with this ID in your jurisdiction."))
        else:
            try:
                p = services.pass_issue(
                    actor=request.user, person=person, confirm=form.cleaned_data["confirm"]
                )
            except ValidationError as exc:
                form_errors(form, exc)
                form.ask_to_confirm()
            else:
                messages.success(request, _("Pass %(n)s issued.") % {"n": p.number})
                return redirect("gates:pass-detail", pk=p.pk)
    return render(
        request,
        "gates/form.html",
        {"form": form, "title": _("Issue a pass")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def pass_revoke(request, pk):
    p = get_visible_or_404(Pass, request.user, "gates.change_pass", pk=pk)
    try:
        services.pass_revoke(actor=request.user, pass_obj=p, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Pass revoked."))
    return redirect("gates:pass-detail", pk=p.pk)


@chinese_by_default
def pass_public(request, token):
    """The resident's own pass on their phone: a signed link, no login."""
    p = selectors.pass_resolve(token)
    if p is None:
        raise Http404
    url = request.build_absolute_uri()
    now = timezone.now()
    return render(
        request,
        "gates/pass_public.html",
        {"pass": p, "qr": documents.qr_svg(url), "valid": p.is_valid_at(now), "title": _("My pass")},
    )


# -- place codes and posters --------------------------------------------------------------------------


@login_required
def place_code(request, place_pk):
    place = get_visible_or_404(Place, request.user, pk=place_pk)
    code = selectors.place_code_current(place)
    if code is None:
        if not request.user.has_perm("gates.add_placecode"):
            raise Http404
        code = services.place_code_rotate(actor=request.user, place=place)
    return redirect("gates:placecode-detail", pk=code.pk)


class PlaceCodeDetailView(ScopedDetailView):
    model = PlaceCode
    template_name = "gates/placecode_detail.html"

    def base_queryset(self):
        return PlaceCode.objects.select_related("place", "area")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        url = _register_url(self.request, self.object)
        ctx.update(register_url=url, qr=documents.qr_svg(url) if self.object.active else "")
        return ctx


def _register_url(request, code):
    return request.build_absolute_uri(reverse("gates:self-register", args=[selectors.place_token(code)]))


def _code_for_download(request, pk):
    code = get_visible_or_404(
        PlaceCode.objects.select_related("place", "area"), request.user, pk=pk, active=True
    )
    return code, _register_url(request, code)


@login_required
def poster_pdf(request, pk):
    code, url = _code_for_download(request, pk)
    pdf = documents.poster_pdf(
        place_name=code.place.name, area_name=code.place.area.full_name(), url=url, version=code.version
    )
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="place-{code.place_id}-v{code.version}.pdf"'
    return resp


@login_required
def poster_png(request, pk):
    code, url = _code_for_download(request, pk)
    return HttpResponse(documents.poster_png(place_name=code.place.name, url=url), content_type="image/png")


@login_required
@require_POST
def place_code_rotate(request, pk):
    code = get_visible_or_404(PlaceCode, request.user, "gates.change_placecode", pk=pk)
    new = services.place_code_rotate(actor=request.user, place=code.place)
    messages.success(request, _("New code issued; the old poster no longer works."))
    return redirect("gates:placecode-detail", pk=new.pk)


# -- self-registration (public) -----------------------------------------------------------------------


@chinese_by_default
@rate_limited("self-register")
def self_register(request, token):
    code = selectors.place_code_resolve(token)
    if code is None:
        return render(request, "gates/invalid_code.html", status=404)
    form = forms.SelfRegisterForm(request.POST or None)
    verdict = person = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _scan, res, person = services.scan_self_register(
            place=code.place,
            name=d["name"],
            id_number=d["id_number"],
            client_id=d.get("client_id"),
            temperature=d.get("temperature"),
            direction=d.get("direction") or "in",
            travel_from=d.get("travel_from", ""),
        )
        verdict = res.verdict
    return render(
        request,
        "gates/self_register.html",
        {
            "place": code.place,
            "form": form,
            "verdict": verdict,
            "person": person,
            "now": timezone.now(),
            "title": code.place.name,
        },
    )


# -- returnees ----------------------------------------------------------------------------------------


@chinese_by_default
@rate_limited("returnee-notice")
def returnee_notice(request):
    """Public advance notice (no login): by the returnee, the landlord or the employer."""
    form = forms.ReturneeNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            notice = services.returnee_notice_submit(actor=None, **d)
        except ValidationError as exc:
            for f, errs in exc.message_dict.items():
                form.add_error(f if f in form.fields else None, errs)
        else:
            return render(
                request, "gates/returnee_notice_done.html", {"notice": notice, "title": _("Notice received")}
            )
    return render(
        request,
        "gates/returnee_notice_form.html",
        {"form": form, "title": _("Returnee advance notice")},
        status=400 if form.errors else 200,
    )


@chinese_by_default
@rate_limited("returnee-track", methods=("GET", "POST"))
def returnee_track(request, code):
    notice = ReturneeNotice.objects.filter(tracking_code=code.upper()).first()
    if notice is None:
        raise Http404
    return render(request, "gates/returnee_track.html", {"notice": notice, "title": _("Notice status")})


class ReturneeListView(ScopedListView):
    model = ReturneeNotice
    filterset_class = ReturneeFilter
    table_class = ReturneeTable
    export_name = "returnees"
    template_name = "gates/returnee_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["pipeline"] = selectors.returnee_pipeline(viewer=self.request.user)
        return ctx


class ReturneeDetailView(ScopedDetailView):
    model = ReturneeNotice
    template_name = "gates/returnee_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        n = self.object
        conditions = services.observation_conditions(area_path=n.area_path)
        ctx.update(
            inspections=n.inspections.prefetch_related("photos"),
            inspection_form=forms.InspectionForm(conditions=conditions),
            decision_form=forms.DecisionForm(),
            can_change=self.request.user.has_perm("gates.change_returneenotice"),
            order=selectors.returnee_order(viewer=self.request.user, notice=n),
            follow_ups=FollowUp.objects.visible_to(self.request.user)
            .filter(notice=n)
            .select_related("place"),
        )
        if n.stage == ReturneeNotice.Stage.DECIDED and services.returnee_needs_household(n):
            ctx["community"] = services.returnee_community(n)
        return ctx


def _notice_for_change(request, pk):
    return get_visible_or_404(ReturneeNotice, request.user, "gates.change_returneenotice", pk=pk)


def _run(request, fn, **kwargs):
    try:
        fn(actor=request.user, **kwargs)
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        for errs in exc.message_dict.values():
            for e in errs:
                messages.error(request, e)


@login_required
@require_POST
def returnee_review(request, pk):
    notice = _notice_for_change(request, pk)
    _run(
        request,
        services.returnee_review,
        notice=notice,
        accept=request.POST.get("accept") == "1",
        note=request.POST.get("note", ""),
    )
    return redirect(notice)


@login_required
@require_POST
def returnee_inspect(request, pk):
    notice = _notice_for_change(request, pk)
    conditions = services.observation_conditions(area_path=notice.area_path)
    form = forms.InspectionForm(request.POST, request.FILES, conditions=conditions)
    if form.is_valid():
        _run(
            request,
            services.home_inspection_record,
            notice=notice,
            checklist=form.checklist(),
            notes=form.cleaned_data["notes"],
            photos=request.FILES.getlist("photos"),
        )
    else:
        messages.error(request, _("Check the form."))
    return redirect(notice)


@login_required
@require_POST
def returnee_decide(request, pk):
    notice = _notice_for_change(request, pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        _run(request, services.returnee_decide, notice=notice, **form.cleaned_data)
    return redirect(notice)


@login_required
@require_POST
def returnee_sign(request, pk):
    notice = _notice_for_change(request, pk)
    household = None
    chosen = request.POST.get("household", "")
    if chosen:
        household = (
            Area.objects.visible_to(request.user)
            .filter(pk=chosen if chosen.isascii() and chosen.isdigit() else None)
            .first()
        )
        if household is None:
            messages.error(request, _("Choose the household from the list."))
            return redirect(notice)
    _run(
        request,
        services.returnee_letter_sign,
        notice=notice,
        signed_by=request.POST.get("signed_by") or notice.name,
        household=household,
        building=request.POST.get("building", ""),
        entrance=request.POST.get("entrance", ""),
        room=request.POST.get("room", ""),
    )
    return redirect(notice)


@login_required
def returnee_households(request, pk):
    """The household lookup of the signing form (HTMX): households of the notice's community that the
    user may register people in, matched by what was typed."""
    notice = _notice_for_change(request, pk)
    community = services.returnee_community(notice)
    found = selectors.returnee_households(
        viewer=request.user, community_path=community.path, q=request.GET.get("q", "")[:100]
    )
    return render(request, "gates/_household_choices.html", {"households": found, "q": request.GET.get("q")})


@login_required
def returnee_letter(request, pk):
    notice = get_visible_or_404(ReturneeNotice, request.user, pk=pk)
    if not notice.decision:
        raise Http404
    community = Area.objects.filter(
        path__in=[notice.area_path, *notice.area.ancestor_paths()], level=Level.COMMUNITY
    ).first()
    pdf = documents.letter_pdf(
        notice=notice,
        conditions=services.observation_conditions(area_path=notice.area_path),
        community=community.name if community else notice.area.name,
        inspection=notice.inspections.order_by("-inspected_at").first(),
    )
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="letter-{notice.tracking_code}.pdf"'
    return resp


class FollowUpListView(ScopedListView):
    model = FollowUp
    filterset_class = FollowUpFilter
    table_class = FollowUpTable
    export_name = "gate-follow-ups"

    def base_queryset(self):
        return FollowUp.objects.select_related("person", "place", "notice")


@login_required
@require_POST
def followup_update(request, pk):
    fu = get_visible_or_404(FollowUp, request.user, "gates.change_followup", pk=pk)
    _run(
        request,
        services.followup_update,
        followup=fu,
        status=request.POST.get("status", ""),
        notes=request.POST.get("notes", ""),
    )
    return redirect("gates:followup-list")


# -- seals --------------------------------------------------------------------------------------------


class SealListView(ScopedListView):
    model = Seal
    filterset_class = SealFilter
    table_class = SealTable
    export_name = "seals"
    actions = [(_lazy("Record a seal slip"), "gates:seal-add", "gates.add_seal")]

    def base_queryset(self):
        return Seal.objects.select_related("area", "sealed_by").prefetch_related("checks")


class SealDetailView(ScopedDetailView):
    model = Seal
    template_name = "gates/seal_detail.html"


@login_required
@permission_required("gates.add_seal", raise_exception=True)
def seal_add(request):
    form = forms.SealForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        seal = services.seal_create(actor=request.user, **form.cleaned_data)
        return redirect(seal)
    return render(
        request,
        "gates/form.html",
        {"form": form, "title": _("Record a seal slip")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def seal_check(request, pk):
    seal = get_visible_or_404(Seal, request.user, "gates.add_sealcheck", pk=pk)
    _run(
        request,
        services.seal_check_record,
        seal=seal,
        result=request.POST.get("result", ""),
        note=request.POST.get("note", ""),
    )
    return redirect(seal)


# -- posts and shifts ---------------------------------------------------------------------------------


class PostListView(ScopedListView):
    """The gate posts (day, night, underground garage); each post's shifts are its schedule."""

    model = Post
    table_class = PostTable
    export_name = "posts"
    template_name = "gates/post_list.html"

    def get_filterset_class(self):
        from .filters import PostFilter

        return PostFilter

    def base_queryset(self):
        return Post.objects.select_related("place")


@login_required
@permission_required("gates.add_post", raise_exception=True)
def post_add(request):
    return service_form_page(
        request,
        forms.PostForm(request.POST or None, user=request.user),
        lambda d: services.post_create(actor=request.user, place=d["place"], name=d["name"], kind=d["kind"]),
        template="gates/form.html",
        title=_("Add a post"),
        success_url="gates:post-list",
    )


class ShiftListView(ScopedListView):
    model = PostShift
    table_class = ShiftTable
    export_name = "shifts"
    template_name = "gates/shift_list.html"

    def get_filterset_class(self):
        from .filters import ShiftFilter

        return ShiftFilter

    def base_queryset(self):
        return PostShift.objects.select_related("post", "volunteer")


@login_required
@permission_required("gates.add_postshift", raise_exception=True)
def shift_add(request):
    return service_form_page(
        request,
        forms.ShiftForm(request.POST or None, user=request.user),
        lambda d: services.shift_create(
            actor=request.user, post=d["post"], volunteer=d["volunteer"], start=d["start"], end=d["end"]
        ),
        template="gates/form.html",
        title=_("Add a shift"),
        success_url="gates:shift-list",
    )


@login_required
def inspection_photo(request, pk):
    """An inspection photo, to those who may view it (404 across communities); never from /media/."""
    from django.http import FileResponse, Http404

    from .models import InspectionPhoto

    photo = get_visible_or_404(InspectionPhoto, request.user, pk=pk)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    if handle.read(3) != b"\xff\xd8\xff":  # only re-encoded JPEGs are served, whatever was stored before
        handle.close()
        raise Http404
    handle.seek(0)
    return FileResponse(handle, content_type="image/jpeg")
