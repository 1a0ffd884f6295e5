"""Pages: archive, briefing (page, PDF, Excel), generation, check, tasks, dashboard — scoped."""

import datetime
import io

import pytest
from django.utils import timezone

from fangkong.briefing import services
from fangkong.briefing.models import Briefing, Item
from fangkong.briefing.tests.factories import make_figure_value
from fangkong.core.testing import ViewTestCases, pdf_facts
from fangkong.observation import services as obs
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _with_values(area):
    return make_figure_value(area).briefing


class TestBriefingPage(ViewTestCases):
    url = "/briefing/{pk}/"
    model = Briefing
    role_without = "gate_volunteer"

    def make_object(self, area):
        return _with_values(area)


class TestBriefingPDF(TestBriefingPage):
    url = "/briefing/{pk}/briefing.pdf"


class TestBriefingExcel(TestBriefingPage):
    url = "/briefing/{pk}/briefing.xlsx"


class TestArchive(ViewTestCases):
    url = "/briefing/"
    role = "leadership_viewer"
    role_without = "gate_volunteer"


class TestDashboard(ViewTestCases):
    url = "/briefing/dashboard/"
    role = "leadership_viewer"
    role_without = "gate_volunteer"


def _order(household, ago=0):
    return obs.order_create(
        actor=None,
        person=make_person(household),
        order_type="home",
        reason="other",
        start=TODAY() - datetime.timedelta(days=ago),
    )


@pytest.fixture
def briefing(tree):
    _order(tree.a.household, ago=1)
    services.briefing_generate(actor=None, date=TODAY() - datetime.timedelta(days=1))
    _order(tree.a.household)
    _order(tree.b.household)
    _order(tree.c.household)
    return services.briefing_generate(actor=None, date=TODAY())


