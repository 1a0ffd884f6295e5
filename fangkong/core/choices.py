"""Scoped choices: one related field for forms, FilterSets and serializers (ARCHITECTURE.md, "The boundary
is everything a page shows").

A choice of a record is limited by the viewer (`visible_to(user, perm)`), validated against that limit (an
id outside it is an invalid choice) and rendered as a type-to-search input backed by one lookup endpoint
(`/lookup/<key>/`, at most `LIMIT` matches), never as a dropdown of every row. Small fixed sets (roles, the
user's own few areas) may render as a select with `small=True`; they are still scoped.

Each app registers how its records are searched and labelled in `<app>/lookups.py` (autodiscovered):

    register_lookup("people.person", Person, search=person_search, label=lambda p: f"{p.name} · {p.id_masked}")

A model with `visible_to` and no registration gets a default lookup (search by name, label `str()`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import dates

LIMIT = 20


@dataclass(frozen=True)
class Lookup:
    key: str
    model: type[models.Model]
    queryset: Callable  # (user) -> QuerySet of what the user may pick
    search: Callable  # (qs, q) -> qs
    label: Callable  # (obj) -> str
    small: bool = False
    select_related: tuple = field(default=())


LOOKUPS: dict[str, Lookup] = {}
_BY_MODEL: dict[type[models.Model], str] = {}


def _name_search(qs: QuerySet, q: str) -> QuerySet:
    names = {f.name for f in qs.model._meta.get_fields()}
    if "name" in names:
        return qs.filter(name__icontains=q)
    return qs.filter(pk=int(q)) if q.isascii() and q.isdigit() else qs.none()


def register_lookup(
    key: str,
    model: type[models.Model],
    *,
    perm: str | None = None,
    queryset: Callable | None = None,
    search: Callable | None = None,
    label: Callable | None = None,
    small: bool = False,
    select_related: tuple = (),
    default: bool | None = None,
) -> Lookup:
    """`queryset(user)` defaults to `model.objects.visible_to(user, perm)`; the first key registered for a
    model (or the one with default=True) serves that model's foreign keys in FilterSets and serializers."""
    if queryset is None:
        if not hasattr(model.objects, "visible_to"):
            raise ImproperlyConfigured(
                f"{model._meta.label} has no visible_to: give register_lookup a queryset"
            )

        def queryset(user, _model=model, _perm=perm):
            return _model.objects.visible_to(user, _perm)

    lk = Lookup(key, model, queryset, search or _name_search, label or str, small, tuple(select_related))
    LOOKUPS[key] = lk
    if default or (default is None and model not in _BY_MODEL):
        _BY_MODEL[model] = key
    return lk


def lookup_for(model_or_key) -> Lookup:
    if isinstance(model_or_key, str):
        try:
            return LOOKUPS[model_or_key]
        except KeyError:
            raise ImproperlyConfigured(f"no lookup registered as {model_or_key!r}") from None
    model = model_or_key
    if model in _BY_MODEL:
        return LOOKUPS[_BY_MODEL[model]]
    if hasattr(model.objects, "visible_to"):
        return register_lookup(model._meta.label_lower, model)
    raise ImproperlyConfigured(
        f"{model._meta.label} is not scoped: register a lookup for it (register_lookup(..., queryset=...))"
    )


def narrow(qs: QuerySet, base: QuerySet | None) -> QuerySet:
    """`qs` limited further to `base` (a field's own restriction); an unfiltered `base` changes nothing."""
    if isinstance(base, models.Manager):
        base = base.all()
    if base is None or base.model is not qs.model or not base.query.where:
        return qs
    return qs.filter(pk__in=base.values("pk"))


def choices_for(lookup: Lookup, user, perm: str | None = None) -> QuerySet:
    """What `user` may pick: the lookup's scoped queryset, narrowed (never widened) by `perm`."""
    qs = lookup.queryset(user)
    if perm:
        if not hasattr(qs, "visible_to"):  # ?perm= on a lookup with no scoping of its own (issue 18)
            raise ImproperlyConfigured(f"{lookup.key} takes no permission")
        qs = qs.visible_to(user, perm)  # chained: both limits hold
    if lookup.select_related:
        qs = qs.select_related(*lookup.select_related)
    return qs


