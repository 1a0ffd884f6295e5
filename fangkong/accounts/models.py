from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Permission
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import ScopedModel

from .roles import ROLES


class Role(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    permissions = models.ManyToManyField(Permission, blank=True, verbose_name=_("permissions"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        spec = ROLES.get(self.code)
        return str(spec["name"]) if spec else self.code

    def perm_names(self) -> frozenset[str]:
        cached = self.__dict__.get("_perm_names")
        if cached is None:
            cached = frozenset(
                f"{app}.{code}"
                for app, code in self.permissions.values_list("content_type__app_label", "codename")
            )
            self.__dict__["_perm_names"] = cached
        return cached


class User(AbstractUser):
    class Language(models.TextChoices):
        ZH = "zh-hans", "简体中文"
        EN = "en", "English"

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ZH)
    # Bumped by every scope or role change: keys the cached grants, so no request sees stale scopes.
    grants_version = models.PositiveIntegerField(default=0, editable=False)

    # Hidden in the change log from readers who may not view this user (core.audit.redact).
    audit_personal_fields = ("phone", "email", "first_name", "last_name")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username

    @classmethod
    def audit_viewable_pks(cls, viewer, pks) -> set:
        if not viewer.has_perm("accounts.view_user"):
            return {viewer.pk} & {int(p) for p in pks if str(p).isascii() and str(p).isdigit()}
        from .selectors import user_list

        ids = [int(p) for p in pks if str(p).isascii() and str(p).isdigit()]
        return set(user_list(viewer=viewer).filter(pk__in=ids).values_list("pk", flat=True))

    def active_scopes(self):
        cached = self.__dict__.get("_active_scopes")
        if cached is None:
            cached = list(
                self.scopes.filter(active=True)
                .select_related("area", "role")
                .prefetch_related("role__permissions__content_type")
            )
            for s in cached:
                s.role.__dict__["_perm_names"] = frozenset(
                    f"{p.content_type.app_label}.{p.codename}" for p in s.role.permissions.all()
                )
            self.__dict__["_active_scopes"] = cached
        return cached

    def grants(self) -> list[tuple[str, frozenset[str]]]:
        """(area path, permissions) per active scope, cached: hot paths (gate scans, API lists) then
        scope a query with no extra query for scopes and roles."""
        cached = self.__dict__.get("_grants")
        if cached is None:
            joined = int(self.date_joined.timestamp() * 1000) if self.date_joined else 0
            key = f"fk:grants:{self.pk}:{joined}:{self.grants_version}"
            cached = cache.get(key)
            if cached is None:
                cached = [(s.area.path, s.role.perm_names()) for s in self.active_scopes()]
                cache.set(key, cached, 300)
            self.__dict__["_grants"] = cached
        return cached

    def home_area(self):
        scopes = self.active_scopes()
        return min((s.area for s in scopes), key=lambda a: a.depth) if scopes else None


class Scope(ScopedModel):
    """A user's role over one area and everything below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scopes", verbose_name=_("user"))
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="scopes", verbose_name=_("role"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["user", "area_path"]
        verbose_name = _("scope")
        verbose_name_plural = _("scopes")
        constraints = [models.UniqueConstraint(fields=["user", "area", "role"], name="scope_unique")]

    def __str__(self):
        return f"{self.user} · {self.role} · {self.area}"
