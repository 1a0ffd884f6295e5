"""Forms of care and health (issue 20). Every choice of a worker or post is a scoped field; the services
check the ids again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedFormMixin, ScopedModelChoiceField
from fangkong.observation.forms import TemperatureSymptomsForm

from .services.care import MAX_ISSUED


def _date(label, **kwargs):
    return dates.DateField(
        label=label, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), **kwargs
    )


def _count(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_ISSUED,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_ISSUED}),
    )


class InsuranceForm(ScopedForm):
    worker = ScopedModelChoiceField(
        "workforce.worker",
        perm="workforce.add_insurance",
        label=_("worker"),
        error_messages={"invalid_choice": _("Choose a worker in your jurisdiction.")},
    )
    insurer = forms.CharField(label=_("insurer"), max_length=100)
    policy_number = forms.CharField(label=_("policy number"), max_length=60)
    start = _date(_("from"), initial=timezone.localdate)
    end = _date(_("until"))


class CareIssueForm(ScopedForm):
    """Counts handed out at a post today: a phone form (a select of the few posts, number pads)."""

    post = ScopedModelChoiceField(
        "gates.post",
        perm="workforce.add_careissue",
        label=_("post"),
        small=True,
        error_messages={"invalid_choice": _("Choose a post in your jurisdiction.")},
    )
    date = _date(_("date"), initial=timezone.localdate)
    meals = _count(_("meals"))
    masks = _count(_("masks"))
    suits = _count(_("protective suits"))
    gloves = _count(_("gloves"))

    def clean(self):
        data = super().clean()
        for name in ("meals", "masks", "suits", "gloves"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class RestDayForm(ScopedForm):
    worker = ScopedModelChoiceField(
        "workforce.worker",
        perm="workforce.add_restday",
        label=_("worker"),
        error_messages={"invalid_choice": _("Choose a worker in your jurisdiction.")},
    )
    date = _date(_("date"), initial=timezone.localdate)
    taken = forms.BooleanField(label=_("taken (not only planned)"), required=False, initial=True)


class OwnHealthForm(TemperatureSymptomsForm):
    """A worker's own daily report: the observation app's temperature-and-symptoms form as it is."""


class HealthEntryForm(ScopedFormMixin, TemperatureSymptomsForm):
    """The community enters a worker's report (a phone call): the same form with the worker chosen."""

    worker = ScopedModelChoiceField(
        "workforce.worker",
        perm="workforce.add_workerhealthreport",
        label=_("worker"),
        error_messages={"invalid_choice": _("Choose a worker in your jurisdiction.")},
    )
    field_order = ["worker", "temperature", "symptoms"]