class LookupWidget(forms.Widget):
    """A text box that searches as you type (HTMX GET to the lookup endpoint) and a hidden input with the
    chosen id. Re-rendered with a value, it shows that record's label, and only if the viewer may see it."""

    # In the app directory: the default form renderer reads app templates only.
    template_name = "core/widgets/lookup.html"
    allow_multiple_selected = False

    def __init__(self, key: str = "", attrs=None):
        super().__init__(attrs)
        self.key = key
        self.choices_qs = None  # set by the field once it knows the viewer
        self.lookup = None
        self.perm = None

    def _labels(self, values) -> list[tuple[str, str]]:
        ids = [str(v) for v in values if str(v).strip().isascii() and str(v).strip().isdigit()]
        if not ids or self.choices_qs is None:
            return []
        found = {str(o.pk): self.lookup.label(o) for o in self.choices_qs.filter(pk__in=ids)}
        return [(i, found[i]) for i in ids if i in found]

    def format_value(self, value):
        if value is None or value == "":
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value]

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        url = reverse("lookup", args=[self.key])
        if self.perm:
            url += f"?perm={self.perm}"
        ctx["widget"].update(
            {
                "url": url,
                "selected": self._labels(ctx["widget"]["value"]),
                "multiple": self.allow_multiple_selected,
                "placeholder": _("type to search"),
            }
        )
        return ctx


class LookupMultipleWidget(LookupWidget):
    allow_multiple_selected = True


class _ScopedFieldMixin:
    """Holds the lookup key; `limit_to(user)` sets the queryset (and the widget) to what the user may pick.
    Until then the field offers and accepts nothing. A `queryset=` given to the field narrows further."""

    def _setup(self, lookup, perm, small, kwargs):
        self.lookup_key, self.perm = lookup, perm
        lk = lookup_for(lookup)
        self.small = lk.small if small is None else small
        self.restrict = kwargs.pop("queryset", None)
        kwargs["queryset"] = lk.model.objects.none()
        if not self.small and "widget" not in kwargs:
            kwargs["widget"] = self.big_widget(lk.key)
        return kwargs

    def limit_to(self, user):
        lk = lookup_for(self.lookup_key)
        qs = choices_for(lk, user, self.perm)
        qs = narrow(qs, self.restrict)
        self.queryset = qs
        self.label_from_instance = lk.label
        if isinstance(self.widget, LookupWidget):
            self.widget.choices_qs, self.widget.lookup, self.widget.perm = qs, lk, self.perm
        return self


class ScopedModelChoiceField(_ScopedFieldMixin, forms.ModelChoiceField):
    big_widget = LookupWidget

    def __init__(self, lookup, *, perm: str | None = None, small: bool | None = None, **kwargs):
        super().__init__(**self._setup(lookup, perm, small, kwargs))


class ScopedModelMultipleChoiceField(_ScopedFieldMixin, forms.ModelMultipleChoiceField):
    big_widget = LookupMultipleWidget

    def __init__(self, lookup, *, perm: str | None = None, small: bool | None = None, **kwargs):
        super().__init__(**self._setup(lookup, perm, small, kwargs))


def limit_fields(form: forms.BaseForm, user) -> None:
    for f in form.fields.values():
        if isinstance(f, _ScopedFieldMixin):
            f.limit_to(user)


