"""Every printed document, rendered with long names and addresses, keeps every character inside its
page's margins (read back from the PDF with pdfplumber), keeps a table cell's number whole, and states
the disease, the issuing authority and the legal basis that policy sets, not words from code."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace as NS

import pdfplumber
import pytest
from django.utils import timezone
from reportlab.lib.units import mm

from fangkong.areas.models import Area

pytestmark = pytest.mark.django_db

LONG_NAME = "欧阳诸葛慕容司马上官皇甫令狐长孙宇文尉迟澹台公冶轩辕东方西门南宫北堂"
LONG_PLACE = "北京市丰台区卢沟桥街道镇国寺社区居民委员会第一党群服务中心综合楼一层东侧临时核酸采样点"
LONG_ADDRESS = "北京市丰台区卢沟桥街道镇国寺北街甲十九号院中国铁路北京局集团有限公司丰台站职工家属院东区"
LONG_NOTE = "家中老人需要降压药硝苯地平缓释片和二甲双胍，另需成人纸尿裤两包、婴儿奶粉一罐，请尽快送达谢谢" * 2
BIG = 1234567  # a number a narrow table cell must keep whole


def _outside(pdf: bytes, margin: float) -> list[str]:
    """Every character of `pdf` that lies outside the margin (in points) of its page."""
    bad = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for n, page in enumerate(doc.pages, start=1):
            for ch in page.chars:
                inside = (
                    ch["x0"] >= margin - 0.5
                    and ch["x1"] <= page.width - margin + 0.5
                    and ch["top"] >= margin - 0.5
                    and ch["bottom"] <= page.height - margin + 0.5
                )
                if not inside and ch["text"].strip():
                    bad.append(f"p{n} {ch['text']!r} x0={ch['x0']:.0f} x1={ch['x1']:.0f} top={ch['top']:.0f}")
    return bad


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def _flat(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


@pytest.fixture
def long_tree(tree):
    """The test tree with a household, a building and a community whose names are long."""
    for area, name in (
        (tree.a.community, "镇国寺社区" * 4),
        (tree.a.building, "镇国寺北街甲19号院3号楼东" * 2),
    ):
        Area.objects.filter(pk=area.pk).update(name=name)
    Area.objects.filter(pk=tree.a.household.pk).update(name=LONG_ADDRESS)
    for branch in (tree.a,):
        for key in ("community", "building", "household"):
            getattr(branch, key).refresh_from_db()
    return tree


def _order(tree, **kw):
    return NS(
        person=NS(name=LONG_NAME, id_masked="110106********1234"),
        reason="close_contact",
        start=datetime.date(2026, 12, 1),
        planned_end=datetime.date(2026, 12, 15),
        get_order_type_display=lambda: "居家隔离医学观察",
        policy_key="observation.close_contact.days",
        policy_version=3,
        area=tree.a.household,
        **kw,
    )


def _tracing(tree):
    from fangkong.tracing.documents import letters_pdf

    return letters_pdf([_order(tree), _order(tree)])


def _certificate(tree, monkeypatch):
    from fangkong.observation import documents

    tests = [
        NS(day=d, due_date=datetime.date(2026, 12, d), result="negative", result_at=timezone.now())
        for d in range(1, 15)
    ]
    facts = {
        "start": datetime.date(2026, 12, 1),
        "planned_end": datetime.date(2026, 12, 15),
        "end": datetime.date(2026, 12, 10),
        "checked_in": datetime.date(2026, 12, 1),
        "tests": tests,
        "tests_negative": True,
        "completed": False,
        "early": True,
        "reason": LONG_NOTE * 2,
        "reports": 10,
        "fever": 0,
        "symptoms": 1,
    }
    # The facts come from the records; the layout is what is under test here.
    monkeypatch.setattr(documents, "certificate_facts", lambda stay: facts)
    order = NS(person=NS(name=LONG_NAME, id_masked="110106********1234"), policy_key="x", policy_version=1)
    stay = NS(
        order=order, site=NS(name=LONG_PLACE), room=NS(number="A-1203"), certificate_number="JC-2026-000123"
    )
    return documents.certificate_pdf(stay)


def _gates_letter(tree):
    from fangkong.gates.documents import letter_pdf

    notice = NS(
        name=LONG_NAME,
        id_masked="110106********1234",
        travel_from="湖北省武汉市江岸区" * 3,
        tracking_code="FK-20261207-0001",
        arrival_date=datetime.date(2026, 12, 1),
        address=LONG_ADDRESS,
        get_decision_display=lambda: "居家观察十四天，每日报告体温，社区网格员上门核查",
    )
    return letter_pdf(
        notice=notice, conditions=["独立卫生间" + LONG_NOTE, "单人单间"], community=tree.a.community.name
    )


def _poster(tree):
    from fangkong.gates.documents import poster_pdf

    return poster_pdf(
        place_name=LONG_PLACE, area_name=LONG_ADDRESS, url="https://example.org/p/x", version=12
    )


def _pass_card(tree):
    from fangkong.gates.documents import pass_card_pdf

    now = timezone.now()
    p = NS(
        person=NS(name=LONG_NAME, id_masked="110106********1234", area_id=1, area=tree.a.household),
        number="CR-0000123456",
        valid_from=now,
        valid_to=now + datetime.timedelta(days=30),
    )
    return pass_card_pdf(pass_obj=p, url="https://example.org/pass/x")


def _notice(tree):
    from fangkong.screening.documents import notice_pdf

    now = timezone.now()
    slots = [
        NS(
            start=now,
            end=now + datetime.timedelta(hours=1),
            site=NS(place=NS(name=LONG_PLACE, address=LONG_ADDRESS)),
        )
    ]
    return notice_pdf(
        campaign=NS(name="第十二轮全员核酸检测" + LONG_PLACE),
        building_name=tree.a.building.full_name(),
        slots=slots,
        url="https://example.org/b/x",
    )


def _picking(tree, monkeypatch):
    from fangkong.support import documents

    rows = [("★" + LONG_ADDRESS, "买药", LONG_NOTE[:40])] * 3
    monkeypatch.setattr(
        documents, "picking_list_rows", lambda closure, building: ([("大米" * 20, BIG)], rows)
    )
    return documents.picking_list_pdf(NS(name=LONG_PLACE), NS(name=tree.a.building.name))


def _cell(value):
    return {
        "text": f"{value:,}".replace(",", ""),
        "change_text": f"+{value}",
        "amended": False,
        "was": "",
        "red": False,
        "label": "在管人数",
        "value": value,
        "change": value,
    }


def _briefing(tree):
    from fangkong.briefing.documents import briefing_pdf

    columns = [f"第{i}项指标{LONG_NAME[:6]}" for i in range(9)]
    section = {
        "numeral": "一、",
        "title": "隔离医学观察" + LONG_NAME,
        "sentence": LONG_NOTE,
        "columns": columns,
        "headline": [_cell(BIG) for _ in columns],
        "rows": [{"area": NS(name=LONG_PLACE), "cells": [_cell(BIG) for _ in columns]}],
    }
    data = {
        "briefing": NS(
            area=NS(name=tree.a.community.name), date=datetime.date(2026, 12, 7), version=2, reason=LONG_NOTE
        ),
        "as_of_text": "2026年12月7日0时",
        "headline_label": tree.a.community.name,
        "sections": [section],
        "items": [],
        "carried": [],
    }
    return briefing_pdf(data)


def _workplace_plan(tree):
    from fangkong.workplaces import services
    from fangkong.workplaces.documents import plan_pdf

    w = services.workplace_create(
        actor=None,
        area=tree.a.building,
        name=LONG_PLACE,
        type="office_building",
        address=LONG_ADDRESS,
        head_street_name=LONG_NAME,
        head_property_name=LONG_NAME,
        safety_contact_name=LONG_NAME,
        staff_count=BIG,
        floor_area=BIG,
    )
    services.dormitory_create(
        actor=None, workplace=w, name=LONG_NOTE[:60], address=LONG_ADDRESS, underground=True
    )
    return plan_pdf(w)


# document, its own margin (points): what the document promises to stay inside of
DOCUMENTS = {
    "tracing letters": (_tracing, 72),
    "observation certificate": (_certificate, 72),
    "gates responsibility letter": (_gates_letter, 20 * mm),
    "gates poster": (_poster, 8 * mm),
    "gates pass card": (_pass_card, 6 * mm),
    "screening notice": (_notice, 10 * mm),
    "support picking list": (_picking, 50),
    "briefing": (_briefing, 20 * mm),
    "workplaces plan": (_workplace_plan, 72),
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_character_lies_inside_the_margins(name, long_tree, monkeypatch):
    make, margin = DOCUMENTS[name]
    pdf = make(long_tree, monkeypatch) if make in (_certificate, _picking) else make(long_tree)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert sum(len(p.chars) for p in doc.pages) > 50  # there is text to check
    assert _outside(pdf, margin) == []
    if name in (
        "tracing letters",
        "gates responsibility letter",
        "screening notice",
        "support picking list",
        "workplaces plan",
    ):
        assert _flat(LONG_ADDRESS) in _flat(_text(pdf))  # wrapped, not cut


def test_the_briefing_table_keeps_each_number_whole(long_tree):
    lines = _text(_briefing(long_tree)).splitlines()
    whole = [line for line in lines if str(BIG) in line.replace(" ", "")]
    # 2 rows × 9 columns of the number, each with its change "+1234567": none broken across lines
    assert sum(line.replace(" ", "").count(str(BIG)) for line in whole) >= 2 * 9 * 2
    assert not any(line.strip().startswith(("567", "67", "7 ")) for line in lines)


def test_the_letters_state_disease_authority_and_basis_from_policy(long_tree):
    from fangkong.policies.models import Policy

    text = _flat(_text(_tracing(long_tree)))
    assert "新冠肺炎" in text and "《中华人民共和国传染病防治法》" in text  # the first versions
    for key, value in (
        ("documents.disease", "猴痘"),
        ("documents.authority", "丰台区突发公共卫生事件应急指挥部"),
        ("documents.legal_basis", "《突发公共卫生事件应急条例》第三十三条"),
    ):
        Policy.objects.filter(definition__key=key).update(value=value)
    text = _flat(_text(_tracing(long_tree)))
    assert "猴痘" in text and "新冠" not in text
    assert "丰台区突发公共卫生事件应急指挥部（盖章）" in text
    assert "《突发公共卫生事件应急条例》第三十三条" in text and "传染病防治法" not in text
