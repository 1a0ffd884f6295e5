from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField

from .models import Box, Campaign, Exemption, LaneStaff, Site

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def dt_field(label, required=True):
    return dates.DateTimeField(
        label=label,
        required=required,
        input_formats=DT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


GROUP_CHOICES = [
    ("observation", _("people under observation")),
    ("health_monitoring", _("health monitoring")),
    ("contacts", _("close and secondary contacts")),
    ("returnees", _("returnees awaiting checks")),
]


class CampaignForm(ScopedForm):
    name = forms.CharField(label=pgettext_lazy("not a person", "name"), max_length=120)
    area = ScopedModelChoiceField("areas.area", perm="screening.add_campaign", label=_("area"))
    starts = dt_field(_("window start"))
    ends = dt_field(_("window end"))
    rule = forms.ChoiceField(label=_("target rule"), choices=Campaign.Rule.choices)
    groups = forms.MultipleChoiceField(
        label=_("priority groups"), choices=GROUP_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(
        label=_("arrivals in the last N days"), required=False, min_value=1, max_value=60
    )

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        params = {}
        if d["rule"] == Campaign.Rule.PRIORITY:
            params["groups"] = d.get("groups") or []
        if d["rule"] == Campaign.Rule.ARRIVALS:
            params["days"] = d.get("days")
        return {
            "name": d["name"],
            "area": d["area"],
            "starts": d["starts"],
            "ends": d["ends"],
            "rule": d["rule"],
            "rule_params": params,
        }


class SiteForm(ScopedForm):
    place = ScopedModelChoiceField(
        "screening.sampling_place", perm="areas.view_place", label=_("existing sampling site"), required=False
    )
    name = forms.CharField(label=_("or a new site: name"), max_length=120, required=False)
    area = ScopedModelChoiceField("areas.area", perm="areas.add_place", label=_("its area"), required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("longitude"), max_digits=9, decimal_places=6, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=Site.Kind.choices)
    lanes = forms.IntegerField(label=_("lanes"), min_value=1, max_value=100)
    per_lane_hour = forms.IntegerField(label=_("people per lane per hour"), min_value=1, max_value=1000)
    opens = dt_field(_("opens"))
    closes = dt_field(_("closes"))


class SiteEditForm(forms.Form):
    lanes = forms.IntegerField(label=_("lanes"), min_value=1, max_value=100)
    per_lane_hour = forms.IntegerField(label=_("people per lane per hour"), min_value=1, max_value=1000)
    opens = dt_field(_("opens"))
    closes = dt_field(_("closes"))
    closed = forms.BooleanField(label=_("closed"), required=False)


class LaneStaffForm(ScopedForm):
    lane = forms.IntegerField(label=_("lane"), min_value=1)
    worker = ScopedModelChoiceField(
        "workforce.worker",
        perm="screening.add_lanestaff",
        label=_("worker from the registry"),
        required=False,
        error_messages={"invalid_choice": _("Choose a worker in your jurisdiction.")},
    )
    user = ScopedModelChoiceField("accounts.user", label=_("or a user"), required=False)
    role = forms.ChoiceField(label=_("role"), choices=LaneStaff.Role.choices)

    def clean(self):
        data = super().clean()
        if not data.get("worker") and not data.get("user") and not self.errors:
            raise forms.ValidationError(_("Choose a worker or a user."))
        return data


class BoxForm(ScopedForm):
    site = ScopedModelChoiceField(
        "screening.site", perm="screening.add_box", label=_("sampling site"), small=True
    )
    code = forms.CharField(label=_("box code"), max_length=40)
    lab = forms.CharField(label=_("laboratory"), max_length=100, required=False)
    tubes = forms.CharField(
        label=_("tube barcodes (one a line)"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    person_name = forms.CharField(label=pgettext_lazy("box", "sealed by"), max_length=50, required=False)

    def barcodes(self) -> list[str]:
        return [b.strip() for b in self.cleaned_data["tubes"].replace(",", "\n").splitlines() if b.strip()]


class BoxStepForm(forms.Form):
    state = forms.ChoiceField(
        choices=[(Box.State.HANDED_OVER, _("handed over")), (Box.State.RECEIVED, _("received"))]
    )
    person_name = forms.CharField(label=_("person"), max_length=50)


class LabFileForm(forms.Form):
    file = forms.FileField(label=_("laboratory file (.xlsx or .csv)"))


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=Exemption.Reason.choices)
    proof = forms.CharField(label=_("proof / note"), max_length=200, required=False)


class AntigenForm(forms.Form):
    result = forms.ChoiceField(
        label=_("antigen self-test result"),
        choices=[("negative", _("negative")), ("positive", _("positive"))],
        widget=forms.RadioSelect,
    )
