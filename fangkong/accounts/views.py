from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from . import selectors, services
from .forms import LanguageForm, ScopeForm, UserCreateForm
from .tables import UserTable


@require_POST
def set_language(request):
    """Switch language; for a logged-in user it is saved and follows them to every device."""
    form = LanguageForm(request.POST)
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    if not form.is_valid():
        return HttpResponseRedirect(nxt)
    lang = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=lang)
    translation.activate(lang)
    response = HttpResponseRedirect(nxt)
    from django.conf import settings

    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def user_list(request):
    qs = selectors.user_list(viewer=request.user, search=request.GET.get("q", ""))
    table = UserTable(qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if request.GET.get("export") == "xlsx":
        from fangkong.core.excel import table_to_xlsx

        return table_to_xlsx(UserTable(qs), "users.xlsx", title=_("Users"))
    return render(request, "accounts/user_list.html", {"table": table, "title": _("Users")})


def _visible_user(request, pk):
    return get_object_or_404(selectors.user_list(viewer=request.user), pk=pk)


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def user_detail(request, pk):
    user = _visible_user(request, pk)
    from django.contrib.contenttypes.models import ContentType

    return render(
        request,
        "accounts/user_detail.html",
        {
            "object": user,
            "scopes": selectors.scope_list(viewer=request.user, user=user),
            "scope_form": ScopeForm(viewer=request.user),
            "content_type": ContentType.objects.get_for_model(user),
            "can_manage": request.user.has_perm("accounts.add_scope"),
        },
    )


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    scope_form = ScopeForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid() and scope_form.is_valid():
        from django.db import transaction

        with transaction.atomic():
            user = services.user_create(actor=request.user, **form.cleaned_data)
            services.scope_add(actor=request.user, user=user, **scope_form.cleaned_data)
        messages.success(request, _("User %(name)s created.") % {"name": user.username})
        return redirect("accounts:user-detail", pk=user.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/user_form.html", {"form": form, "scope_form": scope_form}, status=status)


@login_required
@require_POST
@permission_required("accounts.add_scope", raise_exception=True)
def scope_add(request, pk):
    user = _visible_user(request, pk)
    form = ScopeForm(request.POST, viewer=request.user)
    if form.is_valid():
        services.scope_add(actor=request.user, user=user, **form.cleaned_data)
        messages.success(request, _("Scope added."))
    else:
        messages.error(request, _("Scope not added: choose an area within your jurisdiction and a role."))
    return redirect("accounts:user-detail", pk=user.pk)


@login_required
@require_POST
@permission_required("accounts.change_scope", raise_exception=True)
def scope_remove(request, pk, scope_pk):
    scope = get_object_or_404(selectors.scope_list(viewer=request.user), pk=scope_pk, user_id=pk)
    if scope.user_id == request.user.pk and not request.user.is_superuser:
        raise PermissionDenied
    services.scope_remove(actor=request.user, scope=scope)
    messages.success(request, _("Scope removed."))
    return redirect("accounts:user-detail", pk=pk)


@login_required
@require_POST
@permission_required("accounts.change_user", raise_exception=True)
def user_toggle_active(request, pk):
    user = _visible_user(request, pk)
    if user.pk == request.user.pk:
        raise PermissionDenied
    services.user_update(actor=request.user, user=user, is_active=not user.is_active)
    return redirect("accounts:user-detail", pk=pk)
