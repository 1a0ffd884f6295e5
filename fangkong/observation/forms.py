from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Place
from fangkong.people.models import Person

from . import policy as opolicy
from . import selectors
from .models import CareGroupMember, Need, OrderReason, OrderType, SiteMember, SpecialNeed, Symptom


class OrderForm(forms.Form):
    person = forms.TypedChoiceField(label=_("resident"), coerce=int)
    order_type = forms.ChoiceField(label=_("type"), choices=OrderType.choices)
    reason = forms.ChoiceField(label=_("reason"), choices=OrderReason.choices)
    source = forms.CharField(label=_("source record"), max_length=200, required=False)
    start = forms.DateField(
        label=_("start"),
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    whole_household = forms.BooleanField(label=_("whole household"), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = Person.objects.visible_to(viewer)
        initial = self.initial.get("person") or (self.data.get("person") if self.data else None)
        qs = self.people.order_by("name")[:300]
        choices = [(p.pk, f"{p.name} · {p.id_masked}") for p in qs]
        if initial and str(initial).isdigit() and not any(c[0] == int(initial) for c in choices):
            extra = self.people.filter(pk=int(initial)).first()
            if extra:
                choices.insert(0, (extra.pk, f"{extra.name} · {extra.id_masked}"))
        self.fields["person"].choices = choices

    def clean_person(self):
        person = self.people.filter(pk=self.cleaned_data["person"]).first()
        if person is None:
            raise forms.ValidationError(_("Choose a resident in your jurisdiction."))
        return person


class PolicyChangeForm(forms.Form):
    key = forms.ChoiceField(label=_("policy"), choices=[(k, k) for k in opolicy.DAYS_KEYS])
    value = forms.IntegerField(label=_("new value (days)"), min_value=0, max_value=365)
    effective_from = forms.DateTimeField(
        label=_("effective from"),
        initial=timezone.now,
        widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M:%S"),
    )
    source = forms.CharField(label=_("source"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from fangkong.policies.models import PolicyDefinition

        names = dict(PolicyDefinition.objects.filter(key__in=opolicy.DAYS_KEYS).values_list("key", "name_zh"))
        from django.utils.translation import get_language

        if not (get_language() or "").startswith("en"):
            self.fields["key"].choices = [(k, f"{names.get(k, k)} ({k})") for k in opolicy.DAYS_KEYS]


class ReportForm(forms.Form):
    temperature = forms.DecimalField(
        label=_("temperature (℃)"),
        max_digits=3,
        decimal_places=1,
        min_value=34,
        max_value=43,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("symptoms"), choices=Symptom.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    needs = forms.MultipleChoiceField(
        label=_("needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    needs_note = forms.CharField(label=_("needs detail"), max_length=300, required=False)


class WorkerReportForm(ReportForm):
    channel = forms.ChoiceField(
        label=_("channel"),
        choices=[("call", _("phone call")), ("visit", _("visit")), ("room", _("site room round"))],
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("extend by (days)"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("reason"), max_length=300)


class EndForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)
    force = forms.BooleanField(label=_("end although not ready"), required=False)


class TransferForm(forms.Form):
    destination = forms.ChoiceField(
        label=_("to"),
        choices=[
            ("hospital", _("hospital")),
            ("site", _("another site")),
            ("order", _("another type of observation")),
        ],
    )
    new_type = forms.ChoiceField(label=_("new type"), choices=[("", "—"), *OrderType.choices], required=False)
    site = forms.ModelChoiceField(label=_("site"), queryset=Place.objects.none(), required=False)
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.sites_serving(
            viewer=viewer, perm="observation.change_observationorder"
        )


class CheckInForm(forms.Form):
    site = forms.ModelChoiceField(label=_("site"), queryset=Place.objects.none())
    special_needs = forms.MultipleChoiceField(
        label=_("special needs"),
        choices=SpecialNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("notes"), max_length=300, required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.sites_serving(viewer=viewer)


class SiteMemberForm(forms.Form):
    site = forms.ModelChoiceField(label=_("site"), queryset=Place.objects.none())
    team = forms.ChoiceField(label=_("team"), choices=SiteMember.Team.choices)
    name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    username = forms.CharField(
        label=_("user name"), max_length=150, required=False, help_text=_("if the member has an account")
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Place.objects.visible_to(viewer, "observation.add_sitemember").filter(
            kind=Place.Kind.OBSERVATION_SITE
        )

    def clean_username(self):
        from fangkong.accounts.models import User

        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user with this name."))
        return user


class RoomForm(forms.Form):
    site = forms.ModelChoiceField(label=_("site"), queryset=Place.objects.none())
    number = forms.CharField(label=_("room number"), max_length=20)
    floor = forms.IntegerField(label=_("floor"), initial=1, min_value=-5, max_value=200)
    capacity = forms.IntegerField(label=_("capacity"), initial=1, min_value=1, max_value=20)
    network = forms.BooleanField(label=_("network for exams or work"), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Place.objects.visible_to(viewer, "observation.add_room").filter(
            kind=Place.Kind.OBSERVATION_SITE
        )


class CareMemberForm(forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    role = forms.ChoiceField(label=_("role in group"), choices=CareGroupMember.Role.choices)

    def clean_username(self):
        from fangkong.accounts.models import User

        user = User.objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No such user."))
        return user


class SickLeaveForm(forms.Form):
    workplace = forms.ModelChoiceField(label=_("workplace"), queryset=Place.objects.none())
    person_name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    symptoms = forms.MultipleChoiceField(
        label=_("symptoms"), choices=Symptom.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=_("days off"), min_value=1, max_value=60)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = Place.objects.visible_to(viewer).exclude(
            kind__in=[Place.Kind.GATE, Place.Kind.CHECKPOINT, Place.Kind.GARAGE, Place.Kind.OBSERVATION_SITE]
        )
