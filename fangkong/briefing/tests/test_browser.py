"""The issue's browser test, on the demo data: generate today's briefing; the dashboard shows the same
figures as the PDF; a street's observation count opens a list of exactly that many orders; a record
corrected, the briefing regenerated as amended, and the difference marked."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.accounts.demo import demo_accounts_create
from fangkong.areas.models import Area
from fangkong.briefing.models import Briefing
from fangkong.core.testing import migrated_data_reload, pdf_facts
from fangkong.observation import services as obs
from fangkong.observation.models import OPEN_STATUSES, ObservationOrder

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "fangkong-demo-2020"


def _figure(locator) -> int:
    return int(locator.locator(".figure-value").first.inner_text().strip())


def test_briefing_on_the_demo(page, login, live_server):
    migrated_data_reload()
    call_command("seed_demo", scale="tiny", seed=1, stdout=io.StringIO())
    demo_accounts_create()
    today = timezone.localdate()
    Briefing.objects.filter(date=today).delete()  # the demo made today's: make it here, from the page

    login(page, "district_admin", DEMO_PASSWORD)
    page.goto("/briefing/generate/")
    page.fill("#id_date", today.isoformat())
    page.click("#generate-form button[type=submit]")
    page.wait_for_selector("#briefing")
    briefing = Briefing.objects.get(date=today)
    assert "截至" in page.locator("#as-of").inner_text()

    # The dashboard and the PDF tell the same figures, street by street.
    page.goto("/briefing/dashboard/")
    assert f"/briefing/{briefing.pk}/" in page.locator("#briefing-link").get_attribute("href")
    table = page.locator("#dash-table-observation")
    streets = {}
    for row in table.locator("tbody tr").all():
        name = row.locator("th").inner_text().strip()
        streets[name] = (
            row.get_attribute("data-area"),
            _figure(row.locator('[data-key="observation.running"]')),
        )
    assert len(streets) >= 2 and sum(n for _a, n in streets.values()) > 0
    whole = _figure(page.locator('#dash-observation .headline [data-key="observation.running"]'))
    assert whole == sum(n for _a, n in streets.values())
    pdf = page.context.request.get(f"/briefing/{briefing.pk}/briefing.pdf")
    assert pdf.status == 200
    text = pdf_facts(pdf.body())["text"]
    section = text[text.index("观察管理") :]  # the observation section of the PDF
    assert f"居家和集中观察{whole}人" in section.replace("\n", "")
    for name, (_area, n) in streets.items():
        m = re.search(re.escape(name) + r"\s*\n(\d+)", section)
        assert m and int(m.group(1)) == n, (name, n, section[:400])

    # A street's observation count opens the orders behind it: exactly that many.
    name, (area_id, count) = max(streets.items(), key=lambda kv: kv[1][1])
    table.locator(f'tr[data-area="{area_id}"] [data-key="observation.running"] a').click()
    page.wait_for_selector("#orders")
    assert "/observation/orders/" in page.url and f"area={area_id}" in page.url
    assert page.locator("#orders tbody tr").count() == count

    # A correction: one of those orders ended; the briefing amended shows the difference marked.
    street = Area.objects.get(pk=area_id)
    order = (
        ObservationOrder.objects.filter(area_path__startswith=street.path, status__in=OPEN_STATUSES)
        .exclude(start__gt=today)
        .order_by("pk")
        .first()
    )
    obs.order_end(actor=None, order=order, force=True, reason="录入错误，已解除")
    page.goto("/briefing/generate/")
    page.fill("#id_date", today.isoformat())
    page.check("#id_amend")
    page.fill("#id_reason", "更正观察人数")
    page.click("#generate-form button[type=submit]")
    page.wait_for_selector("#amended-note")
    cell = page.locator(f'#table-observation tr[data-area="{area_id}"] [data-key="observation.running"]')
    assert "amended" in cell.get_attribute("class")
    assert _figure(cell) == count - 1 and cell.locator(".was").inner_text().strip() == str(count)
    assert page.locator("#section-observation h2 .amended-note").count() == 1
    # the dashboard now reads the amended version
    page.goto("/briefing/dashboard/")
    row = page.locator(f'#dash-table-observation tr[data-area="{area_id}"]')
    assert _figure(row.locator('[data-key="observation.running"]')) == count - 1
