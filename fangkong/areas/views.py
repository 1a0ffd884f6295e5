from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView

from . import selectors, services
from .filters import AreaFilter, PlaceFilter
from .forms import PlaceForm
from .models import Area, Place
from .tables import AreaTable, PlaceTable


class AreaListView(ScopedListView):
    model = Area
    filterset_class = AreaFilter
    table_class = AreaTable
    export_name = "areas"


class AreaDetailView(ScopedDetailView):
    """One level of the tree: its children with their counts, its places, the way back up."""

    model = Area
    template_name = "areas/area_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        area = self.object
        visible = set(
            Area.objects.visible_to(self.request.user)
            .filter(path__in=area.ancestor_paths())
            .values_list("pk", flat=True)
        )
        ctx["ancestors"] = [(a, a.pk in visible) for a in area.ancestors()]
        ctx["children"] = selectors.children_with_counts(area=area)
        ctx["chart"] = selectors.children_chart(children=ctx["children"])
        ctx["level_counts"] = selectors.level_counts(area=area)
        ctx["places"] = selectors.place_list(viewer=self.request.user).filter(area=area)
        ctx["can_add_place"] = self.request.user.has_perm("areas.add_place")
        return ctx


class PlaceListView(ScopedListView):
    model = Place
    filterset_class = PlaceFilter
    table_class = PlaceTable
    export_name = "places"

    def base_queryset(self):
        return Place.objects.select_related("area")


class PlaceDetailView(ScopedDetailView):
    model = Place
    template_name = "areas/place_detail.html"


class PlaceCreateView(ScopedDetailView):
    """Add a place under an area the user may see."""

    model = Area
    action = "view"
    permission_required = "areas.add_place"
    template_name = "areas/place_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return render(request, self.template_name, {"form": PlaceForm(), "area": self.object})

    def post(self, request, *args, **kwargs):
        self.object = area = self.get_object()
        form = PlaceForm(request.POST)
        if form.is_valid():
            place = services.place_create(actor=request.user, area=area, **form.cleaned_data)
            messages.success(request, _("Place “%(name)s” added.") % {"name": place.name})
            return redirect("areas:place-detail", pk=place.pk)
        return render(request, self.template_name, {"form": form, "area": area}, status=400)


class PlaceEditView(ScopedDetailView):
    model = Place
    permission_required = "areas.change_place"
    template_name = "areas/place_form.html"

    def get(self, request, *args, **kwargs):
        place = self.object = self.get_object()
        return render(
            request,
            self.template_name,
            {"form": PlaceForm(instance=place), "area": place.area, "place": place},
        )

    def post(self, request, *args, **kwargs):
        place = self.object = self.get_object()
        form = PlaceForm(request.POST, instance=Place.objects.get(pk=place.pk))
        if form.is_valid():
            services.place_update(actor=request.user, place=place, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("areas:place-detail", pk=place.pk)
        return render(
            request, self.template_name, {"form": form, "area": place.area, "place": place}, status=400
        )


def home_redirect_area(request, pk):
    area = get_visible_or_404(Area, request.user, pk=pk)
    return redirect("areas:area-detail", pk=area.pk)
