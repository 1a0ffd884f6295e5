"""NetBox-style view matrix (core.testing.ViewTestCases) for users and the change log."""

from fangkong.core.models import ChangeLog
from fangkong.core.testing import ViewTestCases


class TestUserList(ViewTestCases):
    url = "/users/"
    role_without = "community_worker"


class TestChangeDetail(ViewTestCases):
    url = "/audit/changes/{pk}/"
    model = ChangeLog
    role_without = "community_worker"
