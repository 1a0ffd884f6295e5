from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import ScopedForm, ScopedModelChoiceField

from .models import ListStatus, RiskGrade, Shift, WorkplaceType

# Numbers are only parsed here: their limits (negative floor area, more occupants than beds) are the
# service's, which answers with the clear message whichever path (page, API) sends them.


class WorkplaceForm(ScopedForm):
    area = ScopedModelChoiceField("areas.area", perm="workplaces.add_workplace", label=_("area"))
    name = forms.CharField(label=_("name"), max_length=120)
    type = forms.ChoiceField(label=_("type"), choices=WorkplaceType.choices)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    parent = ScopedModelChoiceField("workplaces.building", label=_("building"), required=False)
    staff_count = forms.IntegerField(label=_("staff"), initial=0)
    floor_area = forms.DecimalField(
        label=_("floor area (m²)"), max_digits=10, decimal_places=1, required=False
    )
    dense = forms.BooleanField(label=_("dense company"), required=False)
    head_street_name = forms.CharField(label=_("head from the street"), max_length=50, required=False)
    head_street_phone = forms.CharField(label=_("phone of the street's head"), max_length=20, required=False)
    head_property_name = forms.CharField(
        label=_("head from the property company"), max_length=50, required=False
    )
    head_property_phone = forms.CharField(
        label=_("phone of the property company's head"), max_length=20, required=False
    )
    safety_contact_name = forms.CharField(label=_("safety contact"), max_length=50, required=False)
    safety_contact_phone = forms.CharField(label=_("safety contact phone"), max_length=20, required=False)
    safety_contact_user = ScopedModelChoiceField(
        "accounts.user", label=_("safety contact (user)"), required=False
    )
    risk_grade = forms.ChoiceField(label=_("risk grade"), choices=RiskGrade.choices, initial=RiskGrade.LOW)
    open = forms.BooleanField(label=_("open"), required=False, initial=True)
    list_status = forms.ChoiceField(label=_("list"), choices=ListStatus.choices, initial=ListStatus.NONE)


class WorkplaceEditForm(WorkplaceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["area"]
        del self.fields["address"]


class PlanUploadForm(forms.Form):
    file = forms.FileField(label=_("file"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StaffForm(ScopedForm):
    workplace = ScopedModelChoiceField(
        "workplaces.workplace", perm="workplaces.add_staffmember", label=_("workplace")
    )
    name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("document number"), max_length=24, required=False)
    position = forms.CharField(label=_("position"), max_length=50, required=False)
    shift = forms.CharField(
        label=_("shift"),
        max_length=50,
        required=False,
        help_text=_("day, night, rotating or your own words"),
        widget=forms.TextInput(attrs={"list": "shifts"}),
    )
    room = ScopedModelChoiceField("workplaces.room", label=_("dormitory room"), required=False)


class StaffImportForm(ScopedForm):
    workplace = ScopedModelChoiceField(
        "workplaces.workplace",
        perm="workplaces.add_staffmember",
        label=_("workplace"),
        required=False,
        help_text=_("Leave empty when each row names its workplace."),
    )
    file = forms.FileField(label=_("file (.xlsx or .csv)"))


class DormitoryForm(ScopedForm):
    workplace = ScopedModelChoiceField(
        "workplaces.workplace", perm="workplaces.add_dormitory", label=_("workplace")
    )
    name = forms.CharField(label=_("name"), max_length=120)
    underground = forms.BooleanField(label=_("underground"), required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)


class RoomForm(ScopedForm):
    dormitory = ScopedModelChoiceField(
        "workplaces.dormitory", perm="workplaces.add_room", label=_("dormitory")
    )
    number = forms.CharField(label=_("room number"), max_length=20)
    floor = forms.IntegerField(label=_("floor"), required=False, min_value=-10, max_value=300)
    floor_area = forms.DecimalField(label=_("floor area (m²)"), max_digits=9, decimal_places=1)
    beds = forms.IntegerField(label=_("beds"))
    occupants = forms.IntegerField(label=_("occupants"), initial=0)
    bunks = forms.BooleanField(label=_("bunk beds"), required=False)


class RoomEditForm(RoomForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["dormitory"]


SHIFT_CHOICES = Shift.choices
