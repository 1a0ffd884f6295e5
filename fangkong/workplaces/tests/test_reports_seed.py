"""The demo's daily reports, inspections and ledger, through the services."""

import random
from types import SimpleNamespace

import pytest

from fangkong.workplaces.models import Inspection, LedgerItem, MissingReportAlert, ZeroReport
from fangkong.workplaces.seed_reports import seed_activity

from .factories_reports import wp_workplace

pytestmark = pytest.mark.django_db


def test_seed_activity_populates_reports_missing_and_every_ledger_state(tree):
    for area in (tree.a.community, tree.b.community):
        for t in ("supermarket", "restaurant", "construction_site", "factory", "barber"):
            wp_workplace(area, type=t, staff_count=30, safety_contact_name="联络员", dense=t == "factory")
    seed_activity(SimpleNamespace(rng=random.Random(1)))
    assert ZeroReport.objects.count() > 20
    assert MissingReportAlert.objects.exists()
    assert ZeroReport.objects.filter(absent_sick__gt=0).exists()
    statuses = set(LedgerItem.objects.values_list("status", flat=True))
    assert statuses == {"open", "closed", "extended"}
    assert LedgerItem.objects.filter(escalated_at__isnull=False).exists()  # overdue ones escalated
    assert Inspection.objects.count() == 2 + 4 + 2
