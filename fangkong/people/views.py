"""Pages of the registry. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.areas.models import Area, Level
from fangkong.core.excel import xlsx_response
from fangkong.core.scoping import get_visible_or_404
from fangkong.core.views import ScopedDetailView, ScopedListView, form_errors

from . import imports as ix
from . import selectors, services
from .filters import PersonFilter, VulnerableEntryFilter
from .forms import ImportForm, MoveForm, PersonForm, RevealForm, StatusForm, VisitForm, VulnerableEntryForm
from .models import ImportBatch, Person, PersonStatus, Visit, VulnerableEntry
from .tables import PersonTable, VulnerableEntryTable


def _landlord(form, viewer):
    """The landlord typed as a document number, found by its HMAC index among people the viewer sees."""
    number = form.cleaned_data.get("landlord_id_number", "")
    if not number:
        return None
    landlord = selectors.person_search(selectors.person_list(viewer=viewer), number).first()
    if landlord is None:
        form.add_error("landlord_id_number", _("No registered resident with this document number."))
        raise ValidationError("")
    return landlord


class PersonListView(ScopedListView):
    model = Person
    filterset_class = PersonFilter
    table_class = PersonTable
    template_name = "people/person_list.html"
    export_name = "residents"

    def base_queryset(self):
        return Person.objects.select_related("area")


class PersonDetailView(ScopedDetailView):
    model = Person
    template_name = "people/person_detail.html"

    def base_queryset(self):
        return Person.objects.select_related("area", "landlord")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p, user = self.object, self.request.user
        ctx["household"] = p.area
        ctx["address"] = p.area.full_name()
        ctx["history"] = selectors.status_history(viewer=user, person=p)
        ctx["entries"] = selectors.person_entries(viewer=user, person=p)
        ctx["tenants"] = selectors.person_list(viewer=user).filter(landlord=p)
        ctx["may_reveal"] = services.may_reveal(user, p)
        ctx.setdefault("revealed", {})
        ctx.setdefault("reveal_form", RevealForm())
        ctx["title"] = p.name
        return ctx


class PersonRevealView(PersonDetailView):
    """POST field + reason: the detail page again with the clear value; the access is logged."""

    permission_required = "people.reveal_identity"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = RevealForm(request.POST)
        revealed = {}
        status = 200
        if form.is_valid():
            try:
                revealed[form.cleaned_data["field"]] = services.person_reveal(
                    actor=request.user,
                    person=self.object,
                    field=form.cleaned_data["field"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
                status = 400
        else:
            status = 400
        ctx = self.get_context_data(object=self.object, revealed=revealed, reveal_form=form)
        return self.render_to_response(ctx, status=status)


class _AreaPage(ScopedDetailView):
    model = Area

    def get_permission_required(self):
        return [self.permission_required or "people.view_person"]


class HouseholdView(_AreaPage):
    """A household (户): its people, relations and landlords."""

    template_name = "people/household.html"

    def base_queryset(self):
        return Area.objects.filter(level=Level.HOUSEHOLD).select_related("parent__parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["people"] = selectors.household_people(viewer=self.request.user, household=self.object)
        ctx["address"] = self.object.full_name()
        ctx["title"] = ctx["address"]
        return ctx


class EntranceView(_AreaPage):
    """An entrance (楼门) or a building: its households with the people in each."""

    template_name = "people/entrance.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["households"] = selectors.entrance_view(viewer=self.request.user, area=self.object)
        ctx["address"] = self.object.full_name()
        ctx["title"] = ctx["address"]
        return ctx


class PersonCreateView(_AreaPage):
    """Register a resident in a household."""

    permission_required = "people.add_person"
    template_name = "people/person_form.html"

    def base_queryset(self):
        return Area.objects.filter(level=Level.HOUSEHOLD)

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user, "people.add_person")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return render(request, self.template_name, {"form": PersonForm(), "household": self.object})

    def post(self, request, *args, **kwargs):
        self.object = household = self.get_object()
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                landlord = _landlord(form, request.user)
                data = {k: v for k, v in form.cleaned_data.items() if k != "landlord_id_number"}
                p = services.person_create(actor=request.user, household=household, landlord=landlord, **data)
            except ValidationError as exc:
                if exc.messages != [""]:
                    form_errors(form, exc)
            else:
                messages.success(request, _("Resident %(name)s registered.") % {"name": p.name})
                return redirect("people:person-detail", pk=p.pk)
        return render(request, self.template_name, {"form": form, "household": household}, status=400)


class _PersonAction(ScopedDetailView):
    model = Person
    template_name = "people/person_action.html"
    heading = ""

    def get_queryset(self):
        return Person.objects.visible_to(self.request.user, self.get_permission_required()[0])

    def form(self, data=None):
        raise NotImplementedError

    def apply(self, form):
        raise NotImplementedError

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "object": self.object, "heading": self.heading, "title": self.heading},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(self.form())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form(request.POST)
        if form.is_valid():
            try:
                target = self.apply(form)
            except ValidationError as exc:
                if exc.messages != [""]:
                    form_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(target)
        return self.render_form(form, status=400)


class PersonEditView(_PersonAction):
    permission_required = "people.change_person"
    template_name = "people/person_form.html"

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "object": self.object, "household": self.object.area},
            status=status,
        )

    def form(self, data=None):
        p = self.object
        initial = {
            f: getattr(p, f)
            for f in (
                "name",
                "id_type",
                "person_type",
                "relation",
                "registered_residence",
                "return_status",
                "notes",
            )
        }
        return PersonForm(data, initial=initial, creating=False)

    def apply(self, form):
        landlord = _landlord(form, self.request.user)
        data = {k: v for k, v in form.cleaned_data.items() if k != "landlord_id_number"}
        if landlord is not None:
            data["landlord"] = landlord
        for secret in ("id_number", "phone"):
            if not data.get(secret):
                data.pop(secret)
        if data["id_type"] == self.object.id_type and "id_number" not in data:
            data.pop("id_type")
        services.person_update(actor=self.request.user, person=self.object, **data)
        return self.object.get_absolute_url()


class PersonStatusView(_PersonAction):
    permission_required = "people.add_statuschange"

    @property
    def heading(self):
        return _("Change status")

    def form(self, data=None):
        return StatusForm(data, initial={"status": self.object.status})

    def apply(self, form):
        d = form.cleaned_data
        services.person_status_set(
            actor=self.request.user,
            person=self.object,
            status=d["status"],
            reason=d["reason"],
            since=d["since"] or timezone.now(),
        )
        return self.object.get_absolute_url()


class PersonMoveView(_PersonAction):
    permission_required = "people.change_person"

    @property
    def heading(self):
        return _("Move to another household")

    def form(self, data=None):
        community = selectors.community_of(self.object.area).path
        return MoveForm(
            data,
            viewer=self.request.user,
            households=Area.objects.filter(path__startswith=community).exclude(pk=self.object.area_id),
            initial={"relation": self.object.relation},
        )

    def apply(self, form):
        d = form.cleaned_data
        services.person_move(
            actor=self.request.user,
            person=self.object,
            household=d["household"],
            relation=d["relation"],
            reason=d["reason"],
        )
        return self.object.get_absolute_url()


class EntryCreateView(_PersonAction):
    permission_required = "people.add_vulnerableentry"

    @property
    def heading(self):
        return _("Add to the vulnerable ledger")

    def form(self, data=None):
        return VulnerableEntryForm(data, initial={"responsible_name": str(self.request.user)})

    def apply(self, form):
        d = form.cleaned_data
        entry = services.vulnerable_entry_create(actor=self.request.user, person=self.object, **d)
        return entry.get_absolute_url()


class EntryDetailView(ScopedDetailView):
    model = VulnerableEntry
    template_name = "people/entry_detail.html"

    def base_queryset(self):
        return VulnerableEntry.objects.select_related("person", "area", "responsible")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["visits"] = self.object.visits.select_related("by").order_by("-date", "-id")
        ctx.setdefault("visit_form", VisitForm())
        ctx["title"] = str(self.object)
        return ctx


class EntryEditView(ScopedDetailView):
    model = VulnerableEntry
    permission_required = "people.change_vulnerableentry"
    template_name = "people/person_action.html"

    def get_queryset(self):
        return VulnerableEntry.objects.visible_to(self.request.user, "people.change_vulnerableentry")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return render(
            request,
            self.template_name,
            {
                "form": VulnerableEntryForm(instance=self.object),
                "object": self.object.person,
                "heading": str(self.object),
            },
        )

    def post(self, request, *args, **kwargs):
        self.object = entry = self.get_object()
        form = VulnerableEntryForm(request.POST, instance=VulnerableEntry.objects.get(pk=entry.pk))
        if form.is_valid():
            try:
                services.vulnerable_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("people:entry-detail", pk=entry.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "object": entry.person, "heading": str(entry)},
            status=400,
        )


class VisitAddView(EntryDetailView):
    permission_required = "people.add_visit"
    http_method_names = ["post"]

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user, "people.add_visit")

    def post(self, request, *args, **kwargs):
        self.object = entry = self.get_object()
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                services.visit_add(actor=request.user, entry=entry, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Visit recorded."))
                return redirect("people:entry-detail", pk=entry.pk)
        return self.render_to_response(self.get_context_data(object=entry, visit_form=form), status=400)


class LedgerListView(ScopedListView):
    model = VulnerableEntry
    filterset_class = VulnerableEntryFilter
    table_class = VulnerableEntryTable
    template_name = "people/ledger_list.html"
    export_name = "vulnerable-ledger"
    title = gettext_lazy("Vulnerable ledger")

    def base_queryset(self):
        return VulnerableEntry.objects.select_related("person", "area").prefetch_related(
            Prefetch("visits", Visit.objects.order_by("-date", "-id"))
        )


@login_required
@permission_required("people.view_vulnerableentry", raise_exception=True)
def ledger_print(request):
    """A community's ledger as a printable page (A4, no navigation)."""
    area = None
    if request.GET.get("area"):
        area = get_visible_or_404(Area, request.user, pk=request.GET["area"])
    entries = selectors.ledger(viewer=request.user, community=area, category=request.GET.get("category", ""))
    return render(
        request,
        "people/ledger_print.html",
        {
            "entries": entries[:5000],
            "area": area,
            "now": timezone.localtime(),
            "title": _("Vulnerable ledger"),
        },
    )


