"""Thin views of the briefing: archive, the briefing page (with its PDF and Excel), generation and the
consistency check, the meeting's decisions and tasks, and the dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core.figures import sections as figure_sections
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedListView

from . import documents, forms, selectors, services
from .filters import BriefingFilter, ItemFilter
from .models import Briefing, Item
from .tables import BriefingTable, ItemTable


class ArchiveView(ScopedListView):
    model = Briefing
    filterset_class = BriefingFilter
    table_class = BriefingTable
    title = gettext_lazy("Briefings")
    export_name = "briefings"
    template_name = "briefing/archive.html"
    actions = [
        (gettext_lazy("Dashboard"), "briefing:dashboard", "briefing.view_figurevalue"),
        (gettext_lazy("Generate a briefing"), "briefing:generate", "briefing.add_briefing"),
        (gettext_lazy("Decisions and tasks"), "briefing:item-list", "briefing.view_item"),
    ]

    def base_queryset(self):
        return Briefing.objects.select_related("area", "generated_by")


archive = ArchiveView.as_view()


class ItemListView(ScopedListView):
    """Decisions and tasks of the briefings, each under its owner area (scoped like every record)."""

    model = Item
    filterset_class = ItemFilter
    table_class = ItemTable
    title = gettext_lazy("Decisions and tasks")
    export_name = "briefing-items"

    def base_queryset(self):
        return Item.objects.select_related("area", "briefing")


def _focus(request) -> int | None:
    raw = request.GET.get("area", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 18 else None


class Outside(Exception):
    """A briefing link the user may not open: answered with a page that says so (404), revealing nothing."""


def _briefing_for(request, pk, perm: str | None = None) -> Briefing:
    try:
        return get_visible_or_404(
            Briefing.objects.select_related("area", "amends"), request.user, perm, pk=pk
        )
    except Http404:
        raise Outside from None


def _outside(request, briefing=None):
    if briefing is None:
        message = _("This briefing does not cover any of your areas, or it does not exist.")
    else:
        message = _("The briefing of %(date)s has no figures for any of your areas.") % {
            "date": briefing.date
        }
    return render(
        request, "briefing/outside.html", {"title": _("Not in your areas"), "message": message}, status=404
    )


def _briefing_view(fn):
    """The briefing pages: login, then the user's briefing or the clear 'not in your areas' page."""

    @login_required
    def wrapper(request, pk, *args, **kwargs):
        try:
            return fn(request, pk, *args, **kwargs)
        except Outside:
            return _outside(request)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@_briefing_view
def detail(request, pk):
    briefing = _briefing_for(request, pk)
    if not request.user.has_perm("briefing.view_figurevalue"):
        raise PermissionDenied
    data = selectors.report(viewer=request.user, briefing=briefing, focus=_focus(request))
    if not data["tops"]:
        return _outside(request, briefing)
    data.update(
        title=_("Briefing on the epidemic prevention and control work"),
        item_form=forms.ItemForm(viewer=request.user) if request.user.has_perm("briefing.add_item") else None,
        states=Item.State.choices,
        focus=_focus(request),
    )
    return render(request, "briefing/briefing_detail.html", data)


@_briefing_view
def pdf(request, pk):
    briefing = _briefing_for(request, pk)
    if not request.user.has_perm("briefing.view_figurevalue"):
        raise PermissionDenied
    data = selectors.report(viewer=request.user, briefing=briefing, focus=_focus(request))
    if not data["tops"]:
        return _outside(request, briefing)
    resp = HttpResponse(documents.briefing_pdf(data), content_type="application/pdf")
    resp["Content-Disposition"] = (
        f'inline; filename="briefing-{briefing.date:%Y%m%d}-v{briefing.version}.pdf"'
    )
    return resp


