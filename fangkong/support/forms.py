from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField, ScopedModelMultipleChoiceField

from .models import DoorKnock, RequestKind, TeamKind


class ClosureForm(ScopedForm):
    area = ScopedModelChoiceField(
        "areas.area",
        perm="support.add_closure",
        label=_("area to close"),
        error_messages={"invalid_choice": _("Choose an area in your jurisdiction.")},
    )
    name = forms.CharField(label=pgettext_lazy("not a person", "name"), max_length=120, required=False)
    reason = forms.CharField(label=_("reason"), max_length=300)
    start = dates.DateTimeField(
        label=_("closed from"),
        initial=lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    checkpoints = ScopedModelMultipleChoiceField(
        "support.checkpoint", label=_("checkpoints (卡口)"), required=False
    )
    duty_phone = forms.CharField(label=_("community duty phone"), max_length=30, required=False)
    medical_lead = ScopedModelChoiceField("support.team_user", label=_("medical lead"), required=False)


class EndForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class MemberForm(ScopedForm):
    team = forms.ChoiceField(label=_("team"), choices=TeamKind.choices)
    worker = ScopedModelChoiceField(
        "workforce.worker",
        perm="support.add_teammember",
        label=_("worker from the registry"),
        required=False,
        error_messages={"invalid_choice": _("Choose a worker in your jurisdiction.")},
    )
    user = ScopedModelChoiceField("support.team_user", label=_("or a user"), required=False)
    name = forms.CharField(label=_("or a named volunteer"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("phone"),
        max_length=20,
        required=False,
        help_text=_(
            "A resident volunteer is found by name and phone and checked for a recent negative test."
        ),
    )
    lead = forms.BooleanField(label=_("team lead"), required=False)


class ResidentRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("what do you need?"),
        choices=[(k, lbl) for k, lbl in RequestKind.choices],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("details (medicine name, what to buy…)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_phone = forms.CharField(label=_("phone to call back"), max_length=20, required=False)
    client_id = forms.CharField(widget=forms.HiddenInput, required=False)


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("how was it?"),
        choices=[("", "—")] + [(str(i), "★" * i) for i in range(5, 0, -1)],
        required=False,
        coerce=int,
        empty_value=None,
    )
    comment = forms.CharField(label=_("comment"), max_length=300, required=False)


class QuickEntryForm(ScopedForm):
    household = ScopedModelChoiceField(
        "areas.household",
        perm="support.add_request",
        label=_("household"),
        error_messages={"invalid_choice": _("Choose a household in your jurisdiction.")},
    )
    kind = forms.ChoiceField(label=_("type"), choices=RequestKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    contact_phone = forms.CharField(label=_("caller's phone"), max_length=20, required=False)
    on_behalf = forms.BooleanField(label=_("entered by the entrance head (楼门长)"), required=False)
    client_id = forms.CharField(widget=forms.HiddenInput, required=False)


class KnockForm(forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("result", "outcome"),
        choices=[c for c in DoorKnock.Outcome.choices if c[0] != DoorKnock.Outcome.PENDING],
    )
    needs = forms.MultipleChoiceField(
        label=_("needs found"),
        choices=RequestKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class LotForm(ScopedForm):
    checkpoint = ScopedModelChoiceField("support.checkpoint", label=_("checkpoint"))
    item = forms.CharField(label=_("item"), max_length=60, initial=_("vegetable pack (蔬菜包)"))
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    supplier = forms.CharField(label=_("supplier"), max_length=100, required=False)


class DistributionForm(ScopedForm):
    checkpoint = ScopedModelChoiceField("support.checkpoint", label=_("checkpoint"))
    building = ScopedModelChoiceField("areas.area", perm="support.add_distribution", label=_("building"))
    item = forms.CharField(label=_("item"), max_length=60)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
