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
    (row,) = doc.xpath(f'//*[@id="policies"]//tr[@data-key="{key}"]')
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


CODE_RX = re.compile(r"(?<![A-Za-z0-9_.-])[a-z]+_[a-z_]+(?![A-Za-z0-9_.-])")  # home_observation, team_lead


def test_list_is_grouped_by_domain_and_shows_no_raw_codes(client, admin):
    """Issue 19: the policies come grouped by the domain of their key, each value in words (a status or an
    escalation target by its label, never home_observation or team_lead)."""
    client.force_login(admin)
    html = client.get("/policies/").content.decode()
    doc = lxml.html.fromstring(html)
    titles = [" ".join(h.text_content().split()) for h in doc.xpath('//*[@id="policies"]//h2')]
    assert (
        titles[:3] == ["卡口与返京人员", "下沉干部与志愿者", "观察与关爱小组"]
        and {"核酸检测", "12345接诉即办", "复工复产"} <= set(titles)
        and "其他" not in titles
    )
    for h2 in doc.xpath('//*[@id="policies"]//h2'):
        table = h2.getnext()
        keys = {tr.get("data-key").split(".")[0] for tr in table.xpath(".//tr[@data-key]")}
        assert keys and len(keys) <= 2, (h2.text_content(), keys)  # one domain per table
    assert "组长" in _row(html, "support.escalation.overdue_targets")
    assert "居家观察" in _row(html, "screening.pool_positive_status")
    body = " ".join(t.text_content() for t in doc.xpath('//*[@id="policies"]//td'))
    assert not CODE_RX.search(body), CODE_RX.search(body)


def test_change_log_shows_a_policy_value_in_words(client, admin, tree):
    import datetime

    from django.utils import timezone

    from fangkong.core.models import ChangeLog
    from fangkong.policies import services
    from fangkong.policies.models import Policy

    result = services.policy_change(
        actor=admin,
        key="support.escalation.overdue_targets",
        value=["team_lead", "duty_phone"],
        effective_from=timezone.now() + datetime.timedelta(days=1),
        area=tree.district,
        source="test",
    )
    change = ChangeLog.objects.filter(object_id=str(result.policy.pk), content_type__model="policy").latest(
        "pk"
    )
    assert isinstance(result.policy, Policy)
    client.force_login(admin)
    html = client.get(change.get_absolute_url()).content.decode()
    diff = " ".join(
        lxml.html.fromstring(html).xpath('//table[contains(@class, "diff")]')[0].text_content().split()
    )
    assert "组长、社区值班电话" in diff, diff
    assert "team_lead" not in diff and "duty_phone" not in diff
    local = timezone.localtime(result.policy.effective_from).strftime("%Y-%m-%d %H:%M")
    assert local in diff and "T" not in diff.split(local)[0][-3:]  # a time as people write it, not ISO
    assert "+00:00" not in diff
