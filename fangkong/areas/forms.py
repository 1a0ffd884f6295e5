from django import forms

from .models import Place


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = [
            "kind",
            "name",
            "address",
            "latitude",
            "longitude",
            "capacity",
            "contact_name",
            "contact_phone",
            "active",
        ]
