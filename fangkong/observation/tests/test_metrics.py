"""Alerts on /metrics: raised (counter, by kind) and still open (gauge read at scrape time)."""

import pytest
from django.utils import timezone

from fangkong.core.tests.scrape import sample, scrape
from fangkong.observation import services
from fangkong.observation.models import Alert
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

CREATED = "fangkong_alerts_created_total"
OPEN = "fangkong_alerts_open"


def test_alert_counters_follow_the_service_calls(client, tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    orders = [
        services.order_create(
            actor=worker,
            person=make_person(tree.a.household),
            order_type="home",
            reason="returnee",
            source="gates.ReturneeNotice:1",
        )
        for _ in range(2)
    ]
    text = scrape(client)
    fever, missing = (sample(text, CREATED, app="observation", kind=k) for k in ("fever", "missing_report"))
    assert sample(text, OPEN, app="observation", kind="fever") == 0

    services.report_submit(actor=None, order=orders[0], temperature="37.8")
    services.report_submit(actor=None, order=orders[0], temperature="38.0")  # one fever alert a day
    noon = timezone.localtime().replace(hour=12, minute=5)
    assert services.alerts_scan(at=noon) == 1  # orders[1] has no report today
    text = scrape(client)
    assert sample(text, CREATED, app="observation", kind="fever") == fever + 1
    assert sample(text, CREATED, app="observation", kind="missing_report") == missing + 1
    assert sample(text, OPEN, app="observation", kind="fever") == 1
    assert sample(text, OPEN, app="observation", kind="missing_report") == 1

    Alert.objects.filter(kind="fever").update(status=Alert.Status.CLOSED)
    assert sample(scrape(client), OPEN, app="observation", kind="fever") == 0
