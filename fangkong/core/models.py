"""Base models shared by every app: scoped records and the change log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .partitioning import ByTime
from .scoping import ALL, path_q, scope_paths


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str | None = None):
        """Records under the areas where `user` holds `perm` (default: the model's view permission)."""
        model = self.model
        perm = perm or f"{model._meta.app_label}.view_{model._meta.model_name}"
        paths = scope_paths(user, perm)
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        return self.filter(path_q(model.scope_path_field, paths))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


class ScopedModel(models.Model):
    """A record that hangs on an Area. `area_path` copies the area's path for index-only scoping."""

    scope_path_field = "area_path"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    area_path = models.CharField(_("area path"), max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # An invariant, not a workflow: the copy of the path must always match the area.
        if self.area_id and (not self.area_path or self._area_changed()):
            self.area_path = self.area.path
        super().save(*args, **kwargs)

    def _area_changed(self) -> bool:
        cached = self._state.fields_cache.get("area")
        return cached is not None and cached.path != self.area_path


class ChangeLogQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm: str | None = None):
        perm = perm or "core.view_changelog"
        paths = scope_paths(user, perm)
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        # Records not tied to an area (users, global policies) are visible to any change-log reader.
        return self.filter(path_q("area_path", paths) | models.Q(area_path=""))


class ChangeLog(models.Model):
    """Who changed what, when, from which request, with before and after (NetBox's ObjectChange)."""

    scope_path_field = "area_path"
    # Partitioned by month on PostgreSQL, keyed by district (core.partitioning; a record with no area
    # has an empty district_path).
    append_only = ByTime("time", every="month")

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("user")
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200)
    area_path = models.CharField(_("area path"), max_length=64, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    # An English msgid (marked with gettext_noop where it is written) filled in with `params` when
    # shown, so each reader sees it in their own language; older rows hold free text, shown as is.
    message = models.CharField(_("message"), max_length=300, blank=True)
    params = models.JSONField(_("message parameters"), default=dict, blank=True)

    objects = ChangeLogQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("change")
        verbose_name_plural = _("change log")

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:change-detail", args=[self.pk])

    def message_text(self) -> str:
        """The message in the active language (see `message`); a parameter stored as {"msgid": ...}
        (a choice label, see audit.msgid) is translated too, any other is data and shown as stored."""
        if not self.message:
            return ""  # gettext("") would return the catalogue's header
        params = {
            k: gettext(v["msgid"]) if isinstance(v, dict) and "msgid" in v else v
            for k, v in (self.params or {}).items()
        }
        if not params:
            return gettext(self.message)
        try:
            return gettext(self.message) % params
        except (KeyError, TypeError, ValueError):
            # A translation whose placeholders do not match must not break the page: English then.
            try:
                return self.message % params
            except (KeyError, TypeError, ValueError):
                return self.message

    def diff(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def diff_display(self) -> list[tuple[str, str, str]]:
        """The diff as people read it: the field's name, yes/no, the choice's label, lists joined."""
        from django.core.exceptions import FieldDoesNotExist
        from django.utils.translation import gettext

        model = self.content_type.model_class() if self.content_type_id else None

        def show(field, value):
            if value is None or value == "":
                return ""
            if isinstance(value, bool):
                return gettext("Yes") if value else gettext("No")
            if isinstance(value, list):
                return "、".join(show(field, v) for v in value)
            # A model may name its own stored codes (a JSON list of keys has no field choices).
            named = getattr(model, "changelog_value", None)
            if named is not None and field is not None and (text := named(field.name, value)) is not None:
                return str(text)
            if isinstance(field, models.DateTimeField) and isinstance(value, str):
                from django.utils import timezone
                from django.utils.dateparse import parse_datetime

                moment = parse_datetime(value)  # stored as ISO text: shown as a local time, to the minute
                if moment is not None:
                    if timezone.is_aware(moment):
                        moment = timezone.localtime(moment)
                    return moment.strftime("%Y-%m-%d %H:%M")
            choices = dict(field.flatchoices) if field is not None and field.choices else {}
            return str(choices.get(value, value))

        out = []
        for key, before, after in self.diff():
            field = None
            if model is not None:
                # A foreign key is stored as <name>_id; a field may also be named so (client_id).
                for name in (key, key.removesuffix("_id")):
                    try:
                        field = model._meta.get_field(name)
                        break
                    except FieldDoesNotExist:
                        field = None
            label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else key
            out.append((label, show(field, before), show(field, after)))
        return out


class SensitiveAccess(models.Model):
    """Every reveal of unmasked personal data: who, whose, what, when and why (PIPL)."""

    scope_path_field = "area_path"
    append_only = ByTime("time", every="month")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user"))
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("whose"), max_length=200)
    field = models.CharField(_("field"), max_length=60)
    reason = models.CharField(_("reason"), max_length=300)
    area_path = models.CharField(_("area path"), max_length=64, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")

    def __str__(self):
        return f"{self.user} → {self.object_repr} ({self.field})"
