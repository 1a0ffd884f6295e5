from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area, Level, Place
from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField
from fangkong.core.identity import IdType

from .models import Direction, Post, ReturneeNotice, Seal


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Code, ID number or phone"), max_length=500)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        max_digits=4,
        decimal_places=1,
        min_value=30,
        max_value=45,
        required=False,
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.IN)
    travel_from = forms.CharField(label=_("Coming from"), max_length=60, required=False)
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)


class SelfRegisterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=24)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        max_digits=4,
        decimal_places=1,
        min_value=30,
        max_value=45,
        required=False,
    )
    travel_from = forms.CharField(
        label=_("Where have you been in the last 14 days (if outside the city)"),
        max_length=60,
        required=False,
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.IN)
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)


class PassIssueForm(forms.Form):
    id_number = forms.CharField(label=_("Resident's ID number"), max_length=24)
    # Shown (as a checkbox) only once the service has warned that the person is under observation.
    confirm = forms.BooleanField(
        label=_("Issue the pass anyway: I have checked that this person may go out"),
        required=False,
        widget=forms.HiddenInput,
    )

    def ask_to_confirm(self):
        self.fields["confirm"].widget = forms.CheckboxInput()


class ReturneeNoticeForm(forms.Form):
    # The public notice form (no login): the district's community names are a public directory, so this
    # choice is deliberately not scoped (test_scoping_pages.AREA_NAMES_ALLOWED); it lists no records.
    area = forms.ModelChoiceField(label=_("Community"), queryset=Area.objects.filter(level=Level.COMMUNITY))
    submitted_by = forms.ChoiceField(
        label=_("I am"),
        choices=[c for c in ReturneeNotice.SubmittedBy.choices if c[0] != ReturneeNotice.SubmittedBy.GATE],
    )
    submitter_name = forms.CharField(
        label=_("Your name (landlord or employer)"), max_length=50, required=False
    )
    submitter_phone = forms.CharField(label=_("Your phone"), max_length=20, required=False)
    name = forms.CharField(label=_("Returnee's name"), max_length=50)
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.CHOICES, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("Document number"), max_length=24)
    phone = forms.CharField(label=_("Returnee's phone"), max_length=20, required=False)
    travel_from = forms.CharField(label=_("Coming from"), max_length=60)
    arrival_date = dates.DateField(
        label=_("Arrival date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    address = forms.CharField(label=_("Address in the community"), max_length=200, required=False)
    landlord_name = forms.CharField(label=_("Landlord"), max_length=50, required=False)
    landlord_phone = forms.CharField(label=_("Landlord's phone"), max_length=20, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class InspectionForm(forms.Form):
    """One yes/no per observation condition of the policy in force, then notes and photos."""

    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    photos = MultipleFileField(label=_("Photos"), required=False)

    def __init__(self, *args, conditions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.conditions = conditions
        for i, cond in enumerate(conditions):
            self.fields[f"cond_{i}"] = forms.BooleanField(label=cond, required=False)
        self.order_fields([f"cond_{i}" for i in range(len(conditions))] + ["notes", "photos"])

    def checklist(self) -> dict[str, bool]:
        return {c: bool(self.cleaned_data.get(f"cond_{i}")) for i, c in enumerate(self.conditions)}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ReturneeNotice.Decision.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SealForm(ScopedForm):
    area = ScopedModelChoiceField("areas.household", perm="gates.add_seal", label=_("home"))
    reason = forms.ChoiceField(label=_("Reason"), choices=Seal.Reason.choices)
    slip_number = forms.CharField(label=_("Slip number"), max_length=30, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PostForm(ScopedForm):
    # Gates, checkpoints and garages the user may staff (a few per community); someone else's place
    # reads as invalid.
    place = ScopedModelChoiceField(
        "areas.place",
        perm="gates.add_post",
        queryset=Place.objects.filter(
            kind__in=[Place.Kind.GATE, Place.Kind.CHECKPOINT, Place.Kind.GARAGE], active=True
        ),
        label=_("Place"),
        small=True,
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Post.Kind.choices)


class ShiftForm(ScopedForm):
    post = ScopedModelChoiceField(
        "gates.post", perm="gates.add_postshift", queryset=Post.objects.filter(active=True), label=_("Post")
    )
    volunteer = ScopedModelChoiceField("gates.volunteer", label=_("Volunteer"))
    start = dates.DateTimeField(
        label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = dates.DateTimeField(label=_("End"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
