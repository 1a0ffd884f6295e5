"""wp2's figures (per street and type, the briefing section), API, workbench lines and the scan command."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fangkong.core import workbench
from fangkong.core.figures import section
from fangkong.workplaces import figures, services
from fangkong.workplaces.models import MissingReportAlert, ZeroReport

from .factories_reports import wp_workplace

pytestmark = pytest.mark.django_db


@pytest.fixture
def street(tree, make_user):
    return make_user("street_coordinator", tree.street1)


def _results(wp, failed=()):
    return {i["key"]: i["key"] not in failed for i in services.checklist_for(wp.type).items}


def test_street_type_figures_count_and_stay_in_scope(street, tree):
    a = wp_workplace(tree.a.community, type="factory", staff_count=10, dense=True)
    wp_workplace(tree.b.community, type="factory")
    wp_workplace(tree.a.community, type="barber")
    wp_workplace(tree.c.community, type="factory")  # another street
    services.zero_report_file(actor=street, workplace=a, staff_on_site=9)  # 90% > 50%: a violation
    services.inspection_record(
        actor=street, workplace=a, results=_results(a, failed=("canteen",)), responsible="甲"
    )
    data = figures.street_type_figures(viewer=street)
    rows = {(r["street"], r["type"]): r for r in data["rows"]}
    assert set(rows) == {("卢沟桥街道", "factory"), ("卢沟桥街道", "barber")}
    f = rows[("卢沟桥街道", "factory")]
    assert (f["open"], f["reporting"], f["missing"], f["ledger_open"]) == (2, 1, 1, 1)
    assert f["violations"] == {"workplace.onsite.max_ratio": 1}
    assert data["totals"]["open"] == 3


def test_briefing_section_by_community(street, tree):
    a = wp_workplace(tree.a.community, staff_count=10, dense=True)
    wp_workplace(tree.a.community)
    services.zero_report_file(actor=street, workplace=a, staff_on_site=9)
    out = section("workplaces").compute(
        timezone.now() + datetime.timedelta(hours=1), [tree.a.community, tree.b.community]
    )
    assert out[tree.a.community.pk] == {"open": 2, "reporting": 1, "missing": 1, "in_violation": 1}
    assert out[tree.b.community.pk] == {"missing": 0}


def test_api_files_and_refuses_bad_input(api, street, tree):
    wp = wp_workplace(tree.a.community, staff_count=5)
    c = api.as_user(street)
    url = "/api/workplaces/zero-reports/"
    ok = c.post(
        url,
        {"workplace": wp.pk, "staff_on_site": 3, "absentees": [{"name": "甲", "symptoms": ["fever"]}]},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["absent_sick"] == 1
    bad = c.post(
        url,
        {"workplace": wp.pk, "staff_on_site": 5, "absentees": [{"name": "乙", "symptoms": ["fever"]}]},
        format="json",
    )
    assert bad.status_code == 400
    other = wp_workplace(tree.c.community)
    hidden = c.post(url, {"workplace": other.pk, "staff_on_site": 1}, format="json")
    assert hidden.status_code == 400 and not ZeroReport.objects.filter(workplace=other).exists()
    assert c.get("/api/workplaces/zero-reports/figures/").status_code == 200
    assert ZeroReport.objects.get(workplace=wp).revision == 1


def test_workbench_lines_match_their_lists(client, street, tree, make_user):
    contact = make_user("workplace_contact", tree.street1)
    mine = wp_workplace(tree.a.community, safety_contact_user=contact)
    wp_workplace(tree.a.community)  # not theirs
    lines = {line.kind.key: line for line in workbench.workbench(contact)}
    assert lines["workplaces.zero_report_due"].count == 1
    client.force_login(contact)
    listing = client.get(lines["workplaces.zero_report_due"].url).content.decode()
    assert mine.name in listing
    assert client.get(reverse("home")).url == reverse("workplaces:my-report")
    services.zero_report_file(actor=contact, workplace=mine, staff_on_site=1)
    assert "workplaces.zero_report_due" not in {line.kind.key for line in workbench.workbench(contact)}


def test_scan_command_is_idempotent(street, tree):
    wp_workplace(tree.a.community)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    call_command("workplaces_reports_scan", "--date", yesterday.isoformat())
    call_command("workplaces_reports_scan", "--date", yesterday.isoformat())
    assert MissingReportAlert.objects.filter(date=yesterday).count() == 1