class ScopedFormMixin:
    """Forms take `viewer=` and limit every scoped field to it; no view repeats the boilerplate."""

    def __init__(self, *args, viewer=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer or user
        limit_fields(self, self.viewer)


class ScopedForm(ScopedFormMixin, forms.Form):
    pass


class ScopedModelForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        # A model's dates and times through the one bounded parser (core.dates), in every subclass.
        formfield_callback = dates.formfield_for_dbfield


# django-filter


class ScopedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """`?person=<id>`: one record the requesting user may see (anything else is an invalid choice)."""

    field_class = ScopedModelChoiceField

    def __init__(self, *args, lookup=None, perm=None, small=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup_key, self.perm, self.small = lookup, perm, small

    @property
    def field(self):
        if not hasattr(self, "_field"):
            key = self.lookup_key or lookup_for(self.model._meta.get_field(self.field_name).related_model).key
            kwargs = {k: v for k, v in self.extra.items() if k not in ("lookup", "perm", "small")}
            if self.queryset is not None and not callable(self.queryset):
                kwargs["queryset"] = self.queryset
            self._field = self.field_class(key, perm=self.perm, small=self.small, label=self.label, **kwargs)
            self._field.limit_to(getattr(self.get_request(), "user", None))
        return self._field


class ScopedModelMultipleChoiceFilter(ScopedModelChoiceFilter, django_filters.ModelMultipleChoiceFilter):
    field_class = ScopedModelMultipleChoiceField


class WithinAreaFilter(ScopedModelChoiceFilter):
    """`?area=<id>`: records anywhere below an area the viewer may see (a path prefix on the record)."""

    def __init__(self, *args, path_field: str = "area_path", **kwargs):
        kwargs.setdefault("lookup", "areas.area")
        super().__init__(*args, **kwargs)
        self.path_field = path_field

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path_field}__startswith": value.path})


def _fk_filter(f):
    return {"lookup": lookup_for(f.related_model).key}


# Generated date filters parse through core.dates too: ?since=2022-02-30 is a field error, not a 500.
_DATE_FILTERS = {
    models.DateField: {"filter_class": dates.DateFilter},
    models.DateTimeField: {"filter_class": dates.DateTimeFilter},
    models.TimeField: {"filter_class": dates.TimeFilter},
}


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose foreign-key filters (declared or generated from Meta.fields) offer only what the
    requesting user may see, searched by typing. The user comes from `request` (views and DRF pass it)."""

    FILTER_DEFAULTS = {
        **django_filters.filterset.FILTER_FOR_DBFIELD_DEFAULTS,
        **_DATE_FILTERS,
        models.ForeignKey: {"filter_class": ScopedModelChoiceFilter, "extra": _fk_filter},
        models.OneToOneField: {"filter_class": ScopedModelChoiceFilter, "extra": _fk_filter},
        models.ManyToManyField: {"filter_class": ScopedModelMultipleChoiceFilter, "extra": _fk_filter},
    }

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            limit_fields(form, getattr(self.request, "user", None))
            empty_choices_read_all(form)
        return self._form


def empty_choices_read_all(form) -> None:
    """A filter's "no choice" reads 全部/All: a yes/no filter's 'unknown' and a choice's '---------' (the
    setting FILTERS_EMPTY_CHOICE_LABEL covers ChoiceFilter only)."""
    from django.conf import settings
    from django.forms.widgets import NullBooleanSelect

    label = getattr(settings, "FILTERS_EMPTY_CHOICE_LABEL", None) or "---------"
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, NullBooleanSelect):
            widget.choices = [
                (value, label if value == "unknown" else text) for value, text in widget.choices
            ]
        elif getattr(f, "empty_label", None) == "---------":
            f.empty_label = label
        elif getattr(f, "choices", None) and not isinstance(f, forms.ModelChoiceField):
            f.choices = [(v, label if v == "" and t == "---------" else t) for v, t in f.choices]


class ScopedRestFilterSet(ScopedFilterSet, django_filters.rest_framework.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        **{
            k: v
            for k, v in ScopedFilterSet.FILTER_DEFAULTS.items()
            if k in (models.ForeignKey, models.OneToOneField, models.ManyToManyField)
        },
        **_DATE_FILTERS,
    }


class ScopedFilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """The API's filter backend: FilterSets generated from a viewset's `filterset_fields` are scoped too."""

    filterset_base = ScopedRestFilterSet


# Django REST framework


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id limited to what the caller may see (someone else's record reads as an invalid id). The
    browsable API renders it as a text input: its form never lists the rows."""

    def __init__(self, lookup=None, *, perm: str | None = None, **kwargs):
        self.lookup_key, self.perm = lookup, perm
        if not kwargs.get("read_only"):
            kwargs.setdefault("style", {"base_template": "input.html", "input_type": "text"})
        super().__init__(**kwargs)

    def get_queryset(self):
        base = self.queryset
        lk = lookup_for(self.lookup_key or base.model)
        user = getattr(self.context.get("request"), "user", None)
        qs = choices_for(lk, user, self.perm)
        # A queryset given to the field (or generated from the model) narrows; it never widens.
        return narrow(qs, base)


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related fields a ModelSerializer generates are scoped too (ScopedRelatedField)."""

    serializer_related_field = ScopedRelatedField
    # A model's dates and times through the one bounded parser (core.dates).
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: dates.DateSerializerField,
        models.DateTimeField: dates.DateTimeSerializerField,
        models.TimeField: dates.TimeSerializerField,
    }
