from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _no_form_field_cache_on_filterset_classes() -> None:
    """drf-spectacular reads `.field` of each FilterSet's class-level filters when it builds
    /api/schema/. django-filter caches that form field on the filter, and at class level the filter
    has no model yet, so the field has no label; every FilterSet made afterwards copies the cached
    field and its label falls back to the English field name (结果/方向 became Verdict/Direction) for
    every user until a restart. Build such a field without caching it."""
    from django_filters import filters

    cached_field = filters.Filter.field.fget

    def field(self):
        if hasattr(self, "model") or hasattr(self, "_field"):
            return cached_field(self)
        built = cached_field(self)
        del self._field
        return built

    filters.Filter.field = property(field)


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each app's lookups.py registers how its records are searched and labelled in scoped choices.
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the deployment checks)

        autodiscover_modules("lookups")
        autodiscover_modules("retention")  # each app's retention rules for personal data (core/retention.py)
        _no_form_field_cache_on_filterset_classes()
