"""Forms of the workforce: rosters (phone-sized, no dragging) and check-in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField

from .models import Worker


class RosterWeekForm(ScopedForm):
    """Which community and week the roster page shows (GET)."""

    community = ScopedModelChoiceField(
        "areas.community", perm="gates.add_postshift", small=True, label=_("Community"), required=False
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
