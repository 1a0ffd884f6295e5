import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Area, Place


class AreaTable(tables.Table):
    name = tables.Column(linkify=("areas:area-detail", {"pk": tables.A("pk")}))
    numchild = tables.Column(verbose_name=_("children"))

    class Meta:
        model = Area
        fields = ["name", "level", "kind", "code", "numchild", "latitude", "longitude"]
        attrs = {"class": "table"}


class PlaceTable(tables.Table):
    name = tables.Column(linkify=("areas:place-detail", {"pk": tables.A("pk")}))
    area = tables.Column(verbose_name=_("area"))

    class Meta:
        model = Place
        fields = [
            "name",
            "kind",
            "area",
            "address",
            "capacity",
            "contact_name",
            "latitude",
            "longitude",
            "active",
        ]
        attrs = {"class": "table"}
