"""Printed matter (issue 10): the CJK font is embedded, '·' and Chinese extract as written, titles once."""

import os

import pytest

from fangkong.core.pdf import EMBEDDED, cjk_font
from fangkong.core.testing import pdf_facts
from fangkong.gates import documents
from fangkong.gates.tests.factories import make_notice, resident

pytestmark = pytest.mark.django_db

# Skipped where the font is missing, except in CI (.ci/run installs it and sets FANGKONG_REQUIRE_PDF_FONT).
needs_font = pytest.mark.skipif(
    cjk_font() != EMBEDDED and not os.environ.get("FANGKONG_REQUIRE_PDF_FONT"),
    reason="no embeddable CJK TrueType font (apt-get install fonts-wqy-zenhei)",
)


def _assert_embedded(facts):
    assert facts["fonts"] and all(facts["fonts"].values()), facts["fonts"]


@needs_font
def test_poster_embeds_its_font_and_prints_the_middle_dot():
    pdf = documents.poster_pdf(place_name="宛平城东门", area_name="镇国寺社区", url="http://x/r/1", version=2)
    facts = pdf_facts(pdf)
    _assert_embedded(facts)
    assert "场所码 · 扫码登记" in facts["text"] and "宛平城东门" in facts["text"]
    assert "版本 v2 · 打印于" in facts["text"]


@needs_font
def test_pass_card_pdf_embeds_its_font_with_one_title(client, tree, make_user):
    person, _number = resident(tree.a.household, name="孙七")
    p = person.gate_passes.get()
    client.force_login(make_user("community_worker", tree.a.community))
    facts = pdf_facts(client.get(f"/gates/passes/{p.pk}/card.pdf").content)
    _assert_embedded(facts)
    assert "孙七" in facts["text"] and p.number in facts["text"]
    assert "凭卡进入 · 验证、测温、扫码、登记" in facts["text"]
    assert facts["text"].count("出入证") == 1


@needs_font
def test_letter_embeds_its_font(tree):
    notice = make_notice(tree.a.household)
    facts = pdf_facts(documents.letter_pdf(notice=notice, conditions=["独立房间"], community="镇国寺社区"))
    _assert_embedded(facts)
    assert (
        "疫情防控责任书" in facts["text"] and "镇国寺社区" in facts["text"] and notice.name in facts["text"]
    )


@pytest.mark.parametrize(("lang", "title"), [("zh-hans", "社区出入证"), ("en", "Community pass")])
def test_pass_card_page_title_is_said_once(client, tree, make_user, lang, title):
    person, _number = resident(tree.a.household)
    p = person.gate_passes.get()
    client.force_login(make_user("community_worker", tree.a.community, language=lang))
    html = client.get(f"/gates/passes/{p.pk}/card/").content.decode()
    assert f'<div class="print-head">{title}</div>' in html


def test_a_long_address_stays_on_the_pass_card(tree):
    import io

    from pypdf import PdfReader

    from fangkong.areas.models import Area

    Area.objects.filter(pk=tree.a.household.pk).update(name="一百零一号院内东侧第三排平房" * 3)
    person, _number = resident(Area.objects.get(pk=tree.a.household.pk))
    pdf = documents.pass_card_pdf(pass_obj=person.gate_passes.get(), url="http://x/p/1")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    starts = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            starts.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    assert starts and min(starts) >= 0, starts


@needs_font
def test_a_long_letter_wraps_and_keeps_every_condition(tree):
    import io

    from pypdf import PdfReader

    notice = make_notice(tree.a.household)
    conditions = [f"条件{i}：" + "具备独立房间和独立卫生间，能够保证单独居住" * 2 for i in range(30)]
    pdf = documents.letter_pdf(notice=notice, conditions=conditions, community="镇国寺社区")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = pdf_facts(pdf)["text"]
    assert all(f"条件{i}：" in text for i in range(30)) and "日期：" in text
