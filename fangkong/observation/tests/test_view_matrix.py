"""NetBox-style view matrix (core.testing.ViewTestCases): no permission 403, permission 200, another
community's object 404 — the order's QR code and the stay's certificate included."""

from fangkong.core.testing import ViewTestCases
from fangkong.observation.models import ObservationOrder, Stay


class TestOrderList(ViewTestCases):
    url = "/observation/"
    role_without = "gate_volunteer"


class TestOrderDetail(ViewTestCases):
    url = "/observation/orders/{pk}/"
    model = ObservationOrder
    role_without = "gate_volunteer"


class TestOrderQr(ViewTestCases):
    url = "/observation/orders/{pk}/qr.svg"
    model = ObservationOrder
    role_without = "gate_volunteer"


class TestStayDetail(ViewTestCases):
    url = "/observation/stays/{pk}/"
    model = Stay
    role_without = "gate_volunteer"
