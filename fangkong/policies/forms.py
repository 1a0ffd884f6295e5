from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area
from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField


class PolicyVersionForm(ScopedForm):
    """A new version of one policy key. The rules (who may set it where) live in the service; the form
    only offers the areas where the viewer may set policy."""

    value = forms.CharField(label=_("value"), max_length=200)
    effective_from = dates.DateTimeField(
        label=_("effective from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M"),
    )
    effective_to = dates.DateTimeField(
        label=_("effective to"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    area = ScopedModelChoiceField(
        "areas.area",
        perm="policies.add_policy",
        queryset=Area.objects.filter(depth__lte=4),
        label=_("area"),
        required=False,
        help_text=_(
            "Empty: the whole system (system administrators only). An area: it and everything below it."
        ),
    )
    source = forms.CharField(label=_("source"), max_length=200, help_text=_("e.g. 第九版防控方案"))
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, viewer=viewer, **kwargs)
