import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.models import ChangeLog
from fangkong.support import selectors, services
from fangkong.support.models import DoorKnock, Escalation, Request, RequestState, Team


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English here (the default language is Chinese)."""
    from django.utils import translation

    translation.activate("en")
    yield


def test_declare_opens_seven_teams_and_counts_people(closed):
    c = closed.closure
    assert Team.objects.filter(closure=c).count() == 7
    assert c.affected == 1 and c.unreachable == 0 and c.vulnerable == 0
    assert c.policy_versions["support.deadline_hours.medicine"] == 1
    assert "当天送达" in c.policy_source
    assert ChangeLog.objects.filter(object_id=str(c.pk), message__startswith="closure declared").exists()


def test_an_area_cannot_be_closed_twice(closed):
    with pytest.raises(ValidationError, match="already inside an open closure"):
        services.closure_declare(actor=None, area=closed.tree.a.building, reason="again")


def test_medicine_request_is_due_the_same_day_and_goes_through_its_steps(closed):
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="resident", note="硝苯地平"
    )
    local = timezone.localtime(req.deadline)
    assert local.date() == timezone.localdate() and (local.hour, local.minute) == (23, 59)
    assert req.state == RequestState.NEW
    services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    # the steps follow the medicine line: buying before collecting the card is refused
    with pytest.raises(ValidationError, match="First record"):
        services.step_record(actor=closed.runner_user, request=req, step="purchased")
    for step in ("card_collected", "purchased", "delivered"):
        res = services.step_record(actor=closed.runner_user, request=req, step=step)
        assert res.created
    req.refresh_from_db()
    assert req.state == RequestState.DELIVERED and req.delivered_at
    assert [s.step for s in req.steps.all()] == ["registered", "card_collected", "purchased", "delivered"]
    assert all(s.signed == closed.runner.name for s in req.steps.exclude(step="registered"))
    # a delivery confirmed twice is a no-op with a message
    again = services.step_record(actor=closed.runner_user, request=req, step="delivered")
    assert not again.created and "already recorded" in again.message
    assert req.steps.filter(step="delivered").count() == 1
    req, done = services.request_confirm(actor=None, request=req, rating=5)
    assert done and req.state == RequestState.CONFIRMED and req.rating == 5
    _, done = services.request_confirm(actor=None, request=req)
    assert not done


def test_a_runner_acting_on_someone_elses_task_is_refused(closed, make_user):
    other_user = make_user("grid_member", closed.tree.a.community, username="other")
    services.team_member_add(actor=None, team=closed.closure.teams.get(kind="parcels"), user=other_user)
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    with pytest.raises(PermissionDenied, match=closed.runner.name):
        services.step_record(actor=other_user, request=req, step="card_collected")
    assert req.steps.count() == 1


def test_client_id_makes_filing_idempotent(closed):
    a = services.request_create(
        actor=None, household=closed.tree.a.household, kind="groceries", source="resident", client_id="abc-1"
    )
    b = services.request_create(
        actor=None, household=closed.tree.a.household, kind="groceries", source="resident", client_id="abc-1"
    )
    assert a.pk == b.pk and Request.objects.count() == 1


def test_a_retry_after_the_closure_ended_gets_the_request_already_filed(closed):
    a = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="resident", client_id="abc-2"
    )
    services.closure_end(actor=closed.lead, closure=closed.closure, reason="解封")
    b = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="resident", client_id="abc-2"
    )
    assert a.pk == b.pk and Request.objects.count() == 1
    with pytest.raises(ValidationError, match="not inside an open closure"):
        services.request_create(
            actor=None, household=closed.tree.a.household, kind="medicine", source="resident", client_id="x-3"
        )


def test_a_new_filing_reads_closure_and_vulnerability_in_one_query(closed, django_assert_num_queries):
    """The phone page's filing under load (issue 23): closure + vulnerability, deadline policy, the request
    (in a savepoint), its step and its change-log row, and the transaction around them (vulnerability:
    test_vulnerable_household_comes_first)."""
    household = closed.tree.a.household
    services.request_create(actor=None, household=household, kind="medicine", source="resident")  # warm
    with django_assert_num_queries(7):  # SAVEPOINT + RELEASE (the test's transaction), 2 SELECTs, 3 INSERTs
        plain = services.request_create(
            actor=None, household=household, kind="medicine", source="resident", client_id="q-1"
        )
    assert (plain.vulnerable, plain.priority, plain.client_id) == (False, 2, "q-1")
    assert plain.steps.count() == 1


def test_urgent_medical_escalates_at_once_to_duty_phone_and_medical_lead(closed):
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="urgent_medical", source="phone"
    )
    targets = set(Escalation.objects.filter(request=req).values_list("target", flat=True))
    assert targets == {"duty_phone", "medical_lead"}
    assert Escalation.objects.get(request=req, target="duty_phone").contact == "010-63800000"
    assert req.priority == 0 and req.urgent


def test_overdue_requests_escalate_once_to_the_team_lead(closed):
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    later = req.deadline + datetime.timedelta(minutes=1)
    assert services.requests_escalate_overdue(at=later) == 1
    assert services.requests_escalate_overdue(at=later) == 0
    e = Escalation.objects.get(request=req, why="overdue")
    assert e.target == "team_lead" and closed.lead_member.name in e.contact


def test_vulnerable_household_comes_first(closed):
    from fangkong.people import services as people

    plain = services.request_create(
        actor=None, household=closed.tree.a.household, kind="groceries", source="phone"
    )
    people.vulnerable_entry_create(actor=None, person=closed.person, category="elderly_alone")
    vul = services.request_create(
        actor=None, household=closed.tree.a.household, kind="groceries", source="phone"
    )
    assert vul.vulnerable and not plain.vulnerable
    data = selectors.board(viewer=closed.lead, closure=closed.closure)
    rows = data["buildings"][0]["requests"]
    assert [r.pk for r in rows][:2] == [vul.pk, plain.pk]


def test_closure_ended_with_open_requests_keeps_them_and_they_can_be_reassigned(closed):
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="rubbish", source="phone"
    )
    assert services.closure_end(actor=closed.lead, closure=closed.closure, reason="解封") == 1
    req.refresh_from_db()
    assert req.state == RequestState.NEW
    services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    assert Request.objects.get(pk=req.pk).assignee_id == closed.runner.pk
    with pytest.raises(ValidationError, match="has ended"):
        services.request_create(
            actor=None,
            household=closed.tree.a.household,
            kind="rubbish",
            source="phone",
            closure=closed.closure,
        )
    with pytest.raises(ValidationError, match="already ended"):
        services.closure_end(actor=closed.lead, closure=closed.closure)


def test_batch_a_building_to_one_runner(closed):
    for kind in ("groceries", "parcels", "rubbish"):
        services.request_create(actor=None, household=closed.tree.a.household, kind=kind, source="phone")
    batch = services.batch_assign(
        actor=closed.lead, closure=closed.closure, building=closed.tree.a.building, member=closed.runner
    )
    assert batch.requests.count() == 3
    assert set(selectors.runner_tasks(user=closed.runner_user)) == set(batch.requests.all())


def test_runner_sync_is_idempotent_and_rejects_items_one_by_one(closed):
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    items = [
        {"client_id": "c1", "request": req.pk, "action": "card_collected"},
        {"client_id": "c2", "request": req.pk, "action": "nonsense"},
        {"client_id": "c3", "request": 999999, "action": "purchased"},
        {"client_id": "c4", "request": req.pk, "action": "failed", "reason": "无人在家"},
    ]
    res = services.runner_sync(actor=closed.runner_user, items=items)
    assert [r["status"] for r in res] == ["ok", "rejected", "rejected", "ok"]
    again = services.runner_sync(actor=closed.runner_user, items=items)
    assert [r["status"] for r in again] == ["duplicate", "rejected", "rejected", "duplicate"]
    assert req.steps.count() == 2 and req.attempts.count() == 1


def test_needs_of_an_observation_report_become_support_requests(closed):
    from fangkong.observation import services as obs

    order = obs.order_create(
        actor=None,
        person=closed.person,
        order_type="home",
        reason="secondary_contact",
        source="test",
        start=timezone.localdate(),
    )
    report = obs.report_submit(actor=None, order=order, temperature="36.5", needs=["food", "medicine"])
    made = Request.objects.filter(source="observation", source_ref=f"observation.HealthReport:{report.pk}")
    assert sorted(made.values_list("kind", flat=True)) == ["groceries", "medicine"]
    report.refresh_from_db()
    assert report.needs_done


def test_door_knock_list_and_findings_become_requests(closed):
    from fangkong.areas import services as areas

    areas.area_create(actor=None, parent=closed.tree.a.entrance, name="102室", level="household")
    assert services.knock_list_generate(actor=closed.lead, closure=closed.closure) == 2
    assert services.knock_list_generate(actor=closed.lead, closure=closed.closure) == 0
    empty = DoorKnock.objects.get(area__name="102室")
    assert empty.no_phone and empty.priority == 1  # nobody with a phone there: visited first
    knock, made = services.knock_record(
        actor=closed.lead, knock=empty, outcome="needs", needs=["groceries", "rubbish"]
    )
    assert len(made) == 2 and all(r.source == "door_knock" for r in made)
    with pytest.raises(ValidationError):
        services.knock_record(actor=closed.lead, knock=empty, outcome="needs", needs=[])


def test_supplies_stock_and_shortage(closed):
    from fangkong.areas.models import Place

    cp = Place.objects.create(area=closed.tree.a.community, kind=Place.Kind.CHECKPOINT, name="东门卡口")
    closed.closure.checkpoints.add(cp)
    services.lot_receive(actor=closed.lead, closure=closed.closure, checkpoint=cp, item="蔬菜包", quantity=10)
    services.distribute(
        actor=closed.lead,
        closure=closed.closure,
        checkpoint=cp,
        building=closed.tree.a.building,
        item="蔬菜包",
        quantity=7,
    )
    with pytest.raises(ValidationError, match="Only 3"):
        services.distribute(
            actor=closed.lead,
            closure=closed.closure,
            checkpoint=cp,
            building=closed.tree.a.building,
            item="蔬菜包",
            quantity=4,
        )
    [row] = selectors.stock(closed.closure)
    assert (row["received"], row["distributed"], row["left"]) == (10, 7, 3)


def test_closure_figures_follow_the_requests(closed):
    day = timezone.localdate()
    f0 = selectors.closure_figures(closed.closure, day)
    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    services.request_assign(actor=closed.lead, request=req, member=closed.runner)
    for step in ("card_collected", "purchased", "delivered"):
        services.step_record(actor=closed.runner_user, request=req, step=step)
    f1 = selectors.closure_figures(closed.closure, day)
    assert f1["medicine_orders"] == f0["medicine_orders"] + 1
    assert f1["delivered"] == 1 and f1["same_day_share"] == 1.0 and f1["median_minutes"] is not None
    assert f1["by_state"]["delivered"] == 1


def test_briefing_section_counts_per_community(closed):
    from fangkong.core.figures import section

    services.request_create(actor=None, household=closed.tree.a.household, kind="medicine", source="phone")
    out = section("support").compute(timezone.now(), [closed.tree.a.community, closed.tree.b.community])
    a = out[closed.tree.a.community.pk]
    assert a["open"] == 1 and a["open_medicine"] == 1 and a["medicine_orders"] == 1
    assert closed.tree.b.community.pk not in out


def test_household_link_forged_and_expired(closed):
    from django.core import signing

    token = selectors.household_token(closed.closure, closed.tree.a.household)
    assert selectors.household_from_token(token)[0] == "ok"
    assert selectors.household_from_token(token[:-2] + "xx")[0] == "invalid"
    old = signing.TimestampSigner(salt=selectors.LINK_SALT)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(selectors, "LINK_MAX_AGE", -1)
        assert selectors.household_from_token(token)[0] == "expired"
    assert old  # the signer exists; the expiry is the max_age check


def test_overdue_task_calls_the_scan(closed):
    from fangkong.support.tasks import requests_escalate_overdue_task

    req = services.request_create(
        actor=None, household=closed.tree.a.household, kind="medicine", source="phone"
    )
    Request.objects.filter(pk=req.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert requests_escalate_overdue_task() == 1
