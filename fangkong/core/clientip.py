"""The client's address, also behind a reverse proxy.

X-Forwarded-For is set by whoever sends the request, so it is believed only when the direct peer
(REMOTE_ADDR) is a proxy listed in FANGKONG_TRUSTED_PROXIES. Then the header is read from the right,
skipping our own proxies, and the first address no proxy of ours added is the client (the leftmost
entries may be forged by the client). Used by the rate limits and the login lockout."""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.FANGKONG_TRUSTED_PROXIES)))


def client_ip(request) -> str:
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.FANGKONG_TRUSTED_PROXIES or not _trusted(peer):
        return peer or "?"
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from outside: fall back to the proxy, never trust it
    return hops[0] if hops else peer


def axes_client_ip(request) -> str:
    # django-axes wants an address; a request built in code (force_login in tests) has none.
    ip = client_ip(request)
    return ip if ip != "?" else "0.0.0.0"