@login_required
@permission_required("people.view_statistics", raise_exception=True)
def status_counts(request):
    area = None
    if request.GET.get("area"):
        area = get_visible_or_404(Area, request.user, pk=request.GET["area"])
    rows = selectors.status_counts(viewer=request.user, area=area)
    statuses = [(s, label) for s, label in PersonStatus.choices]
    totals = [sum(r["counts"].get(s, 0) for r in rows) for s, _label in statuses]
    return render(
        request,
        "people/status_counts.html",
        {
            "rows": rows,
            "statuses": statuses,
            "totals": totals,
            "grand_total": sum(totals),
            "area": area,
            "title": _("Residents by status"),
        },
    )


# ------------------------------------------------------------------ import


@login_required
@permission_required("people.add_person", raise_exception=True)
def import_page(request):
    areas = selectors.import_areas(viewer=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, areas=areas, viewer=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            up = form.cleaned_data["file"]
            try:
                batch = services.import_batch_create(
                    actor=request.user,
                    within=form.cleaned_data["within"],
                    filename=up.name,
                    content=up.read(),
                )
            except ValidationError as exc:
                form_errors(form, exc)
            except PermissionDenied:
                form.add_error("within", _("You may not import residents into this area."))
            else:
                return redirect("people:import-detail", pk=batch.pk)
        status = 400
    batches = selectors.import_batches(viewer=request.user)[:20]
    return render(
        request,
        "people/import.html",
        {"form": form, "batches": batches, "title": _("Import survey")},
        status=status,
    )


@login_required
def import_template(request):
    return xlsx_response(ix.build_template(), "入户摸排登记表.xlsx")


class ImportListView(ScopedListView):
    """Every survey upload the user may see, by state (the workbench lists those awaiting confirmation)."""

    model = ImportBatch
    # Those who import (the upload page's permission): the batches' pages lead back to it.
    permission_required = "people.add_person"
    title = gettext_lazy("Survey imports")
    export_name = "survey-imports"

    def get_filterset_class(self):
        from .filters import ImportBatchFilter

        return ImportBatchFilter

    def get_table_class(self):
        from .tables import ImportBatchTable

        return ImportBatchTable

    def base_queryset(self):
        return ImportBatch.objects.select_related("area", "created_by").defer("content")

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user, "people.add_person")


