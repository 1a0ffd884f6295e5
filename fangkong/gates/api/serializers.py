from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.areas.models import Area, Place
from fangkong.core import dates
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField
from fangkong.people.models import Person

from ..models import (
    FollowUp,
    HomeInspection,
    Pass,
    PlaceCode,
    Post,
    PostShift,
    ReturneeNotice,
    ScanEvent,
    ScanVisitor,
    Seal,
    SealCheck,
)


class ScanSerializer(ScopedModelSerializer):
    reason_texts = serializers.SerializerMethodField()
    place_name = serializers.CharField(source="place.name", read_only=True)

    class Meta:
        model = ScanEvent
        fields = [
            "id",
            "client_id",
            "place",
            "place_name",
            "area",
            "person",
            "entry",
            "entered_masked",
            "temperature",
            "direction",
            "verdict",
            "reasons",
            "reason_texts",
            "post",
            "volunteer",
            "travel_from",
            "scanned_at",
            "received_at",
        ]
        read_only_fields = fields

    def get_reason_texts(self, obj) -> list[str]:
        return obj.reason_texts()


_DATETIME = dates.DateTimeSerializerField()
_DECIMAL = serializers.DecimalField(max_digits=4, decimal_places=1)


def scan_out(scan: ScanEvent) -> dict:
    """ScanSerializer's output, written out: the single-scan API answers every gate check with it, and
    building a ModelSerializer's fields costs more than the rest of the request. A test holds the two
    to the same output."""
    t = scan.temperature
    return {
        "id": scan.pk,
        "client_id": str(scan.client_id),
        "place": scan.place_id,
        "place_name": scan.place.name,
        "area": scan.area_id,
        "person": scan.person_id,
        "entry": scan.entry,
        "entered_masked": scan.entered_masked,
        "temperature": _DECIMAL.to_representation(t) if t is not None else None,
        "direction": scan.direction,
        "verdict": scan.verdict,
        "reasons": list(scan.reasons),
        "reason_texts": scan.reason_texts(),
        "post": scan.post_id,
        "volunteer": scan.volunteer_id,
        "travel_from": scan.travel_from,
        "scanned_at": _DATETIME.to_representation(scan.scanned_at),
        "received_at": _DATETIME.to_representation(scan.received_at),
    }


class ScanInSerializer(serializers.Serializer):
    """The single-scan request body (documents the API; the service validates, see ScanViewSet.create)."""

    client_id = serializers.UUIDField(required=False)
    place = serializers.IntegerField(required=False)
    place_token = serializers.CharField(required=False, allow_blank=True)
    post = serializers.IntegerField(required=False, allow_null=True)
    code = serializers.CharField(max_length=500)
    temperature = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=30, max_value=45, required=False, allow_null=True
    )
    direction = serializers.ChoiceField(choices=["in", "out"], default="in")
    scanned_at = dates.DateTimeSerializerField(required=False, allow_null=True)
    travel_from = serializers.CharField(max_length=60, required=False, allow_blank=True)

    def validate(self, attrs):
        from ..selectors import place_code_resolve

        token = attrs.pop("place_token", "")
        if token:
            code = place_code_resolve(token)
            if code is None:
                raise serializers.ValidationError({"place_token": [_("Unknown or rotated place code.")]})
            attrs["place"] = code.place_id
        if not attrs.get("place"):
            raise serializers.ValidationError({"place": [_("This field is required.")]})
        return attrs


class BatchInSerializer(serializers.Serializer):
    scans = serializers.ListField(child=serializers.DictField(), max_length=1000, allow_empty=False)


class VerdictSerializer(serializers.Serializer):
    result = serializers.CharField()
    codes = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())


class PassSerializer(ScopedModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all(), perm="people.view_person")
    person_name = serializers.CharField(source="person.name", read_only=True)
    confirm = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Issue even though the person is under observation (the service asks for it).",
    )

    class Meta:
        model = Pass
        fields = [
            "id",
            "number",
            "person",
            "person_name",
            "confirm",
            "area",
            "valid_from",
            "valid_to",
            "revoked_at",
            "revoke_reason",
            "issued_by",
            "source",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "number",
            "area",
            "valid_to",
            "revoked_at",
            "revoke_reason",
            "issued_by",
            "source",
            "created_at",
        ]
        extra_kwargs = {"valid_from": {"required": False}}


