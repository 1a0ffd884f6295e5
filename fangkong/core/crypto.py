"""Personal data at rest: Fernet encryption (cryptography's MultiFernet, so keys rotate) plus an
HMAC-SHA256 blind index so an encrypted value is still found by its exact value."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

# Every encrypted column: (model, encrypted field, its HMAC index field or "", index kind). The key
# rotation command walks this list; a test fails when a model has a `*_enc` field missing from it.
ENCRYPTED_FIELDS: list[tuple[str, str, str, str]] = [
    ("people.Person", "id_number_enc", "id_hash", "id"),
    ("people.Person", "phone_enc", "phone_hash", "phone"),
    ("gates.ReturneeNotice", "id_number_enc", "id_hash", "id"),
    ("gates.ReturneeNotice", "phone_enc", "", "phone"),
    ("gates.ReturneeNotice", "landlord_phone_enc", "", "phone"),
    ("observation.SickLeaveReport", "phone_enc", "phone_hash", "phone"),
    ("workforce.Worker", "id_number_enc", "id_hash", "id"),
    ("workforce.Worker", "phone_enc", "phone_hash", "phone"),
    ("workplaces.StaffMember", "phone_enc", "phone_hash", "phone"),
]


def reset_keys() -> None:
    """Forget the cached keys (after the settings changed: tests, the rotation command)."""
    _fernet.cache_clear()
    _hmac_key.cache_clear()


def _derived(label: str) -> bytes:
    # Demo and tests only: outside them settings refuse to start without the real keys.
    return hashlib.sha256(f"{label}:{settings.SECRET_KEY}".encode()).digest()


@functools.cache
def _fernet() -> MultiFernet:
    keys = settings.FIELD_KEYS or [base64.urlsafe_b64encode(_derived("fangkong-field-key")).decode()]
    return MultiFernet([Fernet(k) for k in keys])


@functools.cache
def _hmac_key() -> bytes:
    return settings.HMAC_KEY.encode() if settings.HMAC_KEY else _derived("fangkong-hmac-key")


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def reencrypt(token: str) -> str:
    """The same value under the newest key (MultiFernet.rotate; any listed key may decrypt it)."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def blind_index(value: str, *, kind: str = "") -> str:
    """Stable keyed hash of a normalised value; `kind` separates e.g. ID numbers from phones."""
    if not value:
        return ""
    return hmac.new(_hmac_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:40]
