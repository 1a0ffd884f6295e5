"""Forms of proactive tasks and Open311 integrations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area, Level
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField

from .models import ProactiveTask


class ProactiveTaskForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ProactiveTask.Status.choices)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class IntegrationForm(ScopedForm):
    name = forms.CharField(label=_("name"), max_length=100)
    street = ScopedModelChoiceField(
        "areas.area",
        perm="hotline.add_integration",
        queryset=Area.objects.filter(level=Level.STREET),
        small=True,
        label=_("street / township"),
    )
