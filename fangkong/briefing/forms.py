from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField

from .models import Item

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class GenerateForm(forms.Form):
    date = dates.DateField(label=_("date"), initial=timezone.localdate, widget=DATE)
    amend = forms.BooleanField(label=_("amend the briefing of this date (a new version)"), required=False)
    reason = forms.CharField(label=_("reason for the amendment"), max_length=300, required=False)


class ItemForm(ScopedForm):
    kind = forms.ChoiceField(label=_("kind"), choices=Item.Kind.choices, initial=Item.Kind.TASK)
    text = forms.CharField(label=_("text"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    area = ScopedModelChoiceField(
        "briefing.owner_area",
        perm="briefing.add_item",
        label=_("owner area"),
        required=False,
        error_messages={"invalid_choice": _("Choose an area of your jurisdiction.")},
    )
    deadline = dates.DateField(label=_("deadline"), required=False, widget=DATE)


class ItemStateForm(forms.Form):
    state = forms.ChoiceField(label=_("state"), choices=Item.State.choices)


class ArchiveSearchForm(forms.Form):
    date = dates.DateField(label=_("date"), required=False, widget=DATE)
