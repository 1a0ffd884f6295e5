from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.areas.models import Area
from fangkong.core import dates
from fangkong.core.choices import ScopedModelSerializer, ScopedRelatedField

from ..models import Role, Scope, User


class ScopeSerializer(ScopedModelSerializer):
    role = serializers.SlugRelatedField(slug_field="code", queryset=Role.objects.all())
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = Scope
        fields = ["id", "user", "area", "area_name", "role", "active"]
        read_only_fields = ["id", "active"]


class UserSerializer(ScopedModelSerializer):
    scopes = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "phone", "email", "language", "is_active", "scopes"]
        read_only_fields = ["id", "scopes", "is_active"]

    def get_scopes(self, obj) -> list[dict]:
        return [
            {"area": s.area_id, "area_name": s.area.name, "role": s.role.code}
            for s in obj.scopes.all()
            if s.active
        ]


class UserCreateSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$")
    display_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    password = serializers.CharField(min_length=10, write_only=True)
    language = serializers.ChoiceField(choices=User.Language.choices, default=User.Language.ZH)
    area = ScopedRelatedField(queryset=Area.objects.all(), perm="accounts.add_scope")
    role = serializers.SlugRelatedField(slug_field="code", queryset=Role.objects.all())

    def validate_username(self, value):
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(_("This username is taken."))
        return value

    def validate_area(self, area):
        from fangkong.core.scoping import user_can_see_path

        if not user_can_see_path(self.context["request"].user, "accounts.add_scope", area.path):
            raise serializers.ValidationError(_("Area outside your jurisdiction."))
        return area


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key")
    created = dates.DateTimeSerializerField()
    expires = serializers.SerializerMethodField()

    def get_expires(self, obj) -> str | None:
        import datetime

        from django.conf import settings

        ttl = settings.FANGKONG_TOKEN_TTL_HOURS
        return (obj.created + datetime.timedelta(hours=ttl)).isoformat() if ttl else None


class TokenRevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField()
