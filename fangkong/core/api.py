"""API bases every app's api/ uses: one router and scoped viewsets."""

from __future__ import annotations

from django.utils import translation
from rest_framework import viewsets
from rest_framework.routers import DefaultRouter

from .drf import KeysetPagination, ModelPermission, exception_handler

__all__ = ["KeysetPagination", "ModelPermission", "exception_handler", "router"]

router = DefaultRouter()


class UserLanguageMixin:
    """Token-authenticated callers get messages in their saved language too."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        lang = getattr(request.user, "language", None)
        if lang and "HTTP_ACCEPT_LANGUAGE" not in request.META:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang


class ScopedViewSetMixin(UserLanguageMixin):
    """Every queryset goes through `visible_to`; writes go through services (perform_* hooks)."""

    # Ids are integers: `/passes/abc/revoke/` is an unknown URL (404), never a ValueError in a lookup.
    lookup_value_regex = r"[0-9]{1,18}"

    def base_queryset(self):
        return self.queryset.model.objects.all()

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
