"""Forms of the zero report, the report link, inspections, the ledger and checklist versions."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from fangkong.core import dates
from fangkong.core.choices import ScopedForm, ScopedModelChoiceField
from fangkong.gates.forms import MultipleFileField
from fangkong.observation.models import Symptom

from .models import Workplace, WorkplaceType

ABSENT_ROWS = 2  # empty rows for absent people below those already reported today
NUM = {"inputmode": "numeric"}


class ZeroReportForm(forms.Form):
    staff_total = forms.IntegerField(
        label=_("staff"), min_value=0, max_value=100000, widget=forms.NumberInput(NUM)
    )
    staff_on_site = forms.IntegerField(
        label=_("staff on site"), min_value=0, max_value=100000, widget=forms.NumberInput(NUM)
    )
    arrivals_outside = forms.IntegerField(
        label=_("arrivals from outside Beijing"),
        min_value=0,
        max_value=100000,
        initial=0,
        widget=forms.NumberInput(NUM),
    )
    temperature_checked = forms.BooleanField(label=_("temperature checks done"), required=False)
    disinfected = forms.BooleanField(label=_("disinfection done"), required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, absentees=(), **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(absentees) + [{}] * ABSENT_ROWS
        self.absent_rows = []
        for i, a in enumerate(rows):
            name = forms.CharField(
                label=pgettext_lazy("person", "name"),
                max_length=50,
                required=False,
                initial=a.get("name", ""),
            )
            phone = forms.CharField(label=_("phone"), max_length=20, required=False)
            symptoms = forms.MultipleChoiceField(
                label=_("symptoms"),
                choices=Symptom.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=a.get("symptoms", []),
            )
            self.fields[f"absent_{i}_name"] = name
            self.fields[f"absent_{i}_phone"] = phone
            self.fields[f"absent_{i}_symptoms"] = symptoms
            self.absent_rows.append(i)

    def rows(self):
        return [
            (self[f"absent_{i}_name"], self[f"absent_{i}_phone"], self[f"absent_{i}_symptoms"])
            for i in self.absent_rows
        ]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        absentees = [
            {
                "name": d.get(f"absent_{i}_name", ""),
                "phone": d.get(f"absent_{i}_phone", ""),
                "symptoms": d.get(f"absent_{i}_symptoms", []),
            }
            for i in self.absent_rows
        ]
        return {
            "staff_total": d["staff_total"],
            "staff_on_site": d["staff_on_site"],
            "arrivals_outside": d["arrivals_outside"],
            "temperature_checked": d["temperature_checked"],
            "disinfected": d["disinfected"],
            "note": d["note"],
            "absentees": absentees,
        }


class ReportLinkForm(ScopedForm):
    workplace = ScopedModelChoiceField(Workplace, perm="workplaces.add_reportlink", label=_("workplace"))
    days = forms.IntegerField(label=_("valid for (days)"), min_value=1, max_value=366, initial=90)


class InspectionForm(forms.Form):
    """Passed / failed for every item of the workplace type's checklist, the findings, photos, and a
    dormitory room if one was measured."""

    PASS = "pass"
    FAIL = "fail"

    responsible = forms.CharField(label=_("responsible person"), max_length=50, required=False)
    note = forms.CharField(
        label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultipleFileField(label=_("Photos"), required=False)
    dormitory = forms.CharField(label=_("dormitory"), max_length=120, required=False)
    underground = forms.BooleanField(label=_("underground"), required=False)
    room_number = forms.CharField(label=_("room number"), max_length=20, required=False)
    floor_area = forms.DecimalField(
        label=_("floor area (m²)"), min_value=0, max_digits=8, decimal_places=1, required=False
    )
    beds = forms.IntegerField(label=_("beds"), min_value=0, max_value=100, required=False)
    bunks = forms.BooleanField(label=_("bunk beds"), required=False)
    occupants = forms.IntegerField(label=_("occupants"), min_value=0, max_value=100, required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    ROOM_FIELDS = ("dormitory", "underground", "room_number", "floor_area", "beds", "bunks", "occupants")

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = checklist.items
        english = (get_language() or "").startswith("en")
        for item in self.items:
            self.fields[f"item_{item['key']}"] = forms.ChoiceField(
                label=item["en"] if english else item["zh"],
                choices=[
                    (self.PASS, pgettext_lazy("inspection", "passed")),
                    (self.FAIL, pgettext_lazy("inspection", "failed")),
                ],
                widget=forms.RadioSelect,
            )
            self.fields[f"finding_{item['key']}"] = forms.CharField(
                label=_("finding"), max_length=300, required=False
            )

    def item_rows(self):
        return [(self[f"item_{i['key']}"], self[f"finding_{i['key']}"]) for i in self.items]

    def clean(self):
        d = super().clean()
        given = [f for f in ("room_number", "floor_area", "occupants") if d.get(f) not in (None, "")]
        if given and len(given) < 3:
            raise forms.ValidationError(_("A dormitory room needs its number, floor area and occupants."))
        if given and not d.get("dormitory"):
            self.add_error("dormitory", _("Name the dormitory of the room."))
        return d

    def results(self) -> dict:
        return {i["key"]: self.cleaned_data[f"item_{i['key']}"] == self.PASS for i in self.items}

    def findings(self) -> dict:
        return {i["key"]: self.cleaned_data.get(f"finding_{i['key']}", "") for i in self.items}

    def room(self) -> dict | None:
        d = self.cleaned_data
        if d.get("room_number") in (None, ""):
            return None
        occupants = d["occupants"]
        return {
            "dormitory": d["dormitory"],
            "underground": d["underground"],
            "number": d["room_number"],
            "floor_area": d["floor_area"],
            "beds": d["beds"] if d.get("beds") is not None else occupants,
            "bunks": d["bunks"],
            "occupants": occupants,
        }


class LedgerExtendForm(forms.Form):
    deadline = dates.DateField(label=_("new deadline"))
    reason = forms.CharField(label=_("reason"), max_length=300)


class ChecklistForm(forms.Form):
    workplace_type = forms.ChoiceField(label=_("workplace type"), choices=WorkplaceType.choices)
    items = forms.CharField(
        label=_("items"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One item a line: key | Chinese text | English text"),
        max_length=5000,
    )
    source = forms.CharField(label=_("source"), max_length=300, required=False)

    def parsed_items(self) -> list[dict]:
        out = []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            out.append(
                {
                    "key": parts[0],
                    "zh": parts[1] if len(parts) > 1 else "",
                    "en": parts[2] if len(parts) > 2 else "",
                }
            )
        return out
