"""Issue 10: the policy pages speak the user's language: a policy's name (not its key) and a readable
value (lists joined, units translated, status codes as labels), in Chinese and in English."""

import re

import lxml.html
import pytest
from django.utils import translation

from fangkong.policies.models import PolicyDefinition

KEY_RX = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z_]+\.[a-z_]+\b")
REPR_RX = re.compile(r"\[\s*'")


def _text(html: str) -> str:
    """Text a reader sees, titles included (a key in a tooltip is still shown)."""
    doc = lxml.html.fromstring(html)
    for el in doc.iter("script", "style"):
        el.drop_tree()
    titles = " ".join(el.get("title") for el in doc.iter() if isinstance(el.tag, str) and el.get("title"))
    return doc.text_content() + " " + titles


def _row(html: str, key: str) -> str:
    doc = lxml.html.fromstring(html)
    (row,) = doc.xpath(f'//table[@id="policies"]//tr[@data-key="{key}"]')
    return " ".join(row.text_content().split())


@pytest.fixture
def admin(tree, make_user):
    return make_user("district_admin", tree.district)


@pytest.mark.parametrize(
    "lang, days, tests, statuses_word",
    [("zh-hans", "14天", "7、14", "居家观察"), ("en", "14 days", "7, 14", "home observation")],
)
def test_list_shows_names_and_readable_values(client, admin, lang, days, tests, statuses_word):
    admin.language = lang
    admin.save(update_fields=["language"])
    client.force_login(admin)
    html = client.get("/policies/").content.decode()
    name = PolicyDefinition.objects.get(key="observation.returnee.days").label(lang)
    returnee = _row(html, "observation.returnee.days")
    assert name in returnee and days in returnee
    test_days = _row(html, "observation.test_days")
    assert PolicyDefinition.objects.get(key="observation.test_days").label(lang) in test_days
    assert tests in test_days
    deny = _row(html, "gate.deny.statuses")
    assert statuses_word in deny and "home_observation" not in deny
    text = _text(html)
    assert not KEY_RX.search(text), KEY_RX.search(text)
    assert not REPR_RX.search(text)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_detail_shows_name_and_readable_values_without_the_key(client, admin, lang):
    admin.language = lang
    admin.save(update_fields=["language"])
    client.force_login(admin)
    html = client.get("/policies/observation.test_days/").content.decode()
    d = PolicyDefinition.objects.get(key="observation.test_days")
    doc = lxml.html.fromstring(html)
    assert d.label(lang) in doc.xpath("//h1")[0].text_content()
    values = [
        " ".join(td.text_content().split()) for td in doc.xpath('//table[@id="versions"]//td[@class="value"]')
    ]
    assert ("7, 14" if lang == "en" else "7、14") in values
    text = _text(html)
    assert "observation.test_days" not in text
    assert not REPR_RX.search(text)


def test_change_preview_shows_readable_values(client, admin):
    """The preview on the detail page: the new value and the one in force, both readable."""
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    resp = client.post(
        "/policies/observation.test_days/",
        {"value": "1, 3", "effective_from": "2030-01-01T00:00", "area": admin.home_area().pk, "source": "t"},
    )
    doc = lxml.html.fromstring(resp.content.decode())
    (preview,) = doc.xpath('//*[@id="preview-result"]')
    text = " ".join(preview.text_content().split())
    assert "1、3" in text and "7、14" in text
    assert not REPR_RX.search(text) and "observation.test_days" not in text


def test_observation_period_picker_offers_names_not_keys(client, tree, make_user):
    user = make_user("district_admin", tree.district, language="en")
    client.force_login(user)
    html = client.get("/observation/policy/").content.decode()
    options = lxml.html.fromstring(html).xpath('//select[@name="key"]/option')
    assert options
    labels = {o.get("value"): o.text_content().strip() for o in options}
    expected = dict(PolicyDefinition.objects.filter(key__in=labels).values_list("key", "name_en"))
    assert labels == expected


def test_format_value_units_and_lists():
    d = PolicyDefinition(key="x.y.z", value_type="int", unit="天")
    with translation.override("en"):
        assert d.format_value(1) == "1 day"
        assert d.format_value(14) == "14 days"
        assert PolicyDefinition(key="a", value_type="decimal", unit="℃").format_value("37.30") == "37.3 ℃"
    with translation.override("zh-hans"):
        assert d.format_value(14) == "14天"
        assert PolicyDefinition(key="a", unit="").format_value(["湖北", "武汉"]) == "湖北、武汉"
