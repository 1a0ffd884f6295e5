"""Import of the city's dispatch file: all-or-nothing, row errors, GBK, wrong columns, idempotent."""

import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from fangkong.hotline import services
from fangkong.hotline.models import Status, WorkOrder

pytestmark = pytest.mark.django_db

HEADER = "工单编号,受理时间,来电人,联系电话,地址,问题分类,诉求内容,时限类型\n"


def _when(hours=2):
    return (timezone.localtime() - timezone.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def _csv(rows, header=HEADER, encoding="utf-8") -> bytes:
    return (header + "".join(",".join(r) + "\n" for r in rows)).encode(encoding)


def _rows(n=3, prefix="2020"):
    return [
        [
            f"{prefix}{i:04d}",
            _when(),
            "张先生",
            "13800138000",
            "镇国寺社区2号楼" if i % 2 else "某某大院",
            "噪音扰民",
            f"夜间施工噪音{i}",
            "一般",
        ]
        for i in range(n)
    ]


def test_csv_import_matches_and_triages(hl, tree):
    r = services.order_import(
        actor=hl.street, within=tree.street1, filename="派单.csv", content=_csv(_rows(4))
    )
    assert r.ok, (r.message, r.errors)
    assert r.created == 4 and r.triage == 2
    assert WorkOrder.objects.filter(status=Status.TRIAGE, area=tree.street1).count() == 2
    assert (
        WorkOrder.objects.filter(status=Status.TO_DISPATCH, area=tree.a.community).count() == 2
    )  # no 2号楼 here
    matched = WorkOrder.objects.filter(status=Status.TO_DISPATCH)
    assert matched.count() == 2 and all(o.area.path.startswith(tree.a.community.path) for o in matched)
    assert all(o.category == "noise" and o.response_due and o.callback_token for o in matched)


def test_reimport_adds_nothing(hl, tree):
    content = _csv(_rows(3))
    services.order_import(actor=hl.street, within=tree.street1, filename="a.csv", content=content)
    r = services.order_import(actor=hl.street, within=tree.street1, filename="a.csv", content=content)
    assert r.ok and r.created == 0 and r.skipped == 3
    assert WorkOrder.objects.count() == 3


def test_gbk_file(hl, tree):
    r = services.order_import(
        actor=hl.street, within=tree.street1, filename="gbk.csv", content=_csv(_rows(2), encoding="gbk")
    )
    assert r.ok and r.created == 2
    assert WorkOrder.objects.filter(text__startswith="夜间施工噪音").count() == 2


def test_wrong_columns_write_nothing(hl, tree):
    content = _csv(_rows(2), header="编号,时间,姓名,电话,位置,类型,内容,时限\n")
    r = services.order_import(actor=hl.street, within=tree.street1, filename="x.csv", content=content)
    assert not r.ok and "工单编号" in r.message and "诉求内容" in r.message
    assert not WorkOrder.objects.exists()


def test_one_bad_row_writes_nothing_and_reports_every_bad_row(hl, tree):
    rows = _rows(4)
    rows[1][1] = "2020-02-30 10:00"  # no such date
    rows[2][0] = rows[0][0]  # duplicate number in the file
    rows[3][6] = ""  # no text
    r = services.order_import(actor=hl.street, within=tree.street1, filename="x.csv", content=_csv(rows))
    assert not r.ok
    assert {(e.row, e.column) for e in r.errors} == {(3, "受理时间"), (4, "工单编号"), (5, "诉求内容")}
    assert not WorkOrder.objects.exists()
    report = services.import_error_report(r)
    assert report[:2] == b"PK"


def test_xlsx_with_header_variants(hl, tree):
    wb = Workbook()
    ws = wb.active
    ws.append(["工单号", "来电时间", "诉求人", "电话", "事发地址", "分类", "诉求", "紧急程度"])
    ws.append(["X1", _when(), "李女士", 13900139000, "宛平城社区", "疫情防控", "核酸点排队太长", "紧急"])
    buf = io.BytesIO()
    wb.save(buf)
    r = services.order_import(actor=hl.street, within=tree.street1, filename="x.xlsx", content=buf.getvalue())
    assert r.ok, (r.message, r.errors)
    o = WorkOrder.objects.get(city_number="X1")
    assert o.urgency == "urgent" and o.category == "epidemic" and o.area == tree.b.community
    assert o.caller_phone == "13900139000"
    assert (o.response_due - o.received_at).total_seconds() == 2 * 3600  # urgent: 2 hours


def test_street_column_outside_the_street_is_a_row_error(hl, tree):
    header = HEADER.strip() + ",街道\n"
    rows = [r + ["马家堡街道"] for r in _rows(1)]
    r = services.order_import(
        actor=hl.street, within=tree.street1, filename="x.csv", content=_csv(rows, header=header)
    )
    assert not r.ok and r.errors[0].column == "街道"
    assert not WorkOrder.objects.exists()


def test_import_outside_scope_is_unknown_area(hl, tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.order_import(actor=hl.street, within=tree.street2, filename="x.csv", content=_csv(_rows(1)))


def test_imports_are_counted_on_metrics(hl, tree, client):
    from fangkong.core.tests.scrape import sample, scrape

    def counts():
        text = scrape(client)
        return [
            sample(text, "fangkong_imports_total", kind="hotline_orders", outcome=o)
            for o in ("committed", "rejected")
        ]

    before = counts()
    services.order_import(
        actor=hl.street, within=tree.street1, filename="a.csv", content=_csv(_rows(2, "7070"))
    )
    wrong = _csv(_rows(2), header="编号,时间,姓名,电话,位置,类型,内容,时限\n")
    services.order_import(actor=hl.street, within=tree.street1, filename="x.csv", content=wrong)
    assert [a - b for a, b in zip(counts(), before, strict=True)] == [1, 1]
