from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.choices import ScopedForm, ScopedModelChoiceField, ScopedModelMultipleChoiceField

from .models import Category, HandlingEntry, Outcome, Rating, Urgency


class QuickEntryForm(ScopedForm):
    """A ringing phone: the number first (the caller is looked up), the address picked in a few keystrokes."""

    caller_phone = forms.CharField(
        label=_("caller phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "autofocus": True}),
    )
    caller_name = forms.CharField(label=_("caller"), max_length=50, required=False)
    area = ScopedModelChoiceField(
        "hotline.area",
        label=_("community or building"),
        required=False,
        error_messages={"invalid_choice": _("Unknown area.")},
        help_text=_("Type a name or its pinyin initials."),
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    text = forms.CharField(label=_("request"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if not data.get("area") and not (data.get("address") or "").strip():
            raise forms.ValidationError(_("Give the address or pick the community."))
        return data


class ImportForm(ScopedForm):
    within = ScopedModelChoiceField(
        "areas.area",
        perm="hotline.add_workorder",
        label=_("street or district"),
        error_messages={"invalid_choice": _("Unknown area.")},
    )
    file = forms.FileField(label=_("dispatch file (.xlsx or .csv)"))


class MatchForm(ScopedForm):
    area = ScopedModelChoiceField(
        "hotline.match_area",
        label=_("community or building"),
        error_messages={"invalid_choice": _("Unknown area.")},
    )


class DispatchForm(ScopedForm):
    unit = ScopedModelChoiceField(
        "hotline.unit",
        perm="hotline.dispatch_workorder",
        label=_("lead unit"),
        error_messages={"invalid_choice": _("Unknown unit.")},
    )
    co_units = ScopedModelMultipleChoiceField(
        "hotline.unit",
        perm="hotline.dispatch_workorder",
        label=_("co-handling units"),
        required=False,
        error_messages={"invalid_choice": _("Unknown unit.")},
    )
    handler = ScopedModelChoiceField(
        "hotline.handler",
        label=_("handler"),
        required=False,
        error_messages={"invalid_choice": _("Unknown user.")},
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (k.value, k.label)
            for k in (
                HandlingEntry.Kind.CALL,
                HandlingEntry.Kind.VISIT,
                HandlingEntry.Kind.PHOTO,
                HandlingEntry.Kind.NOTE,
            )
        ],
    )
    text = forms.CharField(
        label=_("what was done"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.ImageField(label=_("photo"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class ResumeForm(forms.Form):
    text = forms.CharField(label=_("note"), max_length=300, required=False)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("reply to the caller"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    reply = forms.CharField(
        label=_("reply to the caller"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcome = forms.ChoiceField(
        label=pgettext_lazy("work order", "outcome"), choices=[("", "—"), *Outcome.choices], required=False
    )
    outcome_reason = forms.CharField(label=_("why not resolvable"), max_length=300, required=False)


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("rating"), choices=Rating.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=pgettext_lazy("rating", "comment"), max_length=300, required=False)


class ReturnForm(forms.Form):
    dispatch = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), max_length=300)