@_briefing_view
def xlsx(request, pk):
    briefing = _briefing_for(request, pk)
    if not request.user.has_perm("briefing.view_figurevalue"):
        raise PermissionDenied
    data = selectors.report(viewer=request.user, briefing=briefing, focus=_focus(request))
    if not data["tops"]:
        return _outside(request, briefing)
    resp = HttpResponse(
        documents.briefing_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = (
        f'attachment; filename="briefing-{briefing.date:%Y%m%d}-v{briefing.version}.xlsx"'
    )
    return resp


@login_required
def generate(request):
    if not request.user.has_perm("briefing.add_briefing"):
        raise PermissionDenied
    form = forms.GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            area = _generation_area(request.user)
            briefing = services.briefing_generate(
                actor=request.user, date=d["date"], area=area, amend=d["amend"], reason=d["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Briefing of %(date)s, version %(version)s.")
                % {"date": briefing.date, "version": briefing.version},
            )
            return redirect(briefing)
    return render(
        request,
        "briefing/generate.html",
        {"form": form, "title": _("Generate a briefing")},
        status=400 if form.errors else 200,
    )


def _generation_area(user):
    """The district for its administrators; a street coordinator's briefing covers their street."""
    from fangkong.areas.selectors import area_roots_for

    district = services.area_default()
    if user.is_superuser:
        return district
    roots = area_roots_for(user)
    if any(district.path.startswith(a.path) for a in roots):
        return district
    if len(roots) == 1 and roots[0].level in ("street", "district"):
        return roots[0]
    raise ValidationError(_("Briefings are generated for a district or a street: your scope is neither."))


@_briefing_view
def check(request, pk):
    if not request.user.has_perm("briefing.add_briefing"):
        raise PermissionDenied
    briefing = _briefing_for(request, pk)
    diffs = services.briefing_check(briefing=briefing)
    from fangkong.areas.models import Area

    names = Area.objects.in_bulk({d["area_id"] for d in diffs})
    labels = {
        f"{s.key}.{f.key}": f"{selectors.label_text(s.title)} · {selectors.label_text(f.label)}"
        for s in figure_sections()
        for f in s.figures
    }
    for d in diffs:
        d["area"] = names.get(d["area_id"])
        d["label"] = labels.get(d["key"], d["key"])
    return render(
        request,
        "briefing/check.html",
        {"title": _("Consistency check"), "briefing": briefing, "diffs": diffs[:500], "count": len(diffs)},
    )


@_briefing_view
@require_POST
def item_add(request, pk):
    if not request.user.has_perm("briefing.add_item"):
        raise PermissionDenied
    briefing = _briefing_for(request, pk)
    form = forms.ItemForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            services.item_add(actor=request.user, briefing=briefing, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(briefing.get_absolute_url() + "#items")


@login_required
@require_POST
def item_state(request, pk):
    if not request.user.has_perm("briefing.change_item"):
        raise PermissionDenied
    item = get_visible_or_404(Item, request.user, "briefing.change_item", pk=pk)
    form = forms.ItemStateForm(request.POST)
    if form.is_valid():
        services.item_update(actor=request.user, item=item, state=form.cleaned_data["state"])
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Unknown state."))
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/briefing/") else item.get_absolute_url())


DASHBOARD_SECONDS = 300


@login_required
def dashboard(request):
    """The latest briefing's figures for the user's areas. A briefing is frozen, so its rendering is
    cached per briefing, user (and their grants), language and drill-down for a few minutes."""
    from django.core.cache import cache
    from django.template.loader import render_to_string
    from django.utils.translation import get_language

    if not request.user.has_perm("briefing.view_figurevalue"):
        raise PermissionDenied
    briefing = selectors.latest(viewer=request.user)
    if briefing is None:
        return render(request, "briefing/dashboard.html", {"title": _("Dashboard"), "briefing": None})
    focus = _focus(request)
    previous = selectors.previous_of(briefing)
    user = request.user
    key = (
        f"briefing:dash:{briefing.pk}:{previous.pk if previous else 0}:{user.pk}:"
        f"{getattr(user, 'grants_version', 0)}:{get_language()}:{focus or 0}"
    )
    cached = cache.get(key)
    if cached is None:
        data = selectors.dashboard(viewer=user, briefing=briefing, focus=focus)
        data["focus"] = focus
        body = render_to_string("briefing/_dashboard_body.html", data, request)
        cached = {"body": body, "headline_label": data["headline_label"]}
        cache.set(key, cached, DASHBOARD_SECONDS)
    return render(
        request,
        "briefing/dashboard.html",
        {"title": _("Dashboard"), "briefing": briefing, "focus": focus, **cached},
    )


@login_required
def command(request):
    """The command screen (指挥大屏): one page for the meeting room and the phone; its script polls
    `command_data` every minute."""
    if not request.user.has_perm("briefing.view_figurevalue"):
        raise PermissionDenied
    from . import live

    return render(
        request,
        "briefing/command.html",
        {"title": _("Command screen"), "refresh_seconds": live.LIVE_SECONDS},
    )


@login_required
def command_data(request):
    """Today's figures (at most a minute old), the morning's briefing beside them, the trend of past
    days and the communities on the map, for the viewer's areas."""
    from django.http import JsonResponse

    if not request.user.has_perm("briefing.view_figurevalue"):
        raise PermissionDenied
    from . import live

    resp = JsonResponse(live.command(viewer=request.user))
    resp["Cache-Control"] = "private, no-store"
    return resp
