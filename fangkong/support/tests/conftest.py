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