class ScanVisitorSerializer(ScopedModelSerializer):
    """A resident's scan at another community's gate, for their own community and upward (the scan
    there names nobody; `scan` is its id)."""

    place_name = serializers.CharField(source="place.name", read_only=True)
    scan = serializers.IntegerField(source="scan_id", read_only=True)

    class Meta:
        model = ScanVisitor
        fields = ["id", "scan", "person", "area", "place", "place_name", "scanned_at", "source"]
        read_only_fields = fields


class PlaceCodeSerializer(ScopedModelSerializer):
    class Meta:
        model = PlaceCode
        fields = ["id", "place", "area", "version", "active", "rotated_at", "created_at"]
        read_only_fields = fields


class PostSerializer(ScopedModelSerializer):
    place = ScopedRelatedField(queryset=Place.objects.all(), perm="areas.view_place")

    class Meta:
        model = Post
        fields = ["id", "place", "area", "name", "kind", "active", "created_at"]
        read_only_fields = ["id", "area", "active", "created_at"]


class PostShiftSerializer(ScopedModelSerializer):
    post = ScopedRelatedField(queryset=Post.objects.all(), perm="gates.view_post")

    class Meta:
        model = PostShift
        fields = ["id", "post", "area", "volunteer", "start", "end"]
        read_only_fields = ["id", "area"]
        extra_kwargs = {"volunteer": {"required": True, "allow_null": False}}


class ReturneeNoticeSerializer(ScopedModelSerializer):
    class Meta:
        model = ReturneeNotice
        fields = [
            "id",
            "tracking_code",
            "area",
            "submitted_by",
            "name",
            "id_type",
            "id_masked",
            "phone_masked",
            "travel_from",
            "arrival_date",
            "address",
            "landlord_name",
            "landlord_phone_masked",
            "employer",
            "person",
            "stage",
            "decision",
            "decision_note",
            "decided_at",
            "letter_signed_at",
            "letter_signed_by",
            "issued_pass",
            "observation_order",
            "created_at",
        ]
        read_only_fields = fields


class HomeInspectionSerializer(ScopedModelSerializer):
    class Meta:
        model = HomeInspection
        fields = ["id", "notice", "area", "inspector", "inspected_at", "checklist", "conditions_met", "notes"]
        read_only_fields = fields


class FollowUpSerializer(ScopedModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "area",
            "person",
            "place",
            "scan_id",
            "reason",
            "landlord_name",
            "landlord_phone_masked",
            "status",
            "notes",
            "contacted_at",
            "inspected_at",
            "closed_at",
            "notice",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "area",
            "person",
            "place",
            "scan_id",
            "reason",
            "contacted_at",
            "inspected_at",
            "closed_at",
            "landlord_name",
            "landlord_phone_masked",
            "notice",
            "created_at",
        ]


class SealSerializer(ScopedModelSerializer):
    area = ScopedRelatedField(queryset=Area.objects.all(), perm="gates.add_seal")

    class Meta:
        model = Seal
        fields = [
            "id",
            "area",
            "slip_number",
            "reason",
            "sealed_by",
            "sealed_at",
            "person",
            "removed_at",
            "note",
        ]
        read_only_fields = ["id", "sealed_by", "removed_at", "person"]
        extra_kwargs = {"sealed_at": {"required": False}}


class SealCheckSerializer(ScopedModelSerializer):
    seal = ScopedRelatedField(queryset=Seal.objects.all(), perm="gates.view_seal")

    class Meta:
        model = SealCheck
        fields = ["id", "seal", "area", "checked_by", "checked_at", "result", "note"]
        read_only_fields = ["id", "area", "checked_by"]
        extra_kwargs = {"checked_at": {"required": False}}
