from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _lazy_filter_labels() -> None:
    """django-filter derives a filter's label from its model field on first read and caches the
    *string*, in the language active then. The FilterSet classes are shared, and drf-spectacular reads
    their class-level filters when it builds /api/schema/ (in English): from then on every user saw
    English filter labels until a restart. Cache a lazy label instead, translated at each rendering."""
    from django.utils.functional import lazy
    from django_filters import filters
    from django_filters.utils import label_for_filter

    lazy_label = lazy(label_for_filter, str)

    def fget(self):
        if self._label is None and hasattr(self, "model"):
            self._label = lazy_label(self.model, self.field_name, self.lookup_expr, self.exclude)
        return self._label

    def fset(self, value):
        self._label = value

    filters.Filter.label = property(fget, fset)


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        _lazy_filter_labels()
