"""NetBox-style view matrix (core.testing.ViewTestCases): no permission 403, permission 200, another
community's object 404."""

from fangkong.core.testing import ViewTestCases
from fangkong.people.models import ImportBatch, Person, VulnerableEntry


class TestPersonList(ViewTestCases):
    url = "/people/"
    role_without = "gate_volunteer"


class TestPersonDetail(ViewTestCases):
    url = "/people/{pk}/"
    model = Person
    role_without = "gate_volunteer"


class TestPersonEdit(ViewTestCases):
    url = "/people/{pk}/edit/"
    model = Person
    role_without = "grid_member"


class TestPersonMove(ViewTestCases):
    url = "/people/{pk}/move/"
    model = Person
    role_without = "grid_member"


class TestLedgerEntry(ViewTestCases):
    url = "/people/ledger/{pk}/"
    model = VulnerableEntry
    role_without = "gate_volunteer"


class TestImportDetail(ViewTestCases):
    url = "/people/import/{pk}/"
    model = ImportBatch
    role_without = "gate_volunteer"
