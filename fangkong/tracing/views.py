"""Thin views: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core.audit import record_access
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors

from . import documents, forms, selectors, services
from . import policy as tpolicy
from .filters import CaseFilter, ClusterFilter, ContactFilter, RiskAreaFilter, TaskFilter
from .models import Case, Cluster, Contact, RiskArea, ScreeningTask
from .tables import CaseTable, ClusterTable, ContactTable, RiskAreaTable, TaskTable


class CaseListView(ScopedListView):
    model = Case
    filterset_class = CaseFilter
    table_class = CaseTable
    export_name = "cases"
    title = gettext_lazy("Cases")
    actions = [
        (gettext_lazy("Open a case"), "tracing:case-add", "tracing.add_case"),
        (gettext_lazy("Chain graph"), "tracing:graph", "tracing.view_case"),
        (gettext_lazy("Clusters"), "tracing:cluster-list", "tracing.view_cluster"),
        (gettext_lazy("Risk areas"), "tracing:riskarea-list", "tracing.view_riskarea"),
        (gettext_lazy("Contacts"), "tracing:contact-list", "tracing.view_contact"),
    ]

    def base_queryset(self):
        return Case.objects.select_related("person", "area", "cluster")


@login_required
def case_add(request):
    if not request.user.has_perm("tracing.add_case"):
        raise PermissionDenied
    form = forms.CaseOpenForm(
        request.POST or None, viewer=request.user, initial={"person": request.GET.get("person")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect(case)
    status = 400 if request.method == "POST" else 200
    return render(request, "tracing/form.html", {"form": form, "title": _("Open a case")}, status=status)


class CaseDetailView(ScopedDetailView):
    """The investigation record. Every open is written to the access log (need-to-know)."""

    model = Case
    template_name = "tracing/case_detail.html"

    def base_queryset(self):
        return Case.objects.select_related("person", "area", "cluster", "opened_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c = self.object
        user = self.request.user
        record_access(actor=user, instance=c, field="investigation", reason=_("opened the case record"))
        start, end = tpolicy.lookback(c)
        contacts = list(
            Contact.objects.filter(case=c)
            .select_related("person", "area", "order")
            .order_by("state", "-overlap_minutes", "pk")
        )
        can_change = user.has_perm("tracing.change_case")
        ctx.update(
            {
                "title": str(c),
                "window": (start, end),
                "timeline": c.timeline.select_related("place").order_by("day", "time_from", "pk"),
                "candidates": [x for x in contacts if x.state == Contact.State.CANDIDATE],
                "confirmed": [x for x in contacts if x.state == Contact.State.CONFIRMED],
                "dismissed": [x for x in contacts if x.state == Contact.State.DISMISSED],
                "links_in": c.links_in.select_related("source__person"),
                "links_out": c.links_out.select_related("case__person"),
                "investigators": c.investigators.all(),
                "secondary_tracked": tpolicy.secondary_tracked(area=c.area_path),
                "can_change": can_change,
                "update_form": forms.CaseUpdateForm(
                    initial={
                        "classification": c.classification,
                        "severity": c.severity,
                        "whereabouts": c.whereabouts,
                        "onset_date": c.onset_date,
                    }
                ),
                "timeline_form": forms.TimelineForm(viewer=user),
                "named_form": forms.NamedContactForm(viewer=user),
                "confirm_form": forms.ConfirmForm(),
                "link_form": forms.LinkForm(viewer=user),
                "assign_form": forms.AssignForm(viewer=user),
                "cluster_form": forms.ClusterAddForm(viewer=user),
            }
        )
        return ctx


def _case_for(request, pk, perm="tracing.change_case"):
    return get_visible_or_404(Case.objects.select_related("person", "area"), request.user, perm, pk=pk)


@login_required
@require_POST
def case_action(request, pk, action):
    """One POST per action of the investigation page, each through its service."""
    case = _case_for(request, pk)
    user = request.user
    post = request.POST
    try:
        if action == "update":
            form = forms.CaseUpdateForm(post)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            d = form.cleaned_data
            services.case_update(
                actor=user,
                case=case,
                classification=d["classification"],
                severity=d["severity"],
                whereabouts=d["whereabouts"],
                onset_date=d["onset_date"],
            )
            messages.success(request, _("Saved."))
        elif action == "prefill":
            n = services.timeline_prefill(actor=user, case=case)
            if n:
                messages.success(request, _("%(n)s timeline entries added.") % {"n": n})
            else:  # opening the case already filled it in: nothing new is not a failure
                messages.info(
                    request, _("The timeline is already complete: the scans and registry add nothing new.")
                )
        elif action == "timeline":
            form = forms.TimelineForm(post, viewer=user)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.timeline_add(actor=user, case=case, **form.cleaned_data)
            messages.success(request, _("Saved."))
        elif action == "candidates":
            n = services.candidates_find(actor=user, case=case)
            messages.success(request, _("%(n)s new candidate contacts.") % {"n": n})
        elif action == "name":
            form = forms.NamedContactForm(post, viewer=user)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.contact_name(actor=user, case=case, **form.cleaned_data)
            messages.success(request, _("Saved."))
        elif action in ("confirm", "dismiss"):
            # A row's own button ("one") decides that row alone; the action buttons take the ticked rows.
            picked = [post["one"]] if post.get("one") else post.getlist("contact")
            chosen = Contact.objects.filter(case=case, pk__in=[v for v in picked if v.isdigit()])
            if not chosen.exists():
                raise ValidationError(_("Tick at least one contact."))
            if action == "dismiss":
                n = services.contacts_dismiss(
                    actor=user, contacts=list(chosen), reason=post.get("reason", "")
                )
                messages.success(request, _("%(n)s dismissed.") % {"n": n})
            else:
                form = forms.ConfirmForm(post)
                degree = form.cleaned_data["degree"] if form.is_valid() else Contact.Degree.CLOSE
                out = services.contacts_confirm(actor=user, contacts=list(chosen), degree=degree)
                messages.success(
                    request,
                    _("%(n)s confirmed, %(orders)s observation orders opened.")
                    % {"n": len(out["confirmed"]), "orders": len(out["orders"])},
                )
                for c, why in out["skipped"]:
                    messages.warning(request, f"{c.person.name}: {why}")
        elif action == "link":
            form = forms.LinkForm(post, viewer=user)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.case_link(actor=user, case=case, **form.cleaned_data)
            messages.success(request, _("Saved."))
        elif action == "assign":
            form = forms.AssignForm(post, viewer=user)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.case_assign(actor=user, case=case, users=list(form.cleaned_data["users"]))
            messages.success(request, _("Saved."))
        elif action == "cluster":
            form = forms.ClusterAddForm(post, viewer=user)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.cluster_add(actor=user, cluster=form.cleaned_data["cluster"], cases=[case])
            messages.success(request, _("Saved."))
        else:
            from django.http import Http404

            raise Http404
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect(case)


@login_required
def case_letters(request, pk):
    """ONE PDF with the observation letters of every contact of the case confirmed so far."""
    case = _case_for(request, pk, "tracing.view_case")
    from fangkong.observation.models import ObservationOrder

    ids = Contact.objects.filter(case=case, order__isnull=False).values("order_id")
    orders = ObservationOrder.objects.filter(pk__in=ids).select_related("person", "area").order_by("pk")
    resp = HttpResponse(documents.letters_pdf(orders), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="letters-{case.number}.pdf"'
    return resp


class ContactListView(ScopedListView):
    model = Contact
    filterset_class = ContactFilter
    table_class = ContactTable
    export_name = "contacts"
    title = gettext_lazy("Contacts to follow")

    def base_queryset(self):
        return Contact.objects.select_related("person", "area", "order")


class ContactDetailView(ScopedDetailView):
    """The contact as the community following them sees it: the person, why, the order — the case's
    investigation only for who may see the case."""

    model = Contact
    template_name = "tracing/contact_detail.html"

    def base_queryset(self):
        return Contact.objects.select_related("person", "area", "order")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        case = Case.objects.visible_to(user).filter(pk=self.object.case_id).first()
        ctx.update({"title": str(self.object.person), "case": case})
        return ctx


class TaskListView(ScopedListView):
    model = ScreeningTask
    filterset_class = TaskFilter
    table_class = TaskTable
    export_name = "screening-tasks"
    title = gettext_lazy("Risk-area screening tasks")
    actions = [(gettext_lazy("Risk areas"), "tracing:riskarea-list", "tracing.view_riskarea")]

    def base_queryset(self):
        return ScreeningTask.objects.select_related("person", "area", "risk_area__area", "risk_area__place")


@login_required
@require_POST
def task_done(request, pk):
    task = get_visible_or_404(ScreeningTask, request.user, "tracing.change_screeningtask", pk=pk)
    services.task_done(actor=request.user, task=task)
    return redirect("tracing:task-list")


class RiskAreaListView(ScopedListView):
    """Risk areas are public policy data (not scoped): every holder of the permission sees the list."""

    model = RiskArea
    filterset_class = RiskAreaFilter
    table_class = RiskAreaTable
    export_name = "risk-areas"
    title = gettext_lazy("Risk areas")
    actions = [
        (gettext_lazy("Declare a risk area"), "tracing:riskarea-add", "tracing.add_riskarea"),
        (gettext_lazy("Screening tasks"), "tracing:task-list", "tracing.view_screeningtask"),
    ]

    def get_queryset(self):
        return RiskArea.objects.select_related("area", "place")


@login_required
def riskarea_add(request):
    if not request.user.has_perm("tracing.add_riskarea"):
        raise PermissionDenied
    form = forms.RiskAreaForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_area_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("tracing:riskarea-list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "tracing/form.html", {"form": form, "title": _("Declare a risk area")}, status=status
    )


@login_required
@require_POST
def riskarea_run(request, pk):
    if not request.user.has_perm("tracing.add_screeningtask"):
        raise PermissionDenied
    ra = RiskArea.objects.filter(pk=pk).first()
    if ra is None:
        from django.http import Http404

        raise Http404
    try:
        out = services.screening_run(actor=request.user, risk_area=ra)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("%(found)s people found, %(new)s new tasks.") % out)
    return redirect(f"{_url('tracing:task-list')}?risk_area={ra.pk}")


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


class ClusterListView(ScopedListView):
    model = Cluster
    filterset_class = ClusterFilter
    table_class = ClusterTable
    export_name = "clusters"
    title = gettext_lazy("Clusters")
    actions = [(gettext_lazy("New cluster"), "tracing:cluster-add", "tracing.add_cluster")]

    def base_queryset(self):
        return Cluster.objects.select_related("area").annotate(n_cases=Count("cases"))


@login_required
def cluster_add(request):
    if not request.user.has_perm("tracing.add_cluster"):
        raise PermissionDenied
    form = forms.ClusterForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cluster = services.cluster_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(cluster)
    status = 400 if request.method == "POST" else 200
    return render(request, "tracing/form.html", {"form": form, "title": _("New cluster")}, status=status)


class ClusterDetailView(ScopedDetailView):
    """A cluster: its chain graph and the timeline of its cases by onset."""

    model = Cluster
    template_name = "tracing/cluster_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            {
                "title": self.object.name,
                "cases": Case.objects.visible_to(user).filter(cluster=self.object).select_related("person"),
                "graph_url": f"{_url('tracing:graph-data')}?cluster={self.object.pk}",
                "gantt": selectors.gantt_rows(viewer=user, cluster_id=self.object.pk),
            }
        )
        return ctx


def _graph_params(request):
    form = forms.GraphForm(request.GET or None, viewer=request.user)
    if request.GET and not form.is_valid():
        return form, None
    d = form.cleaned_data if request.GET else {}
    return form, {
        "cluster_id": d["cluster"].pk if d.get("cluster") else None,
        "area": d.get("area"),
        "date_from": d.get("date_from"),
        "date_to": d.get("date_to"),
    }


@login_required
def graph(request):
    if not request.user.has_perm("tracing.view_case"):
        raise PermissionDenied
    form, params = _graph_params(request)
    query = request.GET.urlencode()
    return render(
        request,
        "tracing/graph.html",
        {
            "title": _("Chain graph"),
            "form": form,
            "graph_url": f"{_url('tracing:graph-data')}?{query}" if params is not None else "",
        },
        status=200 if params is not None else 400,
    )


@login_required
def graph_data(request):
    """Nodes and edges for the graph page (the API has the same at /api/tracing/graph/)."""
    if not request.user.has_perm("tracing.view_case"):
        raise PermissionDenied
    form, params = _graph_params(request)
    if params is None:
        return JsonResponse({"errors": form.errors}, status=400)
    return JsonResponse(selectors.graph_data(viewer=request.user, **params))
