"""Pages of proactive tasks (未诉先办) and Open311 integrations. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors

from . import services
from .filters_insight import IntegrationFilter, ProactiveTaskFilter
from .forms_insight import IntegrationForm, ProactiveTaskForm
from .models import Integration, ProactiveTask
from .tables_insight import IntegrationTable, ProactiveTaskTable


class ProactiveTaskListView(ScopedListView):
    model = ProactiveTask
    filterset_class = ProactiveTaskFilter
    table_class = ProactiveTaskTable
    title = _lazy("Proactive tasks")
    export_name = "proactive-tasks"

    def base_queryset(self):
        return ProactiveTask.objects.select_related("area")


class ProactiveTaskDetailView(ScopedDetailView):
    model = ProactiveTask
    template_name = "hotline/proactive_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        task = self.object
        ctx["orders"] = task.orders.visible_to(self.request.user).order_by("-received_at", "-pk")
        ctx["form"] = ProactiveTaskForm(initial={"status": task.status, "note": task.note})
        ctx["can_change"] = self.request.user.has_perm("hotline.change_proactivetask")
        return ctx


@login_required
@require_POST
@permission_required("hotline.change_proactivetask", raise_exception=True)
def proactive_update(request, pk: int):
    task = get_visible_or_404(ProactiveTask, request.user, "hotline.change_proactivetask", pk=pk)
    form = ProactiveTaskForm(request.POST)
    if form.is_valid():
        try:
            services.proactive_task_update(
                actor=request.user,
                task_id=task.pk,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("hotline:proactive-detail", pk=task.pk)
    orders = task.orders.visible_to(request.user).order_by("-received_at", "-pk")
    return render(
        request,
        "hotline/proactive_detail.html",
        {"object": task, "orders": orders, "form": form, "can_change": True},
        status=400,
    )


class IntegrationListView(ScopedListView):
    model = Integration
    filterset_class = IntegrationFilter
    table_class = IntegrationTable
    title = _lazy("Open311 integrations")
    export_name = "open311-integrations"
    actions = [(_lazy("New Open311 integration"), "hotline:integration-add", "hotline.add_integration")]

    def base_queryset(self):
        return Integration.objects.select_related("area")


@login_required
@permission_required("hotline.add_integration", raise_exception=True)
def integration_add(request):
    """Create an integration; its API key is shown on the answer page once and never again."""
    form = IntegrationForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            integration, key = services.integration_create(
                actor=request.user, name=form.cleaned_data["name"], street_id=form.cleaned_data["street"].pk
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return render(
                request,
                "hotline/integration_key.html",
                {"integration": integration, "key": key, "title": _("API key")},
            )
    return render(
        request,
        "hotline/integration_form.html",
        {"form": form, "title": _("New Open311 integration")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@permission_required("hotline.change_integration", raise_exception=True)
def integration_revoke(request, pk: int):
    integration = get_visible_or_404(Integration, request.user, "hotline.change_integration", pk=pk)
    services.integration_revoke(actor=request.user, integration_id=integration.pk)
    messages.success(request, _("The key is revoked."))
    return redirect("hotline:integration-list")
