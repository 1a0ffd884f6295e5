from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from fangkong.core.views import form_errors

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
            # Buttons only where the service would allow the action (a wider user is read-only here).
            "can_manage": request.user.has_perm("accounts.add_scope")
            and services.user_manageable(actor=request.user, user=user, perm="accounts.add_scope"),
        },
    )


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    scope_form = ScopeForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid() and scope_form.is_valid():
        try:
            user = services.user_create_with_scope(
                actor=request.user, **form.cleaned_data, **scope_form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
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
    try:
        services.scope_remove(actor=request.user, scope=scope)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Scope removed."))
    return redirect("accounts:user-detail", pk=pk)


@login_required
@require_POST
@permission_required("accounts.change_user", raise_exception=True)
def user_toggle_active(request, pk):
    user = _visible_user(request, pk)
    try:
        services.user_update(actor=request.user, user=user, is_active=not user.is_active)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("accounts:user-detail", pk=pk)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username and address failed too often (AXES_LOCKOUT_CALLABLE):
    429 with a clear message, JSON for the API, a page otherwise."""
    from django.conf import settings
    from django.http import JsonResponse

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed logins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


@login_required
def my_tokens(request):
    """The user's own API token: when it was issued and expires; revoke it (a lost phone)."""
    from rest_framework.authtoken.models import Token

    if request.method == "POST":
        count = services.token_revoke(actor=request.user, user=request.user)
        messages.success(request, _("API tokens revoked: %(n)d.") % {"n": count})
        return redirect("accounts:my-tokens")
    from fangkong.accounts.api.serializers import TokenSerializer

    tokens = [
        {"created": t.created, "expires": TokenSerializer().get_expires(t)}
        for t in Token.objects.filter(user=request.user)
    ]
    return render(request, "accounts/my_tokens.html", {"tokens": tokens, "title": _("My API tokens")})
