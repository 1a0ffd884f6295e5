"""Excel exports (issue 10) and formula injection (issue 9 hole 6): every writer goes through core.excel."""

import datetime
import decimal
import io
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from fangkong.core.excel import sheet_title, workbook_bytes

FORMULA = '=HYPERLINK("http://x","y")'


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_user_text_that_looks_like_a_formula_stays_text():
    texts = [FORMULA, "+1+2", "-3", "@SUM(A1)", "\t=1", "\r=1", "plain", "a=b"]
    ws = _sheet(workbook_bytes(["h"] * len(texts), [texts]))
    cells = list(ws[2])
    assert [c.value for c in cells] == texts
    assert all(c.data_type == "s" for c in cells)
    # Excel's own "typed as text" flag on the dangerous ones only, so editing the cell keeps it text.
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False] * 2


def test_values_keep_their_types_and_local_time():
    aware = datetime.datetime(2020, 2, 10, 1, 30, 15, 123456, tzinfo=datetime.UTC)
    row = [aware, datetime.date(2020, 2, 10), 42, decimal.Decimal("37.5"), 1.5, None, "a\x01b"]
    ws = _sheet(workbook_bytes(list("abcdefg"), [row]))
    got = [c.value for c in ws[2]]
    local = aware.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None, microsecond=0)
    assert got[0] == local and got[0].hour == 9  # Asia/Shanghai is UTC+8
    assert ws["A2"].is_date and ws["A2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["B2"].is_date and ws["B2"].number_format == "yyyy-mm-dd"
    assert got[1].date() == datetime.date(2020, 2, 10)
    assert got[2] == 42 and ws["C2"].data_type == "n"
    assert got[3] == 37.5 and ws["D2"].data_type == "n"
    assert got[4] == 1.5
    assert got[5] is None
    assert got[6] == "ab"  # a control character would make openpyxl raise: the export must not fail


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("居民", "居民"),
        ("a[b]c:d*e?f/g\\h", "a b c d e f g h"),
        ("'quoted'", "quoted"),
        ("x" * 40, "x" * 31),
        ("", "Sheet1"),
        ("[]", "Sheet1"),
    ],
)
def test_sheet_title_is_legal(title, expected):
    assert sheet_title(title) == expected
    assert load_workbook(io.BytesIO(workbook_bytes(["h"], [], title=title))).sheetnames == [expected]


@pytest.fixture
def worker_client(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    return client


@pytest.mark.django_db
def test_resident_list_export_named_typed_and_formula_safe(worker_client, tree):
    from fangkong.people.tests.factories import make_person

    make_person(tree.a.household, name=FORMULA, birth_date=datetime.date(1980, 1, 2))
    make_person(tree.b.household, name="另一个社区")
    resp = worker_client.get("/people/?export=xlsx")
    wb = load_workbook(io.BytesIO(resp.content))
    with translation.override("zh-hans"):
        from fangkong.people.models import Person

        assert wb.sheetnames == [str(Person._meta.verbose_name_plural)]
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert all(headers) and len(ws["A"]) == 2
    name = ws.cell(row=2, column=1)
    assert name.value == FORMULA and name.data_type == "s"
    birth = ws.cell(row=2, column=headers.index("出生日期") + 1)
    assert birth.is_date and birth.value.date() == datetime.date(1980, 1, 2)


@pytest.mark.django_db
def test_scan_export_writes_local_datetimes(client, tree, make_user):
    from fangkong.gates.tests.factories import make_scan

    scan = make_scan(tree.a.household)
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.get("/gates/scans/?export=xlsx")
    ws = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    dates = [c for c in ws[2] if c.is_date]
    expected = timezone.localtime(scan.scanned_at).replace(tzinfo=None, microsecond=0)
    assert dates and dates[0].value == expected
    assert not any(isinstance(c.value, str) and "+00:00" in c.value for c in ws[2])


@pytest.mark.django_db
def test_every_exported_column_has_a_header(client, tree, make_user):
    """The alert list has an action column with no header: it is not exported."""
    from fangkong.observation.tests.factories import make_alert

    make_alert(tree.a.household)
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.get("/observation/alerts/?export=xlsx")
    ws = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    headers = [c.value for c in ws[1]]
    assert len(headers) >= 5 and all(headers)
    assert ws.max_column == len(headers)


@pytest.mark.django_db
def test_fast_table_values_match_what_the_table_shows(tree):
    """Plain columns are read directly (speed); their text must be what django-tables2 would render."""
    import django_tables2 as tables

    from fangkong.core.excel import table_rows
    from fangkong.people.models import Person
    from fangkong.people.tables import PersonTable
    from fangkong.people.tests.factories import make_person

    make_person(tree.a.household, name="张三", sex="F", person_type="migrant", phone_masked="138****0000")
    with translation.override("zh-hans"):
        table = PersonTable(Person.objects.select_related("area"))
        headers, rows = table_rows(table)
        (row,) = list(rows)
        shown = [table.rows[0].get_cell_value(c.name) for c in table.columns]
    for value, text in zip(row, shown, strict=True):
        if isinstance(value, datetime.date) or value is None:
            continue
        assert str(value) == text
    assert "女" in row and "张三" in row

    class DictTable(tables.Table):  # rows that are dicts, with a null on the way
        day = tables.Column()
        n = tables.Column(accessor="x__n")

    assert list(table_rows(DictTable([{"day": "d", "x": {"n": 3}}, {"day": None, "x": None}]))[1]) == [
        ["d", 3],
        [None, None],
    ]
