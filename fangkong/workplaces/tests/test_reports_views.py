"""wp2's pages over real HTTP (Django test client): the phone link, the workbench filing, lists,
inspections and the ledger — including forged links and bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.workplaces import services
from fangkong.workplaces.models import LedgerItem, ZeroReport

from .factories_reports import wp_workplace

pytestmark = pytest.mark.django_db


@pytest.fixture
def street(tree, make_user):
    return make_user("street_coordinator", tree.street1)


@pytest.fixture
def wp(tree):
    return wp_workplace(tree.a.community, staff_count=20)


def _client(client, user):
    client.force_login(user)
    return client


def _report_post(on_site=8, name="王小明", symptoms=("fever",)):
    data = {
        "staff_total": 20,
        "staff_on_site": on_site,
        "arrivals_outside": 1,
        "temperature_checked": "on",
        "disinfected": "on",
        "note": "",
        "absent_0_name": name,
        "absent_0_phone": "",
    }
    if symptoms:
        data["absent_0_symptoms"] = list(symptoms)
    return data


def test_phone_link_files_and_amends_without_login(client, street, wp):
    link = services.report_link_create(actor=street, workplace=wp)
    url = reverse("workplaces:report-public", args=[link.token])
    page = client.get(url)
    assert page.status_code == 200 and wp.name in page.content.decode()
    resp = client.post(url, _report_post())
    assert resp.status_code == 200 and 'id="thanks"' in resp.content.decode()
    r = ZeroReport.objects.get(workplace=wp)
    assert (r.staff_on_site, r.absent_sick, r.channel, r.filed_by) == (8, 1, "link", None)
    client.post(url, _report_post(on_site=9))
    r.refresh_from_db()
    assert r.revision == 2 and r.staff_on_site == 9
    # the street sees the amended report with its history, and observation's sick-leave list the absence
    c = _client(client, street)
    detail = c.get(reverse("workplaces:zeroreport-detail", args=[r.pk])).content.decode()
    assert 'id="revisions"' in detail and "王小明" in detail
    sick = c.get(reverse("observation:sickleave-list")).content.decode()
    assert "王小明" in sick


def test_forged_and_expired_links_say_so(client, street, wp):
    forged = client.get(reverse("workplaces:report-public", args=["nonsense-token"]))
    assert forged.status_code == 404 and 'id="link-invalid"' in forged.content.decode()
    link = services.report_link_create(actor=street, workplace=wp)
    link.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    link.save()
    url = reverse("workplaces:report-public", args=[link.token])
    expired = client.post(url, _report_post())
    assert expired.status_code == 410 and 'id="link-expired"' in expired.content.decode()
    assert not ZeroReport.objects.exists()


def test_bad_report_shows_the_error_and_writes_nothing(client, street, wp):
    link = services.report_link_create(actor=street, workplace=wp)
    url = reverse("workplaces:report-public", args=[link.token])
    resp = client.post(url, _report_post(on_site=20))  # 20 on site + 1 absent > 20 staff
    assert resp.status_code == 400 and "errorlist" in resp.content.decode()
    resp = client.post(url, _report_post(symptoms=()))  # an absent person without symptoms
    assert resp.status_code == 400
    resp = client.post(url, {**_report_post(), "staff_on_site": "many"})
    assert resp.status_code == 400
    assert not ZeroReport.objects.exists()


def test_contact_lands_on_their_report_page(client, tree, make_user, wp):
    contact = make_user("workplace_contact", tree.street1)
    wp.safety_contact_user = contact
    wp.save()
    c = _client(client, contact)
    resp = c.get(reverse("workplaces:my-report"))
    assert resp.status_code == 200 and wp.name in resp.content.decode()
    assert c.post(reverse("workplaces:my-report"), _report_post()).status_code == 200
    assert ZeroReport.objects.get(workplace=wp).filed_by == contact
    other = wp_workplace(tree.a.community)
    assert c.get(reverse("workplaces:report-file", args=[other.pk])).status_code == 404


def test_other_street_meets_404(client, tree, make_user, street, wp):
    r = services.zero_report_file(actor=street, workplace=wp, staff_on_site=3)
    c = _client(client, make_user("street_coordinator", tree.street2))
    assert c.get(reverse("workplaces:zeroreport-detail", args=[r.pk])).status_code == 404
    assert c.get(reverse("workplaces:inspection-add", args=[wp.pk])).status_code == 404
    listing = c.get(reverse("workplaces:zeroreport-list")).content.decode()
    assert wp.name not in listing


def _inspection_post(wp, failed=(), **extra):
    checklist = services.checklist_for(wp.type)
    data = {f"item_{i['key']}": "fail" if i["key"] in failed else "pass" for i in checklist.items}
    data.update({"responsible": "张经理", "note": "", **extra})
    return data


def test_inspection_then_reinspection_closes_the_ledger_item(client, street, wp):
    c = _client(client, street)
    url = reverse("workplaces:inspection-add", args=[wp.pk])
    assert c.get(url).status_code == 200
    resp = c.post(url, _inspection_post(wp, failed=("canteen",), finding_canteen="未分餐", key="a1"))
    assert resp.status_code == 302
    item = LedgerItem.objects.get(workplace=wp)
    assert item.finding == "未分餐" and item.status == "open"
    assert c.post(url, _inspection_post(wp, failed=("canteen",), key="a1")).status_code == 302
    assert LedgerItem.objects.count() == 1  # the retried submission is the same inspection
    ledger = c.get(reverse("workplaces:ledger-list") + "?open=true").content.decode()
    assert "未分餐" in ledger
    c.post(url, _inspection_post(wp, key="a2"))
    item.refresh_from_db()
    assert item.status == "closed"


def test_inspection_bad_input(client, street, wp):
    c = _client(client, street)
    url = reverse("workplaces:inspection-add", args=[wp.pk])
    data = _inspection_post(wp)
    data.pop(next(iter(data)))  # one item left unmarked
    assert c.post(url, data).status_code == 400
    half_room = _inspection_post(wp, room_number="101", dormitory="一号宿舍")
    assert c.post(url, half_room).status_code == 400
    too_many = _inspection_post(
        wp, dormitory="一号宿舍", room_number="101", floor_area="20", occupants="8", beds="6"
    )
    resp = c.post(url, too_many)
    assert resp.status_code == 400 and "errorlist" in resp.content.decode()
    negative = _inspection_post(wp, dormitory="一号宿舍", room_number="101", floor_area="-3", occupants="2")
    assert c.post(url, negative).status_code == 400
    assert not LedgerItem.objects.exists() and not wp.inspections.exists()


def test_ledger_extend_needs_reason(client, street, wp):
    services.inspection_record(
        actor=street,
        workplace=wp,
        results={i["key"]: i["key"] != "canteen" for i in services.checklist_for(wp.type).items},
        responsible="张经理",
    )
    item = LedgerItem.objects.get()
    c = _client(client, street)
    url = reverse("workplaces:ledger-extend", args=[item.pk])
    later = (item.deadline + datetime.timedelta(days=3)).isoformat()
    assert c.post(url, {"deadline": later, "reason": ""}).status_code == 400
    assert c.post(url, {"deadline": "2020-13-45", "reason": "x"}).status_code == 400
    assert c.post(url, {"deadline": later, "reason": "设备未到"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "extended"


@pytest.mark.parametrize(
    "name",
    [
        "workplaces:zeroreport-list",
        "workplaces:missing-list",
        "workplaces:reportlink-list",
        "workplaces:inspection-list",
        "workplaces:ledger-list",
        "workplaces:checklist-list",
    ],
)
def test_lists_render(client, street, wp, name):
    services.zero_report_file(actor=street, workplace=wp, staff_on_site=3)
    assert _client(client, street).get(reverse(name)).status_code == 200


def test_report_link_create_and_qr(client, street, wp):
    c = _client(client, street)
    resp = c.post(reverse("workplaces:reportlink-add"), {"workplace": wp.pk, "days": 30})
    assert resp.status_code == 302
    link = wp.report_links.get()
    assert c.get(reverse("workplaces:reportlink-qr", args=[link.pk]))["Content-Type"] == "image/svg+xml"
    c.post(reverse("workplaces:reportlink-revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_room_measured_on_inspection_shows_the_violation_with_its_source(client, street, wp):
    c = _client(client, street)
    url = reverse("workplaces:inspection-add", args=[wp.pk])
    data = _inspection_post(
        wp,
        failed=("dormitory",),
        dormitory="一号宿舍",
        room_number="101",
        floor_area="20",
        occupants="8",
        key="r1",
    )
    resp = c.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    page = c.get(resp.url).content.decode()
    # 8 people in 20 m²: 2.5 m² a person (< 4) and more than 6 in a room, each with the 通告's source
    assert 'id="violations"' in page and "001" in page
    rules = set(wp.violations.filter(resolved_at__isnull=True).values_list("rule", flat=True))
    assert rules == {"workplace.dormitory.min_area", "workplace.dormitory.max_per_room"}
    detail = c.get(reverse("workplaces:workplace-detail", args=[wp.pk])).content.decode()
    assert 'id="inspect"' in detail and 'id="file-report"' in detail
