"""DRF settings classes (kept apart from api.py: DRF imports these while its views module loads)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class ModelPermission(permissions.DjangoModelPermissions):
    """Role permissions as in Django, including `view` for reads (DRF's default lets any user read)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


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
