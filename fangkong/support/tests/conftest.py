import datetime

import pytest
from faker import Faker

_fake = Faker("zh_CN")


@pytest.fixture
def closed(tree, make_user):
    """Community A closed, with a medicine lead (community worker) and a runner in the medicine team."""
    from fangkong.people import services as people
    from fangkong.support import services

    lead = make_user("community_worker", tree.a.community, username="lead")
    runner_user = make_user("grid_member", tree.a.community, username="runner")
    person = people.person_create(
        actor=None, household=tree.a.household, name="王秀英", id_number=_fake.ssn(), phone="13800138000"
    )
    closure = services.closure_declare(
        actor=lead,
        area=tree.a.community,
        reason="新发地关联病例，3时起封闭",
        duty_phone="010-63800000",
        medical_lead=lead,
    )
    team = closure.teams.get(kind="medicine")
    lead_member = services.team_member_add(actor=lead, team=team, user=lead, lead=True)
    runner = services.team_member_add(actor=lead, team=team, user=runner_user)

    class C:
        pass

    c = C()
    c.tree, c.closure, c.lead, c.runner_user, c.runner, c.lead_member, c.person = (
        tree,
        closure,
        lead,
        runner_user,
        runner,
        lead_member,
        person,
    )
    return c


@pytest.fixture
def board(closed):
    """Two buildings: building 1 with a plain, an overdue and a psychological request; building 2 with a
    vulnerable household's request and an urgent medical one; cleaner and shopper in their teams."""
    from django.utils import timezone

    from fangkong.areas import services as area_services
    from fangkong.people import services as people
    from fangkong.people.tests.factories import make_person
    from fangkong.support import services
    from fangkong.support.models import Request

    tree = closed.tree
    b2 = area_services.area_create(actor=None, parent=tree.a.grid, name="2号楼", level="building")
    e2 = area_services.area_create(actor=None, parent=b2, name="1单元", level="entrance")
    h201 = area_services.area_create(actor=None, parent=e2, name="201室", level="household")
    elder = make_person(h201, name="李大爷")
    people.vulnerable_entry_create(actor=None, person=elder, category="elderly_alone")
    teams = {t.kind: t for t in closed.closure.teams.all()}
    cleaner = services.team_member_add(actor=closed.lead, team=teams["disinfection"], name="保洁 何师傅")
    shopper = services.team_member_add(actor=closed.lead, team=teams["supplies"], name="志愿者 高明")

    def filed(household, kind):
        return services.request_create(actor=None, household=household, kind=kind, source="phone")

    r = {
        "plain": filed(tree.a.household, "groceries"),
        "overdue": filed(tree.a.household, "rubbish"),
        "talk": filed(tree.a.household, "psychological"),
        "vulnerable": filed(h201, "groceries"),
        "urgent": filed(h201, "urgent_medical"),
    }
    Request.objects.filter(pk=r["overdue"].pk).update(deadline=timezone.now() - datetime.timedelta(hours=2))
    closed.b2, closed.cleaner, closed.shopper, closed.reqs = b2, cleaner, shopper, r
    return closed
