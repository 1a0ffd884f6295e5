"""The discharge certificate states what happened (issue 10): real dates, recorded results, the reason."""

import datetime

import pytest
from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core.pdf import EMBEDDED, cjk_font
from fangkong.core.testing import pdf_facts
from fangkong.observation import services
from fangkong.observation.models import Stay
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(tree, make_user):
    return make_user("community_worker", tree.a.community)


def _stay(worker, tree, *, days_ago: int, name: str):
    site = Place.objects.create(area=tree.a.community, kind="observation_site", name="观察点")
    services.room_create(actor=worker, site=site, number="301", floor=3, capacity=2)
    order = services.order_create(
        actor=worker,
        person=make_person(tree.a.household, name=name),
        order_type="centralized",
        reason="close_contact",
        start=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    return services.stay_check_in(actor=worker, order=order, site=site)


def _certificate(client, worker, stay) -> str:
    client.force_login(worker)
    resp = client.get(f"/observation/stays/{stay.pk}/certificate.pdf")
    assert resp["Content-Type"] == "application/pdf"
    facts = pdf_facts(resp.content)
    if cjk_font() == EMBEDDED:
        assert facts["fonts"] and all(facts["fonts"].values())
    return facts["text"]


def test_completed_observation_says_completed_with_its_dates_and_results(client, worker, tree):
    stay = _stay(worker, tree, days_ago=20, name="完成者")
    order = stay.order
    tests = list(order.tests.order_by("day"))
    assert tests and order.planned_end <= timezone.localdate()
    for t in tests:
        services.test_result_set(actor=worker, test=t, result="negative")
    client.force_login(worker)
    client.post(f"/observation/stays/{stay.pk}/discharge/", {"reason": ""})
    stay.refresh_from_db()
    order.refresh_from_db()
    text = _certificate(client, worker, stay)
    end = timezone.localtime(order.ended_at).date()
    assert f"观察期：{order.start:%Y年%m月%d日} 至 {end:%Y年%m月%d日}" in text
    assert f"计划至 {order.planned_end:%Y年%m月%d日}" in text
    for t in tests:
        assert f"第{t.day}天（应检 {t.due_date:%Y-%m-%d}）：阴性" in text
    assert "已按规定完成集中观察" in text and "提前解除" not in text and "解除原因" not in text


def test_forced_early_discharge_states_the_facts_and_the_reason(client, worker, tree):
    stay = _stay(worker, tree, days_ago=3, name="提前者")
    order = stay.order
    tests = list(order.tests.order_by("day"))
    client.force_login(worker)
    # Without force the discharge is refused and nothing is numbered.
    client.post(f"/observation/stays/{stay.pk}/discharge/", {"reason": ""})
    stay.refresh_from_db()
    assert stay.outcome == Stay.Outcome.STAYING and not stay.certificate_number
    client.post(f"/observation/stays/{stay.pk}/discharge/", {"reason": "经专家会商转居家观察", "force": "1"})
    stay.refresh_from_db()
    order.refresh_from_db()
    assert stay.certificate_number
    text = _certificate(client, worker, stay)
    end = timezone.localtime(order.ended_at).date()
    assert end < order.planned_end
    assert f"观察期：{order.start:%Y年%m月%d日} 至 {end:%Y年%m月%d日}" in text
    assert tests and all(f"第{t.day}天（应检 {t.due_date:%Y-%m-%d}）：未出结果" in text for t in tests)
    assert "提前解除集中观察" in text and "经专家会商转居家观察" in text.replace("\n", "")
    assert "完成集中观察" not in text and "均为阴性" not in text
