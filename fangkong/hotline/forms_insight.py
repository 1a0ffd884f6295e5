"""Forms of proactive tasks and Open311 integrations."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.areas.models import Area, Level
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField

from .models import ProactiveTask


class ProactiveTaskForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ProactiveTask.Status.choices)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class IntegrationForm(ScopedForm):
    name = forms.CharField(label=pgettext_lazy("not a person", "name"), max_length=100)
    street = ScopedModelChoiceField(
        "areas.area",
        perm="hotline.add_integration",
        queryset=Area.objects.filter(level__in=(Level.STREET, Level.COMMUNITY)),
        label=_("files into (street or community)"),
    )