def test_page_pdf_and_excel_show_the_same_figures(client, tree, make_user, briefing):
    client.force_login(make_user("district_admin", tree.district))
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/briefing/{briefing.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "截至" in page and "一、" in page
    assert 'data-key="observation.running"' in page
    facts = pdf_facts(
        client.get(f"/briefing/{briefing.pk}/briefing.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    )
    assert all(facts["fonts"].values()), facts["fonts"]  # every CJK font embedded
    assert "截至" in facts["text"] and "卢沟桥街道" in facts["text"] and "马家堡街道" in facts["text"]
    from openpyxl import load_workbook

    resp = client.get(f"/briefing/{briefing.pk}/briefing.xlsx")
    wb = load_workbook(io.BytesIO(resp.content))
    obs_sheet = next(ws for ws in wb.worksheets if "观察" in ws.title or "Observation" in ws.title)
    rows = list(obs_sheet.iter_rows(values_only=True))
    streets = {r[0]: r[1] for r in rows[2:]}
    assert streets == {"卢沟桥街道": 3, "马家堡街道": 1}  # "under observation" by street
    assert rows[1][1] == 4


def test_figure_links_open_the_list_behind_them(client, tree, make_user, briefing):
    client.force_login(make_user("district_admin", tree.district))
    page = client.get(f"/briefing/{briefing.pk}/").content.decode()
    link = f"/observation/orders/?running_on={TODAY().isoformat()}&amp;area={tree.street1.pk}"
    assert link in page
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200 and len(listed.context["table"].rows) == 3


def test_figures_only_for_the_leadership_viewer(client, tree, make_user, briefing):
    client.force_login(make_user("leadership_viewer", tree.district))
    resp = client.get(f"/briefing/{briefing.pk}/")
    body = resp.content.decode()
    assert resp.status_code == 200 and 'data-key="observation.running"' in body
    assert "/observation/orders/" not in body  # a figure, not a link that would answer 403
    assert client.get("/briefing/dashboard/").status_code == 200


def test_drill_down_to_a_streets_communities(client, tree, make_user, briefing):
    client.force_login(make_user("district_admin", tree.district))
    resp = client.get(f"/briefing/{briefing.pk}/?area={tree.street1.pk}")
    assert [a.pk for a in resp.context["rows"]] == [tree.a.community.pk, tree.b.community.pk]
    assert resp.context["tops"] == [tree.street1]


def test_a_user_outside_the_scope_gets_a_clear_message(client, tree, make_user):
    other = _with_values(tree.b.household)  # a briefing of community B only
    client.force_login(make_user("district_admin", tree.a.community))
    resp = client.get(f"/briefing/{other.pk}/")
    assert resp.status_code == 404
    assert "不涵盖您的辖区" in resp.content.decode()


def test_generate_page(client, tree, make_user):
    _order(tree.a.household)
    client.force_login(make_user("district_admin", tree.district))
    tomorrow = TODAY() + datetime.timedelta(days=1)
    resp = client.post("/briefing/generate/", {"date": tomorrow.isoformat()})
    assert resp.status_code == 400 and "尚未到来" in resp.content.decode()
    resp = client.post("/briefing/generate/", {"date": TODAY().isoformat(), "amend": "on"})
    assert resp.status_code == 400 and "请先生成" in resp.content.decode()
    resp = client.post("/briefing/generate/", {"date": TODAY().isoformat()})
    b = Briefing.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/briefing/{b.pk}/"
    _order(tree.c.household)
    check = client.get(f"/briefing/{b.pk}/check/").content.decode()
    assert 'id="diffs"' in check
    client.post("/briefing/generate/", {"date": TODAY().isoformat(), "amend": "on", "reason": "更正"})
    amended = Briefing.objects.get(version=2)
    page = client.get(f"/briefing/{amended.pk}/").content.decode()
    assert 'id="amended-note"' in page and 'class="was"' in page
    assert "均与原始记录一致" in client.get(f"/briefing/{amended.pk}/check/").content.decode()


def test_street_coordinator_generates_their_streets_briefing(client, tree, make_user):
    _order(tree.a.household)
    client.force_login(make_user("street_coordinator", tree.street1))
    client.post("/briefing/generate/", {"date": TODAY().isoformat()})
    assert Briefing.objects.get().area == tree.street1


def test_tasks_from_the_page(client, tree, make_user, briefing):
    user = make_user("leadership_viewer", tree.district)
    client.force_login(user)
    deadline = (TODAY() + datetime.timedelta(days=1)).isoformat()
    resp = client.post(
        f"/briefing/{briefing.pk}/items/add/",
        {"kind": "task", "text": "清理缺报名单", "area": tree.street1.pk, "deadline": deadline},
    )
    assert resp.status_code == 302
    item = Item.objects.get()
    assert (item.area, item.created_by) == (tree.street1, user)
    client.post(f"/briefing/items/{item.pk}/state/", {"state": "done"})
    item.refresh_from_db()
    assert item.state == "done"
    # another community's area is not a choice
    resp = client.post(
        f"/briefing/{briefing.pk}/items/add/",
        {"kind": "task", "text": "x", "area": 987654321, "deadline": deadline},
        follow=True,
    )
    assert Item.objects.count() == 1


def test_dashboard_reads_snapshots_only(client, tree, make_user, briefing, django_assert_max_num_queries):
    client.force_login(make_user("leadership_viewer", tree.district))
    with django_assert_max_num_queries(40):
        resp = client.get("/briefing/dashboard/")
    body = resp.content.decode()
    assert resp.status_code == 200 and 'id="dashboard-data"' in body and "briefing/dashboard.js" in body
    import json
    import re

    data = json.loads(re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', body).group(1))
    assert len(data["days"]) == 30
    running = next(c for c in data["charts"] if c["key"] == "observation")
    assert running["series"][0]["data"][-2:] == [1.0, 4.0]  # yesterday's and today's briefings
    assert running["bars"]["values"] == [3.0, 1.0]
    with django_assert_max_num_queries(12):  # the frozen briefing's rendering comes from the cache
        again = client.get("/briefing/dashboard/")

    def dash(r):
        text = r.content.decode()
        return text[text.index('id="dashboard"') : text.index("</main>")]

    assert dash(again) == dash(resp)
