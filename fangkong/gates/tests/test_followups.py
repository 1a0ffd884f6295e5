"""The follow-up queue of people refused at the gate: worked from the page, step by step (issue 9/10)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from fangkong.core.models import ChangeLog
from fangkong.gates import services
from fangkong.gates.models import FollowUp
from fangkong.gates.tests.factories import make_gate, resident


def _refused(tree):
    from fangkong.core.testing import migrated_data_reload
    from fangkong.people.models import Person

    # Transactional tests may find the database flushed by an earlier one: policies come back first.
    migrated_data_reload()

    gate = make_gate(tree.a.community)
    person, number = resident(tree.a.household, return_status=Person.Return.NOT_RETURNED, name="赵返京")
    services.scan_record(actor=None, place=gate, code=number)
    return FollowUp.objects.get(person=person)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_followup_update_outside_a_transaction(tree, make_user):
    """Issue 9: select_for_update outside a transaction. Without ATOMIC_REQUESTS a view calls the service
    in autocommit mode; the service must open its own transaction."""
    fu = _refused(tree)
    worker = make_user("community_worker", tree.a.community)
    done = services.followup_update(actor=worker, followup=fu, status="contacted", notes="电话房东")
    assert done.status == "contacted" and done.contacted_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_followup_worked_from_the_page(client, tree, make_user):
    """Landlord called → home inspected → closed, with the page's own buttons; each step dated, logged
    and shown in the list."""
    fu = _refused(tree)
    client.force_login(make_user("community_worker", tree.a.community))
    page = client.get("/gates/follow-ups/").content.decode()
    assert f'action="/gates/follow-ups/{fu.pk}/update/"' in page and 'value="contacted"' in page
    for step, note in (("contacted", "房东已接电话"), ("inspected", "已入户查看"), ("closed", "已报备")):
        resp = client.post(f"/gates/follow-ups/{fu.pk}/update/", {"status": step, "notes": note})
        assert resp.status_code == 302
        fu.refresh_from_db()
        assert fu.status == step and note in fu.notes
    assert fu.contacted_at <= fu.inspected_at <= fu.closed_at
    logged = ChangeLog.objects.filter(object_id=str(fu.pk), message__startswith="follow-up:")
    with translation.override("en"):
        assert sorted(c.message_text() for c in logged) == [
            "follow-up: closed",
            "follow-up: home inspected",
            "follow-up: landlord contacted",
        ]
    page = client.get("/gates/follow-ups/").content.decode()
    assert timezone.localtime(fu.closed_at).strftime("%Y-%m-%d %H:%M") in page and "已入户查看" in page
    assert f'action="/gates/follow-ups/{fu.pk}/update/"' not in page  # closed: no more steps offered


@pytest.mark.django_db
def test_followup_does_not_step_back(tree, make_user):
    fu = _refused(tree)
    services.followup_update(actor=None, followup=fu, status="closed")
    with pytest.raises(ValidationError):
        services.followup_update(actor=None, followup=fu, status="contacted")
    fu.refresh_from_db()
    assert fu.status == "closed" and fu.contacted_at is None


@pytest.mark.django_db
def test_followup_step_through_the_api(api, tree, make_user):
    fu = _refused(tree)
    api.as_user(make_user("community_worker", tree.a.community))
    resp = api.patch(
        f"/api/gates/follow-ups/{fu.pk}/", {"status": "inspected", "notes": "入户"}, format="json"
    )
    body = resp.json()
    assert body["status"] == "inspected" and body["inspected_at"] and body["contacted_at"] is None
    back = api.patch(f"/api/gates/follow-ups/{fu.pk}/", {"status": "open"}, format="json")
    assert back.status_code == 400 and "status" in back.json()
