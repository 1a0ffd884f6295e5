"""Issue 9, hole 9: rate limits keyed on the real client, shared, and on the health-report links."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from fangkong.core.clientip import client_ip
from fangkong.policies.selectors import policy_value


class _Req:
    def __init__(self, remote, xff=""):
        self.META = {"REMOTE_ADDR": remote}
        if xff:
            self.META["HTTP_X_FORWARDED_FOR"] = xff


@override_settings(FANGKONG_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_forwarded_for_believed_only_from_a_trusted_proxy():
    assert client_ip(_Req("10.1.2.3", "203.0.113.9")) == "203.0.113.9"
    # A client cannot pick its address: the leftmost entry is its own, the proxy appends the peer.
    assert client_ip(_Req("10.1.2.3", "1.1.1.1, 203.0.113.9, 10.4.4.4")) == "203.0.113.9"
    # Not from our proxy: the header is ignored.
    assert client_ip(_Req("198.51.100.7", "203.0.113.9")) == "198.51.100.7"
    assert client_ip(_Req("10.1.2.3", "not-an-ip")) == "10.1.2.3"


@override_settings(FANGKONG_TRUSTED_PROXIES=[])
def test_forwarded_for_ignored_without_trusted_proxies():
    assert client_ip(_Req("10.1.2.3", "203.0.113.9")) == "10.1.2.3"


@pytest.mark.django_db
@override_settings(FANGKONG_TRUSTED_PROXIES=["127.0.0.1"])
def test_health_report_link_is_rate_limited_per_citizen_behind_the_proxy(client, tree):
    cache.clear()
    limit = int(policy_value("gate.public.rate_limit"))
    url = "/observation/r/forged-token/"
    first = [client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code for _ in range(limit + 2)]
    assert first[0] == 404 and first[-1] == 429
    # Another citizen behind the same proxy has a bucket of their own.
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 404


def test_production_settings_share_the_counter_in_redis():
    import os
    import subprocess
    import sys

    from fangkong.core.tests.test_security_headers import PRODUCTION_ENV

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();from django.conf import settings as s;"
            "print(s.CACHES['default']['BACKEND'], s.FANGKONG_TRUSTED_PROXIES)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k not in ("FANGKONG_TEST", "FANGKONG_DEMO")},
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "RedisCache" in out and "127.0.0.1" in out
