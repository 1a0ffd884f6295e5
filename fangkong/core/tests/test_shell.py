"""The shell every page shares (issue 10): language, catalogues, favicon, logs, list actions."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from fangkong.areas.models import Place
from fangkong.gates import services as gate_services
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

CATALOGUES = [
    Path(settings.BASE_DIR) / "fangkong" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    *sorted((Path(settings.BASE_DIR) / "fangkong").glob("*/locale/zh_Hans/LC_MESSAGES/django.po")),
]


def _po_entries(path: Path) -> dict[tuple[str, str], str]:
    """(msgctxt, msgid) -> msgstr of one .po file (continuation lines joined, obsolete skipped)."""
    entries, cur, key = {}, {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~"):
            continue
        m = re.match(r'^(msgctxt|msgid|msgstr) "(.*)"$', line)
        if m:
            key = m.group(1)
            cur[key] = m.group(2)
        elif line.startswith('"') and key:
            cur[key] += line[1:-1]
        elif not line.strip():
            if cur.get("msgid") and cur.get("msgstr"):
                entries[(cur.get("msgctxt", ""), cur["msgid"])] = cur["msgstr"]
            cur, key = {}, None
    return entries


def test_catalogues_give_one_meaning_per_msgid_and_context():
    """Django merges the catalogues and the first one holding a (context, msgid) wins: two words for
    one meant the wrong one showed ('End' read 结束时间 on the end-observation button). The rule is one
    meaning per msgid and context: a word with two senses gets a pgettext context for each
    (test_words.py), and each (context, msgid) reads the same in every catalogue."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for path in CATALOGUES:
        for key, text in _po_entries(path).items():
            seen.setdefault(key, {})[str(path.relative_to(settings.BASE_DIR))] = text
    assert len(seen) > 500  # the parser read the catalogues
    disagree = {k: v for k, v in seen.items() if len(set(v.values())) > 1}
    assert not disagree, disagree


def test_end_observation_button_reads_end_observation(client, tree, make_user):
    from fangkong.observation import services

    worker = make_user("community_worker", tree.a.community)
    order = services.order_create(
        actor=worker, person=make_person(tree.a.household), order_type="home", reason="returnee"
    )
    client.force_login(worker)
    html = client.get(order.get_absolute_url()).content.decode()
    assert "解除观察" in html and "结束时间" not in html


def test_schema_does_not_turn_filter_labels_english(client, tree, make_user):
    """drf-spectacular reads the FilterSets' class-level filters while building /api/schema/; their
    labels (from model fields) were then frozen in that request's language for everyone."""
    english = make_user("district_admin", tree.district, language="en")
    chinese = make_user("community_worker", tree.a.community)
    client.force_login(english)
    assert client.get("/api/schema/").status_code == 200
    client.force_login(chinese)
    html = client.get("/gates/scans/").content.decode()
    assert "方向" in html and "登记方式" in html
    assert ">Direction<" not in html and "Entry</label>" not in html


def test_public_pages_are_chinese_whatever_the_browser_says(client, tree):
    gate = Place.objects.create(
        area=tree.a.community, area_path=tree.a.community.path, kind="gate", name="东门"
    )
    code = gate_services.place_code_for(actor=None, place=gate)
    from fangkong.gates.selectors import place_token

    url = f"/gates/r/{place_token(code)}/"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html
    assert 'name="language" value="en"' in html  # the switch
    notice = client.get("/gates/returnee-notice/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in notice
    # The switch (a cookie) is followed.
    client.post("/language/", {"language": "en", "next": url})
    assert 'lang="en"' in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_favicon_is_served(client, tree, make_user):
    assert finders.find("favicon.svg")
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301 and resp["Location"] == f"{settings.STATIC_URL}favicon.svg"
    client.force_login(make_user("community_worker", tree.a.community))
    assert 'rel="icon"' in client.get("/").content.decode()


def test_a_refused_page_is_one_log_line_without_traceback(client, tree, make_user, caplog):
    # Django's own console handler printed each record beside the root's: two tracebacks per 403.
    assert logging.getLogger("django").handlers == []
    client.force_login(make_user("gate_volunteer", tree.a.community))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/users/").status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request" and r.status_code == 403]
    assert refused and all(r.exc_info is None for r in refused)
    # A server error keeps its traceback.
    from fangkong.core.logfilters import NoTracebackBelow500

    record = logging.LogRecord(
        "django.request", logging.ERROR, "", 0, "boom", (), (ValueError, ValueError(), None)
    )
    record.status_code = 500
    NoTracebackBelow500().filter(record)
    assert record.exc_info is not None


def test_lists_offer_their_actions_by_permission(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    assert "/gates/passes/issue/" in client.get("/gates/passes/").content.decode()
    scans = client.get("/gates/scans/").content.decode()
    assert "/gates/refusals/" in scans and "/gates/scans/by-day/" in scans
    client.force_login(make_user("grid_member", tree.a.grid))
    assert "/gates/passes/issue/" not in client.get("/gates/passes/").content.decode()


def test_empty_table_says_so(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    html = client.get("/gates/seals/").content.decode()
    assert "暂无记录" in html
