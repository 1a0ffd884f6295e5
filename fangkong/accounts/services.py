"""Writes for users, roles and scopes. Each is one transaction and leaves a change-log entry."""

from __future__ import annotations

import fnmatch

from django.contrib.auth import password_validation
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, record, snapshot
from fangkong.core.models import ChangeLog

from .models import Role, Scope, User
from .roles import ROLES


def roles_sync() -> None:
    """Create missing roles and give each the permissions its patterns match (idempotent)."""
    perms = list(Permission.objects.select_related("content_type"))
    for code, spec in ROLES.items():
        role, _ = Role.objects.get_or_create(code=code)
        wanted = [
            p
            for p in perms
            if any(
                fnmatch.fnmatchcase(f"{p.content_type.app_label}.{p.codename}", pat) for pat in spec["perms"]
            )
        ]
        role.permissions.set(wanted)
    User.objects.update(grants_version=F("grants_version") + 1)


def user_manageable(*, actor, user: User, perm: str = "accounts.change_user") -> bool:
    """May `actor` act on `user`? Only when every scope `user` holds (active or not) lies inside the
    areas where `actor` holds `perm`: a community administrator cannot touch a district user who
    also holds a scope in that community. The system (actor None), superusers and users acting on
    themselves pass; a superuser account is managed only by superusers."""
    from fangkong.core.scoping import ALL, scope_paths

    if actor is None or actor.is_superuser or (user.pk is not None and actor.pk == user.pk):
        return True
    if user.is_superuser:
        return False
    paths = scope_paths(actor, perm)
    if paths is ALL:
        return True
    if not paths:  # holds the permission nowhere
        return False
    held = Scope.objects.filter(user=user).values_list("area_path", flat=True) if user.pk else []
    return all(any(p.startswith(m) for m in paths) for p in held)


def _require_manageable(actor, user: User, perm: str = "accounts.change_user") -> None:
    if not user_manageable(actor=actor, user=user, perm=perm):
        raise PermissionDenied("This user holds a scope outside your jurisdiction.")


def _validate_password(password: str, user: User) -> None:
    """Django's configured validators (AUTH_PASSWORD_VALIDATORS), so the page, the API and the admin
    refuse the same passwords."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _grants_changed(user: User) -> None:
    User.objects.filter(pk=user.pk).update(grants_version=F("grants_version") + 1)
    user.__dict__.pop("_grants", None)
    user.__dict__.pop("_active_scopes", None)
    user.__dict__.pop("_scope_path_cache", None)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    language: str = User.Language.ZH,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        display_name=display_name,
        phone=phone,
        email=email,
        language=language,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record(user, ChangeLog.Action.CREATE, actor=actor)
    return user


def _is_self(actor, user: User) -> bool:
    return actor is not None and getattr(actor, "pk", None) == user.pk


@transaction.atomic
def user_create_with_scope(
    *,
    actor,
    username: str,
    password: str | None,
    area,
    role: Role,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    language: str = User.Language.ZH,
) -> User:
    """A new user and their first scope in one transaction (the /users/ page and the API): a refused
    scope leaves no user without one."""
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        display_name=display_name,
        phone=phone,
        email=email,
        language=language,
    )
    scope_add(actor=actor, user=user, area=area, role=role)
    return user


@transaction.atomic
def user_update(*, actor, user: User, **fields) -> User:
    _require_manageable(actor, user)
    if fields.get("is_active") is False and _is_self(actor, user):
        # Locking oneself out leaves nobody to undo it; another administrator does it.
        raise ValidationError({"is_active": _("You cannot deactivate yourself.")})
    before = snapshot(user)
    allowed = {"display_name", "phone", "email", "language", "is_active"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"field {name} cannot be changed here")
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    record(user, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return user


def user_set_language(*, user: User, language: str) -> User:
    return user_update(actor=user, user=user, language=language)


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    _require_manageable(actor, user)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(
        user,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=snapshot(user),
        message=gettext_noop("password changed"),
    )
    return user


@transaction.atomic
def scope_add(*, actor, user: User, area, role: Role) -> Scope:
    from fangkong.core.scoping import user_can_see_path

    _require_manageable(actor, user, "accounts.add_scope")
    if actor is not None and not user_can_see_path(actor, "accounts.add_scope", area.path):
        raise PermissionDenied("Area outside your jurisdiction.")
    scope, created = Scope.objects.get_or_create(user=user, area=area, role=role, defaults={"active": True})
    if not created and not scope.active:
        model_update(scope, {"active": True}, actor=actor)
    elif created:
        record(scope, ChangeLog.Action.CREATE, actor=actor)
    _grants_changed(user)
    return scope


@transaction.atomic
def scope_remove(*, actor, scope: Scope) -> None:
    _require_manageable(actor, scope.user, "accounts.change_scope")
    if _is_self(actor, scope.user) and not actor.is_superuser:
        # An administrator who removes their own scope may lose the right to restore it.
        raise ValidationError({"scope": _("You cannot remove your own scope.")})
    model_update(scope, {"active": False}, actor=actor, message=gettext_noop("scope removed"))
    _grants_changed(scope.user)


@transaction.atomic
def token_issue(*, user: User):
    """The user's API token; an expired one is replaced by a new key (DRF keeps one per user)."""
    from rest_framework.authtoken.models import Token

    from fangkong.core.drf import token_expired

    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not token_expired(token.created):
        return token
    if token is not None:
        token.delete()
    token = Token.objects.create(user=user)
    # The log names the user only: the key itself is a credential and never enters it.
    record(
        user,
        ChangeLog.Action.UPDATE,
        actor=user,
        before=snapshot(user),
        message=gettext_noop("API token issued"),
    )
    return token


@transaction.atomic
def token_revoke(*, actor, user: User) -> int:
    """Delete the user's API tokens (a lost phone, a departed volunteer). Returns how many."""
    from rest_framework.authtoken.models import Token

    _require_manageable(actor, user)
    count, _ = Token.objects.filter(user=user).delete()
    if count:
        record(
            user,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=snapshot(user),
            message=gettext_noop("API tokens revoked"),
        )
    return count
