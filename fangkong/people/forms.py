from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area, Level
from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField
from fangkong.core.identity import IdType

from .models import Person, PersonStatus, Visit, VulnerableEntry


class PersonForm(forms.Form):
    """Create/edit a resident. Numbers are typed in clear and encrypted by the service."""

    name = forms.CharField(label=_("name"), max_length=50)
    id_type = forms.ChoiceField(label=_("document type"), choices=IdType.CHOICES, initial=IdType.RESIDENT)
    id_number = forms.CharField(
        label=_("document number"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to keep the stored number."),
    )
    phone = forms.CharField(
        label=_("mobile phone"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the stored phone."),
    )
    person_type = forms.ChoiceField(label=_("type"), choices=Person.Type.choices)
    relation = forms.ChoiceField(label=_("relation"), choices=Person.Relation.choices)
    landlord_id_number = forms.CharField(
        label=_("landlord's document number"),
        max_length=30,
        required=False,
        help_text=_("Tenants: the landlord must be registered already."),
    )
    registered_residence = forms.CharField(
        label=_("registered residence (户籍)"), max_length=120, required=False
    )
    return_status = forms.ChoiceField(label=_("return status"), choices=Person.Return.choices)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["id_number"].required = True
            self.fields["id_number"].help_text = ""
            self.fields["phone"].help_text = ""
        for f in ("id_number", "phone", "landlord_id_number"):
            self.fields[f].widget.attrs["autocomplete"] = "off"


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=PersonStatus.choices)
    since = dates.DateTimeField(
        label=_("since"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: now."),
    )
    reason = forms.CharField(label=_("reason"), max_length=200)


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("id_number", _("document number")), ("phone", _("phone"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        min_length=2,
        help_text=_("Every reveal is logged with your name and this reason."),
    )


class MoveForm(ScopedForm):
    household = ScopedModelChoiceField(
        "areas.household", perm="people.change_person", label=_("new household")
    )
    relation = forms.ChoiceField(label=_("relation"), choices=Person.Relation.choices)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        # `households` narrows the choice further (the person's own community, not the current home).
        field = self.fields["household"]
        field.restrict = households
        field.limit_to(self.viewer)


class VulnerableEntryForm(forms.ModelForm):
    class Meta:
        model = VulnerableEntry
        fields = ["category", "responsible_name", "needs", "active"]
        widgets = {"needs": forms.Textarea(attrs={"rows": 3})}


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["date", "channel", "findings", "follow_up"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ImportForm(ScopedForm):
    # The user's own few import areas: a select, still limited to where they may add residents.
    within = ScopedModelChoiceField(
        "areas.area", perm="people.add_person", small=True, label=_("import into")
    )
    file = forms.FileField(label=_("survey file (.xlsx or .csv)"))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["within"]
        field.restrict = Area.objects.filter(pk__in=[a.pk for a in areas])
        field.limit_to(self.viewer)
        field.queryset = field.queryset.order_by("path")
        communities = [a for a in areas if a.level == Level.COMMUNITY]
        if communities:
            self.fields["within"].initial = communities[0].pk

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if f.size > 30 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 30 MB: split it."))
        return f
