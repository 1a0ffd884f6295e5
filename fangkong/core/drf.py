"""DRF settings classes (kept apart from api.py: DRF imports these while its views module loads)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.pagination import CursorPagination

from . import sql


class ModelPermission(permissions.DjangoModelPermissions):
    """Role permissions as in Django, including `view` for reads (DRF's default lets any user read)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


def token_expired(created) -> bool:
    """A token older than FANGKONG_TOKEN_TTL_HOURS is refused (0 = tokens never expire)."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    ttl = settings.FANGKONG_TOKEN_TTL_HOURS
    if isinstance(created, str):  # SQLite through the raw cursor
        created = datetime.datetime.fromisoformat(created)
    if timezone.is_naive(created):  # stored in UTC without an offset
        created = created.replace(tzinfo=datetime.UTC)
    return bool(ttl) and created < timezone.now() - datetime.timedelta(hours=ttl)


class FastTokenAuthentication(TokenAuthentication):
    """DRF's token authentication in one prepared statement (token joined to its user), not an ORM
        query compiled on every call: gate devices authenticate every scan, and compiling the ORM query
        cost more than running it. Nothing is cached, so a deleted token or a deactivated user is refused at
        once, and the user's grants version is always current. The expiry is checked on the `created` the
    same statement returns: still one statement, and an expired token gets its own message."""

    def authenticate_credentials(self, key):
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        User = get_user_model()
        fields = [f.attname for f in User._meta.concrete_fields]
        cols = ", ".join(f"u.{connection.ops.quote_name(f.column)}" for f in User._meta.concrete_fields)
        row = sql.fetchone(
            f"SELECT t.created, {cols} FROM {Token._meta.db_table} t "
            f"JOIN {User._meta.db_table} u ON u.{User._meta.pk.column} = t.user_id WHERE t.key = %s",
            [key],
        )
        if row is None:
            raise AuthenticationFailed(_("Invalid token."))
        if token_expired(row[0]):
            raise AuthenticationFailed(_("Token expired: log in again for a new one."))
        user = User.from_db(connection.alias, fields, row[1:])
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        token = Token(key=key, user_id=user.pk, created=row[0])
        token.user = user
        return user, token


class KeysetPagination(CursorPagination):
    """Pages by key, not offset: as fast on page 10,000 as on page 1."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    """Django ValidationErrors raised by services become 400s with field errors, never 500s."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    return drf_exception_handler(exc, context)
