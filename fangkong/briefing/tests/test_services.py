"""Generation, the as-of rule, freezing, amendment, the consistency check, bad input and tasks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.briefing import selectors, services
from fangkong.briefing.models import Briefing, FigureValue, Item
from fangkong.observation import services as obs
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):  # the messages asserted below, in English
        yield


def _order(household, *, ago=0):
    return obs.order_create(
        actor=None,
        person=make_person(household),
        order_type="home",
        reason="secondary_contact",
        start=TODAY() - datetime.timedelta(days=ago),
    )


def _value(briefing, key, area):
    return FigureValue.objects.get(briefing=briefing, key=key, area=area).value


def test_figures_per_community_street_and_district(tree):
    _order(tree.a.household)
    _order(tree.a.household)
    _order(tree.c.household)
    b = services.briefing_generate(actor=None, date=TODAY())
    assert b.area == tree.district and b.version == 1
    assert _value(b, "observation.running", tree.a.community) == 2
    assert _value(b, "observation.running", tree.b.community) == 0
    assert _value(b, "observation.running", tree.street1) == 2
    assert _value(b, "observation.running", tree.street2) == 1
    assert _value(b, "observation.running", tree.district) == 3
    assert _value(b, "observation.running_home", tree.district) == 3
    levels = set(FigureValue.objects.filter(briefing=b).values_list("level", flat=True))
    assert levels == {"community", "street", "total"}
    # every registered section is in it (people, gates, observation, and any later app's)
    assert {"people", "gates", "observation"} <= set(b.sections)


def test_a_past_briefing_answers_as_of_its_cut_off(tree):
    order = _order(tree.a.household, ago=6)
    obs.order_end(actor=None, order=order, force=True, reason="test")
    # it ended three days ago (the end's time is what the as-of rule reads)
    type(order).objects.filter(pk=order.pk).update(ended_at=timezone.now() - datetime.timedelta(days=3))
    running = services.briefing_generate(actor=None, date=TODAY() - datetime.timedelta(days=4))
    ended = services.briefing_generate(
        actor=None, date=TODAY() - datetime.timedelta(days=1), allow_empty=True
    )
    assert _value(running, "observation.running", tree.district) == 1
    assert _value(ended, "observation.running", tree.district) == 0
    cut = running.as_of.astimezone(timezone.get_current_timezone())
    assert (cut.hour, cut.minute) == (0, 0)  # policy briefing.cutoff 24:00: the next midnight
    assert cut.date() == TODAY() - datetime.timedelta(days=3)


def test_frozen_then_amended_with_the_differences_marked(tree, make_user):
    _order(tree.a.household)
    first = services.briefing_generate(actor=None, date=TODAY())
    _order(tree.a.household)  # a record added after the briefing was made
    again = services.briefing_generate(actor=None, date=TODAY())
    assert again.pk == first.pk  # a retry returns the frozen briefing
    assert _value(first, "observation.running", tree.district) == 1
    diffs = services.briefing_check(briefing=first)
    assert {(d["key"], d["area_id"]) for d in diffs} >= {("observation.running", tree.district.pk)}
    amended = services.briefing_generate(actor=None, date=TODAY(), amend=True, reason="补录")
    first.refresh_from_db()
    assert (amended.version, amended.amends_id, first.state) == (2, first.pk, Briefing.State.SUPERSEDED)
    assert _value(amended, "observation.running", tree.district) == 2
    assert _value(first, "observation.running", tree.district) == 1  # the old version is untouched
    assert services.briefing_check(briefing=amended) == []
    viewer = make_user("district_admin", tree.district)
    data = selectors.report(viewer=viewer, briefing=amended)
    obs_section = next(s for s in data["sections"] if s["key"] == "observation")
    cell = next(c for c in obs_section["headline"] if c["key"] == "observation.running")
    assert cell["amended"] and cell["was"] == "1" and cell["text"] == "2"
    assert next(s for s in data["sections"] if s["key"] == "people")["amended"]  # a new resident
    assert not next(s for s in data["sections"] if s["key"] == "gates")["amended"]  # nothing changed there


def test_change_since_the_previous_briefing_and_sentence(tree, make_user):
    _order(tree.a.household, ago=1)
    services.briefing_generate(actor=None, date=TODAY() - datetime.timedelta(days=1))
    _order(tree.a.household)
    _order(tree.c.household)
    b = services.briefing_generate(actor=None, date=TODAY())
    data = selectors.report(viewer=make_user("district_admin", tree.district), briefing=b)
    obs_section = next(s for s in data["sections"] if s["key"] == "observation")
    cell = next(c for c in obs_section["headline"] if c["key"] == "observation.running")
    assert (cell["value"], cell["change"]) == (3, 2)
    assert "3 people under observation (up 2 since" in obs_section["sentence"]
    rows = {r["area"].pk: r for r in obs_section["rows"]}
    assert set(rows) == {tree.street1.pk, tree.street2.pk}  # the district's rows are its streets


def test_a_street_leader_sees_their_street(tree, make_user):
    _order(tree.a.household)
    _order(tree.c.household)
    b = services.briefing_generate(actor=None, date=TODAY())
    leader = make_user("street_coordinator", tree.street1)
    data = selectors.report(viewer=leader, briefing=b)
    assert [a.pk for a in data["tops"]] == [tree.street1.pk]
    assert {a.pk for a in data["rows"]} == {tree.a.community.pk, tree.b.community.pk}
    obs_section = next(s for s in data["sections"] if s["key"] == "observation")
    assert next(c for c in obs_section["headline"] if c["key"] == "observation.running")["value"] == 1
    outsider = make_user("street_coordinator", tree.street2)
    assert tree.c.community.pk not in {a.pk for a in data["rows"]}
    assert selectors.report(viewer=outsider, briefing=b)["tops"] == [tree.street2]


def test_bad_input_gets_a_clear_message(tree):
    with pytest.raises(ValidationError, match="future"):
        services.briefing_generate(actor=None, date=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="no briefing of .* to amend"):
        services.briefing_generate(actor=None, date=TODAY(), amend=True)
    with pytest.raises(ValidationError, match="no figures for"):
        services.briefing_generate(actor=None, date=TODAY() - datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="cut-off"):
        services.briefing_generate(actor=None, date=datetime.date(2019, 6, 1), allow_empty=True)
    assert not Briefing.objects.exists()


def test_tasks_carry_to_the_next_briefing_with_their_state(tree, make_user):
    _order(tree.a.household, ago=1)
    yesterday = services.briefing_generate(actor=None, date=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.item_add(
            actor=None, briefing=yesterday, kind=Item.Kind.TASK, text="无期限", area=tree.street1
        )
    with pytest.raises(ValidationError):
        services.item_add(actor=None, briefing=yesterday, kind=Item.Kind.TASK, text="   ", deadline=TODAY())
    task = services.item_add(
        actor=None,
        briefing=yesterday,
        kind=Item.Kind.TASK,
        text="核查入住率",
        area=tree.street1,
        deadline=TODAY(),
    )
    services.item_update(actor=None, item=task, state=Item.State.IN_PROGRESS)
    today = services.briefing_generate(actor=None, date=TODAY())
    carried = selectors.carried_tasks(viewer=make_user("district_admin", tree.district), briefing=today)
    assert [(t.pk, t.state) for t in carried] == [(task.pk, Item.State.IN_PROGRESS)]
    # a street-2 leader does not see street 1's task
    assert selectors.carried_tasks(viewer=make_user("street_coordinator", tree.street2), briefing=today) == []


def test_briefing_check_command_and_generate_command(tree):
    from io import StringIO

    from django.core.management import CommandError, call_command

    _order(tree.a.household)
    out = StringIO()
    call_command("briefing_generate", stdout=out)
    assert "generated: version 1" in out.getvalue()
    out = StringIO()
    call_command("briefing_check", stdout=out)
    assert "Every figure matches" in out.getvalue()  # the command speaks English (operators' logs)
    _order(tree.c.household)
    with pytest.raises(CommandError, match="differ"):
        call_command("briefing_check", stdout=StringIO())
    with pytest.raises(CommandError, match="to amend"):
        call_command(
            "briefing_generate", "--amend", "--date", (TODAY() - datetime.timedelta(days=2)).isoformat()
        )
