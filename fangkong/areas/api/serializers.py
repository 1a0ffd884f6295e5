from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.core.choices import ScopedModelSerializer

from ..models import Area, Place


class AreaSerializer(ScopedModelSerializer):
    class Meta:
        model = Area
        fields = [
            "id",
            "name",
            "level",
            "kind",
            "code",
            "path",
            "depth",
            "parent",
            "latitude",
            "longitude",
            "numchild",
        ]
        read_only_fields = fields


class PlaceSerializer(ScopedModelSerializer):
    class Meta:
        model = Place
        fields = [
            "id",
            "area",
            "kind",
            "name",
            "address",
            "latitude",
            "longitude",
            "capacity",
            "contact_name",
            "contact_phone",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_area(self, area):
        from fangkong.core.scoping import user_can_see_path

        if not user_can_see_path(self.context["request"].user, "areas.add_place", area.path):
            raise serializers.ValidationError(_("Area outside your jurisdiction."))
        return area
