"""Issue 10: the discharge certificate names the policy it rests on, not its key."""

import datetime

import pytest
from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core.testing import pdf_facts
from fangkong.observation import services
from fangkong.people.tests.factories import make_person
from fangkong.policies.models import PolicyDefinition

pytestmark = pytest.mark.django_db


def test_certificate_names_the_policy_in_chinese(client, tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    site = Place.objects.create(area=tree.a.community, kind="observation_site", name="观察点")
    services.room_create(actor=worker, site=site, number="301", floor=3, capacity=2)
    order = services.order_create(
        actor=worker,
        person=make_person(tree.a.household, name="依据者"),
        order_type="centralized",
        reason="close_contact",
        start=timezone.localdate() - datetime.timedelta(days=3),
    )
    stay = services.stay_check_in(actor=worker, order=order, site=site)
    client.force_login(worker)
    client.post(f"/observation/stays/{stay.pk}/discharge/", {"reason": "转院", "force": "1"})
    order.refresh_from_db()
    text = pdf_facts(client.get(f"/observation/stays/{stay.pk}/certificate.pdf").content)["text"]
    name = PolicyDefinition.objects.get(key=order.policy_key).name_zh
    assert f"依据：{name} 第{order.policy_version}版" in text
    assert order.policy_key not in text


def test_order_without_a_policy_in_force_names_the_policy(client, tree, make_user):
    from fangkong.observation import policy as opolicy
    from fangkong.observation.models import ObservationOrder
    from fangkong.policies.models import Policy

    key = opolicy.days_key("home", "returnee")
    Policy.objects.filter(definition__key=key).delete()
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.post(
        "/observation/orders/add/",
        {
            "person": make_person(tree.a.household).pk,
            "order_type": "home",
            "reason": "returnee",
            "start": str(timezone.localdate()),
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = resp.content.decode()
    assert resp.status_code == 400
    assert PolicyDefinition.objects.get(key=key).name_zh in html, resp.context["form"].errors
    assert key not in html
    assert not ObservationOrder.objects.exists()
