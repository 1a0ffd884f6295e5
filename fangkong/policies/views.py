from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from fangkong.core.views import form_errors

from . import selectors, services
from .display import group_by_domain
from .forms import PolicyVersionForm
from .models import PolicyDefinition


@login_required
@permission_required("policies.view_policy", raise_exception=True)
def policy_list(request):
    """Every policy key with the version in force now (for the user's home area)."""
    area = request.user.home_area()
    rows = selectors.current_policies(viewer=request.user, area=area)
    groups = group_by_domain(rows)
    return render(
        request,
        "policies/policy_list.html",
        {"rows": rows, "groups": groups, "area": area, "title": _("Policies")},
    )


def change_message(result: services.PolicyChangeResult) -> str:
    if result.queued:
        return _("Policy saved (v%(v)s); what it governs is being re-evaluated in the background.") % {
            "v": result.policy.version
        }
    return _("Policy saved (v%(v)s): %(n)s open orders moved.") % {
        "v": result.policy.version,
        "n": result.moved,
    }


def policy_change_step(request, form, *, key: str):
    """The two steps every policy page shares: a POST previews (per area, what moves), a POST with
    action=apply confirms. Returns (preview, result); errors land on the form."""
    preview = result = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("key", key)  # a page with a key field (observation) chooses it in the form
        try:
            if request.POST.get("action") == "apply":
                result = services.policy_change(actor=request.user, key=key, **data)
            else:
                preview = services.policy_change_preview(
                    actor=request.user,
                    key=key,
                    value=data["value"],
                    effective_from=data["effective_from"],
                    area=data.get("area"),
                )
        except ValidationError as exc:
            form_errors(form, exc)
    return preview, result


@login_required
@permission_required("policies.view_policy", raise_exception=True)
def policy_detail(request, key):
    definition = get_object_or_404(PolicyDefinition, key=key)
    versions = selectors.policy_list(viewer=request.user, key=key).order_by("area_path", "-effective_from")
    form = preview = None
    if request.user.has_perm("policies.add_policy"):
        form = PolicyVersionForm(request.POST or None, viewer=request.user)
        preview, result = policy_change_step(request, form, key=key)
        if result is not None:
            messages.success(request, change_message(result))
            return redirect("policies:policy-detail", key=key)
    status = 400 if request.method == "POST" and form is not None and form.errors else 200
    return render(
        request,
        "policies/policy_detail.html",
        {
            "definition": definition,
            "versions": versions,
            "form": form,
            "preview": preview,
            "title": definition.label(),
        },
        status=status,
    )
