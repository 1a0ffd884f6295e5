from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField
from fangkong.policies.forms import PolicyVersionForm

from . import policy as opolicy
from .models import CareGroupMember, Need, OrderReason, OrderType, SiteMember, SpecialNeed, Symptom


class OrderForm(ScopedForm):
    person = ScopedModelChoiceField(
        "people.person",
        label=_("resident"),
        error_messages={"invalid_choice": _("Choose a resident in your jurisdiction.")},
    )
    order_type = forms.ChoiceField(label=_("type"), choices=OrderType.choices)
    reason = forms.ChoiceField(label=_("reason"), choices=OrderReason.choices)
    source = forms.CharField(label=_("source record"), max_length=200, required=False)
    start = dates.DateField(
        label=_("start"),
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    whole_household = forms.BooleanField(label=_("whole household"), required=False)


class PolicyChangeForm(PolicyVersionForm):
    """The policies app's version form, limited to the keys that set an order's length."""

    key = forms.ChoiceField(label=_("policy"), choices=[(k, k) for k in opolicy.DAYS_KEYS])
    field_order = ["key", "value", "area", "effective_from", "effective_to", "source", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from fangkong.policies.models import PolicyDefinition

        # The policy's name in the user's language; the key is only the submitted value.
        names = {d.key: d.label() for d in PolicyDefinition.objects.filter(key__in=opolicy.DAYS_KEYS)}
        self.fields["key"].choices = [(k, names.get(k, k)) for k in opolicy.DAYS_KEYS]
        self.fields["value"].label = _("new value (days)")


class TemperatureSymptomsForm(forms.Form):
    """A daily health report's temperature and symptoms: the resident's report below and a down-sunk
    cadre's or volunteer's own daily report (workforce) are this one form."""

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


class ReportForm(TemperatureSymptomsForm):
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


class TransferForm(ScopedForm):
    destination = forms.ChoiceField(
        label=_("to"),
        choices=[
            ("hospital", _("hospital")),
            ("site", _("another site")),
            ("order", _("another type of observation")),
        ],
    )
    new_type = forms.ChoiceField(label=_("new type"), choices=[("", "—"), *OrderType.choices], required=False)
    # Observation sites are few per district: a select, still limited to the viewer's.
    site = ScopedModelChoiceField(
        "observation.site_for_transfer", label=_("site"), required=False, small=True
    )
    reason = forms.CharField(label=_("reason"), max_length=300)


class CheckInForm(ScopedForm):
    site = ScopedModelChoiceField("observation.site_for_stay", label=_("site"), small=True)
    special_needs = forms.MultipleChoiceField(
        label=_("special needs"),
        choices=SpecialNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("notes"), max_length=300, required=False)


class SiteMemberForm(ScopedForm):
    site = ScopedModelChoiceField(
        "areas.observation_site", perm="observation.add_sitemember", label=_("site"), small=True
    )
    team = forms.ChoiceField(label=_("team"), choices=SiteMember.Team.choices)
    name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    username = forms.CharField(
        label=_("user name"), max_length=150, required=False, help_text=_("if the member has an account")
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


class RoomForm(ScopedForm):
    site = ScopedModelChoiceField(
        "areas.observation_site", perm="observation.add_room", label=_("site"), small=True
    )
    number = forms.CharField(label=_("room number"), max_length=20)
    floor = forms.IntegerField(label=_("floor"), initial=1, min_value=-5, max_value=200)
    capacity = forms.IntegerField(label=_("capacity"), initial=1, min_value=1, max_value=20)
    network = forms.BooleanField(label=_("network for exams or work"), required=False)


class CareMemberForm(forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    role = forms.ChoiceField(label=_("role in group"), choices=CareGroupMember.Role.choices)

    def clean_username(self):
        from fangkong.accounts.models import User

        user = User.objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No such user."))
        return user


class SickLeaveForm(ScopedForm):
    workplace = ScopedModelChoiceField("areas.workplace", label=_("workplace"))
    person_name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    symptoms = forms.MultipleChoiceField(
        label=_("symptoms"), choices=Symptom.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=_("days off"), min_value=1, max_value=60)
