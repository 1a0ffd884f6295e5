"""NetBox-style view matrix (core.testing.ViewTestCases) for the area tree and places."""

from fangkong.areas.models import Area, Place
from fangkong.core.testing import ViewTestCases


class TestAreaDetail(ViewTestCases):
    url = "/areas/{pk}/"
    model = Area
    role_without = "workplace_contact"


class TestPlaceEdit(ViewTestCases):
    url = "/areas/places/{pk}/edit/"
    model = Place
    role_without = "grid_member"
