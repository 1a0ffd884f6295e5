"""Personal data at rest: Fernet encryption (cryptography's MultiFernet, so keys rotate) plus an
HMAC-SHA256 blind index so an encrypted value is still found by its exact value."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _derived(label: str) -> bytes:
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


def blind_index(value: str, *, kind: str = "") -> str:
    """Stable keyed hash of a normalised value; `kind` separates e.g. ID numbers from phones."""
    if not value:
        return ""
    return hmac.new(_hmac_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:40]
