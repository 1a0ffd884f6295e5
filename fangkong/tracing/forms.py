from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField, ScopedModelMultipleChoiceField

from .models import Classification, Contact, ContactKind, RiskArea, Severity, Whereabouts

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}


class CaseOpenForm(ScopedForm):
    person = ScopedModelChoiceField(
        "people.person",
        perm="tracing.add_case",
        label=_("resident"),
        error_messages={"invalid_choice": _("Choose a resident in your jurisdiction.")},
    )
    lab = forms.CharField(label=_("laboratory"), max_length=120)
    sample_date = dates.DateField(label=_("sample date"), initial=timezone.localdate, **DATE)
    onset_date = dates.DateField(label=_("onset date"), required=False, **DATE)
    classification = forms.ChoiceField(
        label=_("classification"),
        choices=[c for c in Classification.choices if c[0] != Classification.EXCLUDED],
    )


class CaseUpdateForm(forms.Form):
    classification = forms.ChoiceField(label=_("classification"), choices=Classification.choices)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, required=False)
    whereabouts = forms.ChoiceField(label=_("where now"), choices=Whereabouts.choices)
    onset_date = dates.DateField(label=_("onset date"), required=False, **DATE)


class TimelineForm(ScopedForm):
    day = dates.DateField(label=pgettext_lazy("date", "day"), **DATE)
    place = ScopedModelChoiceField("areas.place", perm="areas.view_place", label=_("place"), required=False)
    text = forms.CharField(label=_("where / what"), max_length=200, required=False)
    time_from = dates.TimeField(
        label=_("from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_to = dates.TimeField(
        label=pgettext_lazy("time range", "to"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )


class NamedContactForm(ScopedForm):
    person = ScopedModelChoiceField(
        "people.person",
        perm="people.view_person",
        label=_("resident"),
        error_messages={"invalid_choice": _("Choose a resident in your jurisdiction.")},
    )
    note = forms.CharField(label=_("what the case told"), max_length=200)


class ConfirmForm(forms.Form):
    degree = forms.ChoiceField(
        label=_("degree"), choices=Contact.Degree.choices, initial=Contact.Degree.CLOSE
    )


class LinkForm(ScopedForm):
    source = ScopedModelChoiceField(
        "tracing.case",
        perm="tracing.view_case",
        label=_("source case"),
        error_messages={"invalid_choice": _("Choose a case you may see.")},
    )
    kind = forms.ChoiceField(label=_("contact type"), choices=ContactKind.choices)
    evidence = forms.CharField(label=_("evidence"), max_length=300)


class AssignForm(ScopedForm):
    users = ScopedModelMultipleChoiceField("accounts.user", label=_("investigators"), required=False)


class ClusterForm(ScopedForm):
    name = forms.CharField(label=pgettext_lazy("not a person", "name"), max_length=120)
    area = ScopedModelChoiceField("areas.area", perm="tracing.add_cluster", label=_("area"))
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ClusterAddForm(ScopedForm):
    cluster = ScopedModelChoiceField("tracing.cluster", perm="tracing.change_cluster", label=_("cluster"))


class RiskAreaForm(ScopedForm):
    level = forms.ChoiceField(label=pgettext_lazy("risk", "level"), choices=RiskArea.Level.choices)
    area = ScopedModelChoiceField("areas.area", perm="areas.view_area", label=_("area"), required=False)
    place = ScopedModelChoiceField("areas.place", perm="areas.view_place", label=_("place"), required=False)
    region = forms.CharField(label=_("region outside the district"), max_length=60, required=False)
    valid_from = dates.DateTimeField(
        label=_("from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    valid_to = dates.DateTimeField(
        label=pgettext_lazy("time range", "to"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    source = forms.CharField(label=_("source"), max_length=200)


class GraphForm(ScopedForm):
    cluster = ScopedModelChoiceField(
        "tracing.cluster", perm="tracing.view_cluster", label=_("cluster"), required=False
    )
    area = ScopedModelChoiceField("areas.area", perm="tracing.view_case", label=_("area"), required=False)
    date_from = dates.DateField(label=_("sampled from"), required=False, **DATE)
    date_to = dates.DateField(label=_("sampled to"), required=False, **DATE)
