"""The issue's browser test: import a file with one bad row, read the error report, fix the row, import,
find the person, see the masked ID, reveal it as an authorised role, see the reveal in the access log."""

import io

import pytest
from openpyxl import load_workbook

from fangkong.people import imports as ix
from fangkong.people.models import Person

from .helpers import bad_check_digit, resident_id

pytestmark = pytest.mark.browser


def _csv(rows) -> bytes:
    lines = [",".join(ix.TEMPLATE_HEADERS)] + [
        ",".join(r.get(h, "") for h in ix.TEMPLATE_HEADERS) for r in rows
    ]
    return "\r\n".join(lines).encode("gbk")  # as Excel on a Chinese Windows saves it


def _upload(page, tree, content: bytes, name: str):
    page.goto("/people/import/")
    page.select_option("#id_within", str(tree.a.community.pk))
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-counts")


def test_import_fix_find_reveal_and_audit(page, login, tree, make_user):
    make_user("district_admin", tree.a.community, username="wang", display_name="王主任")
    place = {
        ix.BUILDING: tree.a.building.name,
        ix.ENTRANCE: tree.a.entrance.name,
        ix.HOUSEHOLD: tree.a.household.name,
    }
    good_id, fixed_id = resident_id(), resident_id(birth="19560817")
    rows = [
        {ix.NAME: "张三", ix.ID_NUMBER: good_id, ix.PHONE: "13800138000", ix.RELATION: "户主", **place},
        {
            ix.NAME: "李秀英",
            ix.ID_NUMBER: bad_check_digit(fixed_id),
            ix.PHONE: "13900139000",
            ix.RELATION: "家属",
            **place,
        },
    ]
    login(page, "wang")

    # 1. Upload with one bad row: preview shows 1 new, 1 error; no confirm button.
    _upload(page, tree, _csv(rows), "摸排.csv")
    assert page.locator("#import-counts [data-k=new] b").inner_text() == "1"
    assert page.locator("#import-counts [data-k=errors] b").inner_text() == "1"
    assert page.locator("#confirm-import").count() == 0
    assert "证件号码" in page.locator("#import-rows tr.error").inner_text()

    # 2. The error report: the bad cell is red and says why.
    with page.expect_download() as dl:
        page.click("#error-report")
    ws = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read())).worksheets[0]
    headers = [c.value for c in ws[1]]
    bad_cell = ws.cell(row=3, column=headers.index(ix.ID_NUMBER) + 1)
    assert bad_cell.value == rows[1][ix.ID_NUMBER] and bad_cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "校验位" in ws.cell(row=3, column=len(headers)).value
    assert not Person.objects.exists()  # all or nothing

    # 3. Fix the row, upload again, confirm.
    rows[1][ix.ID_NUMBER] = fixed_id
    _upload(page, tree, _csv(rows), "摸排-改.csv")
    assert page.locator("#import-counts [data-k=new] b").inner_text() == "2"
    page.click("#confirm-import")
    page.wait_for_selector("#committed")
    assert Person.objects.count() == 2

    # 4. Find the person by pinyin initials; the list and the detail show the masked number only.
    page.goto("/people/")
    page.fill("#id_q", "lxy")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#people-table tbody tr")
    masked = fixed_id[:6] + "********" + fixed_id[-4:]
    assert page.locator("#people-table tbody tr").count() == 1
    assert masked in page.locator("#people-table").inner_text()
    assert fixed_id not in page.content()
    page.click("#people-table >> text=李秀英")
    page.wait_for_selector("#id-masked")
    assert page.locator("#id-masked").inner_text() == masked

    # 5. Reveal with a reason.
    page.click("#reveal-id summary")
    page.fill("#reveal-id input[name=reason]", "核验返京人员身份")
    page.click("#reveal-id button[type=submit]")
    page.wait_for_selector("#id-clear")
    assert page.locator("#id-clear").inner_text() == fixed_id

    # 6. The access log shows who revealed what, and why.
    page.goto("/audit/access-log/")
    log = page.locator("table tbody tr").first.inner_text()
    assert "李秀英" in log and "核验返京人员身份" in log and "王主任" in log
