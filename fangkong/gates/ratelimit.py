"""A cache-based limiter for the public pages (per client address, per minute; limit from policy).

The counter lives in Django's default cache: Redis when REDIS_URL is set (shared by every web
process; required in production), per-process memory otherwise. The client address comes from
core.clientip (X-Forwarded-For only from a trusted proxy), so citizens behind one proxy do not share
one bucket."""

from __future__ import annotations

import functools
import time

from django.core.cache import cache
from django.shortcuts import render

from fangkong.core.clientip import client_ip
from fangkong.policies.selectors import PolicyMissing, policy_value


def allow(request, bucket: str) -> bool:
    try:
        limit = int(policy_value("gate.public.rate_limit"))
    except PolicyMissing:
        return True
    key = f"fk:rl:{bucket}:{client_ip(request)}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=90):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=90)
            count = 1
    return count <= limit


def rate_limited(bucket: str, methods=("POST",)):
    def deco(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not allow(request, bucket):
                return render(request, "gates/rate_limited.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return deco
