"""Issue 9, one write path per rule: the rules of gates live in their services, so the page and the
API cannot disagree."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.gates import selectors, services
from fangkong.gates.models import Pass, ScanEvent
from fangkong.gates.tests.factories import make_gate, resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def gate_pass(tree):
    person, _ = resident(tree.a.household)
    return person.gate_passes.get()


def test_revoke_needs_a_reason_in_the_service(gate_pass):
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            services.pass_revoke(actor=None, pass_obj=gate_pass, reason=reason)
        assert "reason" in exc.value.message_dict
    assert Pass.objects.get(pk=gate_pass.pk).revoked_at is None


def test_revoke_page_and_api_agree_on_the_reason(client, api, tree, make_user, gate_pass):
    worker = make_user("community_worker", tree.a.community)
    client.force_login(worker)
    resp = client.post(reverse("gates:pass-revoke", args=[gate_pass.pk]), {"reason": " "}, follow=True)
    assert "请填写原因" in resp.content.decode()
    assert Pass.objects.get(pk=gate_pass.pk).revoked_at is None
    api.as_user(worker)
    assert (
        api.post(f"/api/gates/passes/{gate_pass.pk}/revoke/", {"reason": ""}, format="json").status_code
        == 400
    )
    assert Pass.objects.get(pk=gate_pass.pk).revoked_at is None
    client.post(reverse("gates:pass-revoke", args=[gate_pass.pk]), {"reason": "搬离"})
    revoked = Pass.objects.get(pk=gate_pass.pk)
    assert revoked.revoked_at is not None and revoked.revoke_reason == "搬离"


def test_self_registration_name_and_id_must_match_in_the_service(tree):
    gate = make_gate(tree.a.community)
    person, number = resident(tree.a.household, name="王小明")
    _scan, res, found = services.scan_self_register(place=gate, name="李四", id_number=number)
    assert found is None and res.verdict["result"] == "deny"
    _scan, res, found = services.scan_self_register(place=gate, name=" 王小明 ", id_number=number)
    assert found == person and res.verdict["result"] == "allow"
    assert list(
        ScanEvent.objects.filter(entry="self").values_list("person_id", flat=True).order_by("id")
    ) == [
        None,
        person.pk,
    ]


def test_self_registration_page_uses_the_rule(client, tree):
    gate = make_gate(tree.a.community)
    code = services.place_code_rotate(actor=None, place=gate)
    _person, number = resident(tree.a.household, name="王小明")
    url = reverse("gates:self-register", args=[selectors.place_token(code)])
    html = client.post(url, {"name": "李四", "id_number": number, "direction": "in"}).content.decode()
    assert 'data-result="deny"' in html and "王小明" not in html
