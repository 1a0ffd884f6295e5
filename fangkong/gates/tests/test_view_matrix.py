"""NetBox-style view matrix (core.testing.ViewTestCases): no permission 403, permission 200, another
community's object 404 — documents (card PDF, poster, letter) included."""

from fangkong.core.testing import ViewTestCases
from fangkong.gates.models import Pass, PlaceCode, ReturneeNotice, Seal


class TestScanList(ViewTestCases):
    url = "/gates/scans/"
    role_without = "medical_staff"


class TestPassDetail(ViewTestCases):
    url = "/gates/passes/{pk}/"
    model = Pass
    role_without = "medical_staff"


class TestPassCardPdf(ViewTestCases):
    url = "/gates/passes/{pk}/card.pdf"
    model = Pass
    role_without = "medical_staff"


class TestPosterPdf(ViewTestCases):
    url = "/gates/codes/{pk}/poster.pdf"
    model = PlaceCode
    role_without = "medical_staff"


class TestReturneeDetail(ViewTestCases):
    url = "/gates/returnees/{pk}/"
    model = ReturneeNotice
    role_without = "medical_staff"


class TestSealDetail(ViewTestCases):
    url = "/gates/seals/{pk}/"
    model = Seal
    role_without = "medical_staff"
