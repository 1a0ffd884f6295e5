"""Forms of the workforce pages. Numbers are typed in clear and encrypted by the services; every area
comes from a scoped choice (core.choices)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField, ScopedModelMultipleChoiceField
from fangkong.core.identity import IdType

from .models import Duty, Skill, Worker
from .selectors import criterion_choices


class WorkerForm(ScopedForm):
    area = ScopedModelChoiceField(
        "workforce.team",
        label=pgettext_lazy("workforce", "team"),
        help_text=_("The street (before assignment) or the community."),
    )
    name = forms.CharField(label=_("name"), max_length=50)
    kind = forms.ChoiceField(label=_("kind"), choices=Worker.Kind.choices)
    level = forms.ChoiceField(label=_("level"), choices=Worker.Level.choices)
    home_unit = forms.CharField(label=_("home unit (派出单位)"), max_length=100, required=False)
    id_type = forms.ChoiceField(label=_("document type"), choices=IdType.CHOICES, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("document number"), max_length=30, required=False)
    phone = forms.CharField(label=_("mobile phone"), max_length=20, required=False)
    skills = forms.MultipleChoiceField(
        label=_("skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    health_status = forms.ChoiceField(label=_("health"), choices=Worker.Health.choices)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["area"]
            self.fields["id_number"].help_text = _("Leave empty to keep the stored number.")
            self.fields["phone"].help_text = _("Leave empty to keep the stored phone.")
        for f in ("id_number", "phone"):
            self.fields[f].widget.attrs["autocomplete"] = "off"


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("id_number", "id_number"), ("phone", "phone")])
    reason = forms.CharField(max_length=300, min_length=2)


class ImportForm(ScopedForm):
    area = ScopedModelChoiceField(
        "workforce.team",
        label=pgettext_lazy("workforce", "team"),
        help_text=_("The unit's street before assignment, or a community."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Worker.Kind.choices, initial=Worker.Kind.CADRE)
    level = forms.ChoiceField(label=_("level"), choices=Worker.Level.choices, initial=Worker.Level.DISTRICT)
    home_unit = forms.CharField(
        label=_("home unit (派出单位)"),
        max_length=100,
        required=False,
        help_text=_("For rows that leave the unit empty."),
    )
    file = forms.FileField(label=_("file (.xlsx or .csv)"))


class LinkForm(ScopedForm):
    area = ScopedModelChoiceField("workforce.link_community", label=_("community"))
    kind = forms.ChoiceField(
        label=_("who registers"),
        choices=[(k, v) for k, v in Worker.Kind.choices if k != Worker.Kind.CADRE],
    )
    title = forms.CharField(label=_("title"), max_length=100, required=False)
    days = forms.IntegerField(label=_("open for (days)"), min_value=1, max_value=90, initial=14)


class SelfRegisterForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("mobile phone"), max_length=20)
    id_type = forms.ChoiceField(label=_("document type"), choices=IdType.CHOICES, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("document number"), max_length=30)
    home_unit = forms.CharField(label=_("work unit"), max_length=100, required=False)
    skills = forms.MultipleChoiceField(
        label=_("skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class RequestForm(ScopedForm):
    area = ScopedModelChoiceField("workforce.need_area", label=_("street or community"))
    count = forms.IntegerField(label=_("workers needed"), min_value=1, max_value=10_000)
    duties = forms.MultipleChoiceField(
        label=_("duties"), choices=Duty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    start = dates.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = dates.DateField(label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class AssignForm(ScopedForm):
    area = ScopedModelChoiceField("workforce.community", label=_("community"))
    duty = forms.ChoiceField(label=_("duty"), choices=Duty.choices, initial=Duty.GATE)
    start = dates.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CriteriaForm(ScopedForm):
    """The district's bulk assignment: N available workers (filters) over communities ranked by a figure
    of the registry, or over the communities chosen."""

    count = forms.IntegerField(label=_("number of workers"), min_value=1, max_value=100_000)
    criterion = forms.ChoiceField(label=_("rank communities by"), choices=criterion_choices)
    within = ScopedModelChoiceField("workforce.within", label=_("communities of"), required=False)
    communities = ScopedModelMultipleChoiceField(
        "workforce.community", label=_("or these communities"), required=False
    )
    top = forms.IntegerField(label=_("only the first (communities)"), min_value=1, required=False)
    min_value = forms.IntegerField(label=_("figure above"), min_value=0, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=[("", "—"), *Worker.Kind.choices], required=False)
    level = forms.ChoiceField(label=_("level"), choices=[("", "—"), *Worker.Level.choices], required=False)
    skills = forms.MultipleChoiceField(
        label=_("skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    home_unit = forms.CharField(label=_("home unit (派出单位)"), max_length=100, required=False)
    duty = forms.ChoiceField(label=_("duty"), choices=Duty.choices, initial=Duty.GATE)
    start = dates.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


# == rosters and attendance (wf2) ==


class RosterWeekForm(ScopedForm):
    """Which community and week the roster page shows (GET)."""

    community = ScopedModelChoiceField(
        "areas.community",
        perm="gates.add_postshift",
        small=True,
        label=_("Community"),
        required=False,
        empty_label=_("Choose a community."),
    )
    week = dates.DateField(label=_("Week of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ShiftAddForm(ScopedForm):
    post = ScopedModelChoiceField("gates.post", perm="gates.add_postshift", small=True, label=_("Post"))
    worker = ScopedModelChoiceField(Worker, perm="gates.add_postshift", small=True, label=_("Worker"))
    start = dates.DateTimeField(
        label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = dates.DateTimeField(label=_("End"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class ShiftSwapForm(ScopedForm):
    worker = ScopedModelChoiceField(
        Worker, perm="gates.change_postshift", small=True, label=_("Give the shift to")
    )


class CheckInForm(forms.Form):
    """The check-in page's buttons; the browser fills in its location when the worker allows it."""

    action = forms.ChoiceField(choices=[("in", _("check in")), ("out", _("check out"))])
    lat = forms.DecimalField(required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    lon = forms.DecimalField(required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180)
