"""Generic views every app's views.py builds on: scoped list (filter + table + Excel), scoped detail,
and the one-form page whose POST calls a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterMixin
from django_tables2 import SingleTableMixin

from .excel import table_to_xlsx
from .models import ChangeLog, SensitiveAccess


def form_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def service_form_page(request, form, save, *, template: str, title: str, success_url):
    """A one-form page: a valid POST calls `save(cleaned_data)` (a service); its ValidationError
    shows on the form with status 400, success redirects to `success_url` with "Saved."."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url)
    return render(request, template, {"form": form, "title": title}, status=400 if form.errors else 200)


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Login, the role's permission for the action, then the queryset limited to the user's areas."""

    model = None
    action = "view"
    raise_exception = False

    def get_permission_required(self):
        if self.permission_required:
            return super().get_permission_required()
        m = self.model._meta
        return [f"{m.app_label}.{self.action}_{m.model_name}"]

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)


class ScopedListView(ScopedMixin, FilterMixin, SingleTableMixin, ListView):
    """A filtered, paginated table; `?export=xlsx` downloads the same filtered rows as Excel."""

    filterset_class = None
    table_class = None
    # The table paginates (one COUNT); ListView's own paginator would count a second time.
    paginate_by = None
    per_page = 50
    max_per_page = 500
    template_name = "core/list.html"
    title = ""
    export_name = "export"
    # Buttons above the list: (label, url name, permission or None), shown when the user holds it;
    # how a user finds the pages that start from a list (issue a pass, add a room, scans by day…).
    actions: list[tuple] = []

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        # Unbound (no query string) lists everything visible; invalid filters list nothing and show errors.
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        self.object_list = self.filterset.qs if valid else self.get_queryset().none()
        if request.GET.get("export") == "xlsx":
            table = self.get_table_class()(self.object_list)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            title = self.title or self.model._meta.verbose_name_plural
            return table_to_xlsx(table, f"{self.export_name}-{stamp}.xlsx", title=title)
        return self.render_to_response(
            self.get_context_data(filter=self.filterset, object_list=self.object_list)
        )

    def get_table_data(self):
        return self.object_list

    def get_table_pagination(self, table):
        asked = self.request.GET.get("per_page", "")
        return {
            "per_page": min(int(asked), self.max_per_page)
            if asked.isascii() and asked.isdigit() and int(asked)
            else self.per_page
        }

    def get_table(self, **kwargs):
        # django-tables2's RequestConfig reads ?per_page= and ?page= itself, past our cap (?per_page=10**6)
        # and into a 500 for ?per_page=-1: it sorts only, and the page is chosen here.
        from django.core.paginator import EmptyPage
        from django_tables2 import RequestConfig

        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        RequestConfig(self.request, paginate=False).configure(table)
        per_page = self.get_table_pagination(table)["per_page"]
        asked = self.request.GET.get("page", "1")
        page = int(asked) if asked.isascii() and asked.isdigit() and 0 < int(asked) < 10**9 else 1
        try:
            table.paginate(page=page, per_page=per_page)
        except EmptyPage:  # past the last page: the last one
            table.paginate(page=max(table.paginator.num_pages, 1), per_page=per_page)
        return table

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title or self.model._meta.verbose_name_plural
        ctx["list_actions"] = [
            (label, reverse(name))
            for label, name, perm in self.actions
            if perm is None or self.request.user.has_perm(perm)
        ]
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["content_type"] = ContentType.objects.get_for_model(self.object)
        return ctx


class ChangeLogListView(ScopedListView):
    model = ChangeLog
    template_name = "core/changelog_list.html"

    def get_filterset_class(self):
        from .filters import ChangeLogFilter

        return ChangeLogFilter

    def get_table_class(self):
        from .tables import ChangeLogTable

        return ChangeLogTable

    def base_queryset(self):
        return ChangeLog.objects.select_related("user", "content_type")


class ChangeLogDetailView(ScopedDetailView):
    model = ChangeLog
    template_name = "core/changelog_detail.html"

    def get_object(self, queryset=None):
        from .audit import redact

        obj = super().get_object(queryset)
        redact(self.request.user, [obj])
        return obj


class ObjectChangeLogView(ChangeLogListView):
    """The change log of one object (linked from every detail page)."""

    def base_queryset(self):
        ct = get_object_or_404(ContentType, pk=self.kwargs["ct"])
        return super().base_queryset().filter(content_type=ct, object_id=str(self.kwargs["pk"]))


class AccessLogListView(ScopedListView):
    model = SensitiveAccess

    def get_filterset_class(self):
        from .filters import AccessLogFilter

        return AccessLogFilter

    def get_table_class(self):
        from .tables import AccessLogTable

        return AccessLogTable

    def base_queryset(self):
        return SensitiveAccess.objects.select_related("user", "content_type")


@login_required
def lookup(request, key: str):
    """The one scoped lookup behind every type-to-search choice: at most `LIMIT` records the user may see
    matching `q` (HTML options for HTMX, JSON otherwise); `?id=` answers one chosen record's label."""
    from django.core.exceptions import ImproperlyConfigured
    from django.http import Http404, JsonResponse

    from .choices import LIMIT, LOOKUPS, choices_for

    lk = LOOKUPS.get(key)
    if lk is None:
        raise Http404
    perm = request.GET.get("perm") or None
    try:
        qs = choices_for(lk, request.user, perm)
    except ImproperlyConfigured:
        raise Http404 from None
    q = request.GET.get("q", "").strip()[:100]
    ident = request.GET.get("id", "")
    if ident:
        qs = qs.filter(pk=ident) if ident.isascii() and ident.isdigit() else qs.none()
    elif q:
        qs = lk.search(qs, q)
    else:
        qs = qs.none()
    rows = list(qs[: LIMIT + 1])
    results = [(o.pk, lk.label(o)) for o in rows[:LIMIT]]
    more = len(rows) > LIMIT
    if request.headers.get("HX-Request"):
        return render(request, "core/lookup_results.html", {"results": results, "q": q, "more": more})
    return JsonResponse({"results": [{"id": v, "text": t} for v, t in results], "more": more})


def home(request):
    """Landing page: the page of the user's role where it has one (the gate check page, the runner's
    deliveries…), otherwise the workbench."""
    from django.contrib.auth.views import redirect_to_login

    from .workbench import landing_for

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    target = landing_for(request.user)
    if target:
        return redirect(target)
    return workbench_page(request)


@login_required
def workbench_page(request):
    """The workbench (工作台): the user's to-do lines, overdue first, each one tap to its list."""
    from fangkong.areas import selectors as area_selectors

    from .workbench import workbench

    lines = workbench(request.user)
    # Below the to-dos, the user's own jurisdictions with what lies below them (the way into the tree).
    cards = [
        (a, area_selectors.level_counts(area=a)) for a in area_selectors.area_roots_for(request.user)[:20]
    ]
    scopes = request.user.active_scopes() if not request.user.is_superuser else []
    groups = [
        (when, label, [line for line in lines if line.when == when])
        for when, label in (
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("later", _("Other to-dos")),
        )
    ]
    return render(
        request,
        "core/home.html",
        {
            "groups": [g for g in groups if g[2]],
            "lines": lines,
            "scopes": scopes,
            "cards": cards,
            "title": _("Workbench"),
        },
    )


@login_required
def search_page(request):
    """The header's one search box: residents, cases, requests, tracking codes — each app's registered
    search, scoped to what the user may see."""
    from .workbench import search

    q = request.GET.get("q", "").strip()[:100]
    results = search(request.user, q) if q else []
    return render(request, "core/search.html", {"q": q, "results": results, "title": _("Search")})
