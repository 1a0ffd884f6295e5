import os

import pytest


@pytest.fixture
def tree(db):
    from fangkong.core.testing import build_tree

    return build_tree()


@pytest.fixture
def make_user(db):
    from fangkong.core.testing import make_user

    return make_user


@pytest.fixture
def api(db):
    """An API client; `api.as_user(u)` authenticates with a real token header."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    class Client(APIClient):
        def as_user(self, user):
            token, _ = Token.objects.get_or_create(user=user)
            self.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            return self

    return Client()


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. In CI (FANGKONG_REQUIRE_BROWSER=1) its absence fails."""
    if os.path.exists(os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")):
        return
    if os.environ.get("FANGKONG_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("Chromium is required (FANGKONG_REQUIRE_BROWSER=1) but /usr/bin/chromium is missing")
    skip = pytest.mark.skip(reason="Debian chromium not installed: apt-get install chromium chromium-driver")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
