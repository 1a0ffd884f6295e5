from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import PolicyVersionForm
from .models import PolicyDefinition


@login_required
@permission_required("policies.view_policy", raise_exception=True)
def policy_list(request):
    """Every policy key with the version in force now (for the user's home area)."""
    area = request.user.home_area()
    rows = selectors.current_policies(viewer=request.user, area=area)
    return render(request, "policies/policy_list.html", {"rows": rows, "area": area, "title": _("Policies")})


@login_required
@permission_required("policies.view_policy", raise_exception=True)
def policy_detail(request, key):
    definition = get_object_or_404(PolicyDefinition, key=key)
    versions = selectors.policy_list(viewer=request.user, key=key).order_by("area_path", "-effective_from")
    form = None
    if request.user.has_perm("policies.add_policy"):
        form = PolicyVersionForm(request.POST or None, viewer=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                services.policy_add(actor=request.user, key=key, **form.cleaned_data)
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("New version saved."))
                return redirect("policies:policy-detail", key=key)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "policies/policy_detail.html",
        {"definition": definition, "versions": versions, "form": form, "title": definition.label()},
        status=status,
    )