class ImportDetailView(ScopedDetailView):
    """The preview of an upload: counts, the row outcomes, errors; Confirm commits it."""

    model = ImportBatch
    template_name = "people/import_detail.html"

    def base_queryset(self):
        return ImportBatch.objects.select_related("area", "created_by").defer("content")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = services.ImportReport.from_dict(self.object.report or {})
        ctx["report"] = report
        errors: dict[int, list] = {}
        for e in report.row_errors:
            errors.setdefault(e.row, []).append(e)
        ctx["outcomes"] = [(o, errors.get(o[0], [])) for o in report.outcomes]
        ctx["more_rows"] = max(0, report.total - len(report.outcomes))
        if (self.object.report or {}).get("file_error"):
            ctx["file_error"] = services.file_error_text(*self.object.report["file_error"])
        ctx["title"] = _("Import preview")
        ctx["working"] = self.object.state in (ImportBatch.State.ANALYSING, ImportBatch.State.IMPORTING)
        ctx["has_file"] = ImportBatch.objects.filter(pk=self.object.pk).exclude(content=b"").exists()
        return ctx


class ImportCommitView(ImportDetailView):
    permission_required = "people.add_person"
    http_method_names = ["post"]

    def get_queryset(self):
        return ImportBatch.objects.visible_to(self.request.user, "people.add_person")

    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        try:
            batch = services.import_batch_confirm(actor=request.user, batch=batch)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("people:import-detail", pk=batch.pk)
        report = services.ImportReport.from_dict(batch.report or {})
        if batch.state == ImportBatch.State.COMMITTED:
            messages.success(
                request,
                _("Imported: %(new)s new, %(upd)s updated, %(same)s unchanged.")
                % {"new": report.new, "upd": report.updated, "same": report.unchanged},
            )
        elif batch.state == ImportBatch.State.IMPORTING:
            messages.info(
                request, _("Importing in the background; this page shows the result when it is done.")
            )
        elif batch.state == ImportBatch.State.ANALYSING:
            # Confirmed before its preview was ready (a second tab, a forced POST): say so.
            messages.warning(
                request,
                _("Not imported yet: the file is still being checked. Confirm once the preview shows."),
            )
        elif not report.errors:
            messages.error(request, _("Nothing was imported. The registry is unchanged; confirm again."))
        else:
            messages.error(
                request,
                _(
                    "Nothing was imported: %(n)s rows have errors. Download the error report, "
                    "fix the rows and upload again."
                )
                % {"n": report.errors},
            )
        return redirect("people:import-detail", pk=batch.pk)


class ImportErrorsView(ImportDetailView):
    def get(self, request, *args, **kwargs):
        batch = self.get_object()
        if batch.content is None or (batch.report or {}).get("file_error"):
            raise Http404  # a file refused as a whole has no rows to mark
        try:
            data = services.import_error_report(actor=request.user, batch=batch)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("people:import-detail", pk=batch.pk)
        name = batch.filename.rsplit(".", 1)[0]
        return xlsx_response(data, f"{name}-错误报告.xlsx")


class ImportCancelView(ImportCommitView):
    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        try:
            services.import_batch_cancel(actor=request.user, batch=batch)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Upload cancelled; the file was deleted."))
        return redirect("people:import-detail", pk=batch.pk)
