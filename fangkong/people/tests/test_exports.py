"""The import's Excel files written through core.excel: uploaded text never comes back as a formula."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from fangkong.people import imports as ix
from fangkong.people.models import ImportBatch

from .helpers import bad_check_digit, resident_id

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


def test_import_error_report_keeps_formula_like_names_as_text(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    base = [tree.a.building.name, tree.a.entrance.name, tree.a.household.name]
    headers = [ix.NAME, ix.ID_NUMBER, ix.BUILDING, ix.ENTRANCE, ix.HOUSEHOLD]
    lines = [
        ",".join(headers),
        ",".join(['"=HYPERLINK(""http://x"",""y"")"', bad_check_digit(resident_id()), *base]),
        ",".join(["@cmd", resident_id(), *base]),
    ]
    f = SimpleUploadedFile("s.csv", "\n".join(lines).encode("utf-8"), content_type="text/csv")
    client.post("/people/import/", {"within": tree.a.community.pk, "file": f})
    batch = ImportBatch.objects.get()
    ws = load_workbook(io.BytesIO(client.get(f"/people/import/{batch.pk}/errors.xlsx").content)).worksheets[0]
    col = [c.value for c in ws[1]].index(ix.NAME) + 1
    names = [ws.cell(row=r, column=col) for r in (2, 3)]
    assert [c.value for c in names] == [FORMULA, "@cmd"]
    assert all(c.data_type == "s" and c.quotePrefix for c in names)
    assert ws.cell(row=2, column=ws.max_column).value  # the error column still says what is wrong
