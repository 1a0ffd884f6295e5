from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.areas.models import Area, Level
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField
from fangkong.core.identity import IdType
from fangkong.core.scoping import user_can_see_path

from ..models import Person, StatusChange, Visit, VulnerableEntry

NOT_HERE = _("Not found in your jurisdiction.")


def _check_scope(serializer, obj, perm: str, path_attr: str = "area_path"):
    if obj is not None and not user_can_see_path(
        serializer.context["request"].user, perm, getattr(obj, path_attr)
    ):
        raise serializers.ValidationError(NOT_HERE)
    return obj


class PersonSerializer(ScopedModelSerializer):
    """Numbers go in clear (write-only) and come back masked; the clear value needs /reveal/."""

    household = ScopedRelatedField(source="area", queryset=Area.objects.filter(level=Level.HOUSEHOLD))
    household_name = serializers.SerializerMethodField()
    id_type = serializers.ChoiceField(choices=IdType.CHOICES, default=IdType.RESIDENT)
    id_number = serializers.CharField(write_only=True, max_length=30)
    phone = serializers.CharField(write_only=True, max_length=20, required=False, allow_blank=True)
    landlord = ScopedRelatedField(queryset=Person.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Person
        fields = [
            "id",
            "household",
            "household_name",
            "name",
            "name_initials",
            "id_type",
            "id_number",
            "id_masked",
            "sex",
            "birth_date",
            "phone",
            "phone_masked",
            "person_type",
            "relation",
            "landlord",
            "registered_residence",
            "return_status",
            "status",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "name_initials",
            "id_masked",
            "sex",
            "birth_date",
            "phone_masked",
            "status",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:  # updates: the number is kept unless given
            self.fields["id_number"].required = False

    def get_household_name(self, obj) -> str:
        return obj.area.name if obj.area_id else ""

    def validate_household(self, area):
        perm = "people.change_person" if self.instance is not None else "people.add_person"
        return _check_scope(self, area, perm, "path")

    def validate_landlord(self, landlord):
        return _check_scope(self, landlord, "people.view_person")


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    reason = serializers.CharField(min_length=2, max_length=300)


class RevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class StatusChangeSerializer(ScopedModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["id", "person", "status", "since", "reason", "set_by", "source", "area", "created_at"]
        read_only_fields = ["id", "set_by", "area", "created_at"]
        extra_kwargs = {"since": {"required": False}}

    def validate_person(self, person):
        return _check_scope(self, person, "people.add_statuschange")


class VulnerableEntrySerializer(ScopedModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = VulnerableEntry
        fields = [
            "id",
            "person",
            "person_name",
            "category",
            "responsible",
            "responsible_name",
            "needs",
            "active",
            "area",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "area", "created_at", "updated_at"]
        validators = []  # the service gives the clear duplicate message

    def validate_person(self, person):
        if self.instance is not None and person != self.instance.person:
            raise serializers.ValidationError(_("A ledger entry stays with its person."))
        return _check_scope(self, person, "people.add_vulnerableentry")


class VisitSerializer(ScopedModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "entry", "date", "by", "channel", "findings", "follow_up", "area", "created_at"]
        read_only_fields = ["id", "by", "area", "created_at"]

    def validate_entry(self, entry):
        return _check_scope(self, entry, "people.add_visit")
