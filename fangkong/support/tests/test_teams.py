"""Who may join a closure's teams: the users serving that community (its own and those scoped above it,
like the street's doctor), never another community's; named volunteers are checked against the registry's
test results where they are residents, and those who cannot be checked are marked."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.choices import LOOKUPS, choices_for
from fangkong.screening.models import AntigenReport
from fangkong.screening.tests.factories import make_campaign
from fangkong.support import services
from fangkong.support.models import NegativeCheck, TeamMember


@pytest.fixture
def doctor(closed, make_user):
    return make_user("medical_staff", closed.tree.street1, username="doctor", display_name="街道医生 李芳")


def test_team_user_box_offers_the_streets_doctor_not_another_community(client, closed, doctor, make_user):
    other = make_user("community_worker", closed.tree.b.community, username="other", display_name="外社区 赵")
    offered = set(choices_for(LOOKUPS["support.team_user"], closed.lead))
    assert {closed.lead, closed.runner_user, doctor} <= offered and other not in offered
    client.force_login(closed.lead)
    found = client.get(reverse("lookup", args=["support.team_user"]), {"q": "李芳"}).json()["results"]
    assert [r["id"] for r in found] == [doctor.pk]
    assert client.get(reverse("lookup", args=["support.team_user"]), {"q": "赵"}).json()["results"] == []


def test_lead_adds_the_streets_doctor_from_the_closure_page(client, closed, doctor, make_user):
    client.force_login(closed.lead)
    url = reverse("support:member-add", args=[closed.closure.pk])
    client.post(url, {"team": "medicine", "user": doctor.pk})
    assert TeamMember.objects.filter(team__closure=closed.closure, user=doctor, active=True).exists()
    other = make_user("community_worker", closed.tree.b.community, username="other2")
    client.post(url, {"team": "medicine", "user": other.pk})
    assert not TeamMember.objects.filter(user=other).exists()


def test_service_refuses_a_user_who_does_not_serve_the_area(closed, make_user):
    other = make_user("community_worker", closed.tree.c.community)
    with pytest.raises(ValidationError) as err:
        services.team_member_add(
            actor=closed.lead, team=closed.closure.teams.get(kind="supplies"), user=other
        )
    assert "user" in err.value.message_dict


def _negative(person):
    campaign = make_campaign(person.area)
    AntigenReport.objects.create(
        campaign=campaign,
        person=person,
        result="negative",
        reported_at=timezone.now(),
        counted=True,
        area=person.area,
        area_path=person.area_path,
    )


def test_named_volunteer_who_is_a_resident_needs_a_negative_test(closed):
    team = closed.closure.teams.get(kind="supplies")
    with pytest.raises(ValidationError) as err:
        services.team_member_add(actor=closed.lead, team=team, name="王秀英", phone="138 0013 8000")
    assert "person" in err.value.message_dict
    _negative(closed.person)
    m = services.team_member_add(actor=closed.lead, team=team, name="王秀英", phone="13800138000")
    assert m.person == closed.person and m.test_check == NegativeCheck.NEGATIVE


def test_named_volunteer_who_cannot_be_checked_is_marked(client, closed):
    team = closed.closure.teams.get(kind="parcels")
    nobody = services.team_member_add(
        actor=closed.lead, team=team, name="快递志愿者 许亮", phone="13900000000"
    )
    assert nobody.person is None and nobody.test_check == NegativeCheck.UNCHECKED
    assert closed.lead_member.test_check == ""  # staff users are not residents' test records
    client.force_login(closed.lead)
    page = client.get(closed.closure.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    row = page[page.index("快递志愿者 许亮") :][:400]
    assert 'class="badge badge-warn"' in row and "未核验" in row
    assert 'id="negative-rule"' in page


def test_named_volunteer_from_the_page_is_checked(client, closed):
    client.force_login(closed.lead)
    url = reverse("support:member-add", args=[closed.closure.pk])
    client.post(url, {"team": "supplies", "name": "王秀英", "phone": "13800138000"})
    assert not TeamMember.objects.filter(name="王秀英").exists()  # a resident without a negative test
    _negative(closed.person)
    client.post(url, {"team": "supplies", "name": "王秀英", "phone": "13800138000"})
    assert TeamMember.objects.get(name="王秀英").test_check == NegativeCheck.NEGATIVE
