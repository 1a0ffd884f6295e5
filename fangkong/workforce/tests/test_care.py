"""Care and health of the workforce (issue 20): insurance, meals and equipment, rest days, the daily
health report, the negative-test rule, the worker's own page, figures, and support/screening drawing on
the registry. Real PostgreSQL, real HTTP through the Django test client."""

from __future__ import annotations

import datetime
import decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from fangkong.core.models import ChangeLog
from fangkong.workforce import care_selectors, figures, services
from fangkong.workforce.models import (
    Assignment,
    CareIssue,
    Insurance,
    RestDay,
    Worker,
    WorkerHealthReport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Service messages compared as written (the English msgid)."""
    with translation.override("en"):
        yield


def mk_worker(area, name="周涛", user=None, person=None, **extra):
    return Worker.objects.create(
        name=name, area=area, area_path=area.path, user=user, person=person, status="active", **extra
    )


def assign(worker, days_ago=10, duty="gate"):
    return Assignment.objects.create(
        worker=worker,
        area=worker.area,
        area_path=worker.area_path,
        duty=duty,
        start=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def mk_post(area, name="东门岗"):
    from fangkong.gates.tests.factories import make_post

    post = make_post(area)
    post.name = name
    post.save(update_fields=["name"])
    return post


def shift(worker, post, days_ago=0, hours=8, start_hour=8):
    from fangkong.gates.models import PostShift

    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(start_hour)))
    return PostShift.objects.create(
        post=post,
        area=post.area,
        area_path=post.area_path,
        worker=worker,
        volunteer=worker.user,
        start=start,
        end=start + datetime.timedelta(hours=hours),
    )


def negative_for(person):
    from fangkong.screening.models import AntigenReport
    from fangkong.screening.tests.factories import make_campaign

    return AntigenReport.objects.create(
        campaign=make_campaign(person.area),
        person=person,
        result="negative",
        reported_at=timezone.now(),
        counted=True,
        area=person.area,
        area_path=person.area_path,
    )


# -- insurance ---------------------------------------------------------------------------------------


def test_insurance_enrol_is_logged_idempotent_and_flags_the_uninsured(tree, make_user):
    admin = make_user("district_admin", tree.a.community)
    w1, w2 = mk_worker(tree.a.community, "甲"), mk_worker(tree.a.community, "乙")
    assign(w1), assign(w2)
    today = timezone.localdate()
    ins = services.insurance_enrol(
        actor=admin,
        worker=w1,
        insurer="人保",
        policy_number="P1",
        start=today,
        end=today + datetime.timedelta(30),
    )
    again = services.insurance_enrol(
        actor=admin,
        worker=w1,
        insurer="人保",
        policy_number="P1",
        start=today,
        end=today + datetime.timedelta(30),
    )
    assert again.pk == ins.pk and Insurance.objects.filter(worker=w1).count() == 1
    assert ChangeLog.objects.filter(object_id=str(ins.pk), content_type__model="insurance").count() == 1
    flagged = set(care_selectors.uninsured(Worker.objects.all()).values_list("pk", flat=True))
    assert flagged == {w2.pk}


def test_insurance_bad_input_and_out_of_scope_worker(tree, make_user):
    worker_a = make_user("district_admin", tree.a.community)
    other = mk_worker(tree.b.community, "别人")
    mine = mk_worker(tree.a.community, "自己")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as e:
        services.insurance_enrol(
            actor=worker_a,
            worker=mine,
            insurer="人保",
            policy_number="P2",
            start=today,
            end=today - datetime.timedelta(1),
        )
    assert "end" in e.value.message_dict
    with pytest.raises(ValidationError) as e2:
        services.insurance_enrol(
            actor=worker_a, worker=other, insurer="人保", policy_number="P3", start=today, end=today
        )
    assert e2.value.message_dict == {"worker": ["Choose a worker in your jurisdiction."]}
    assert not Insurance.objects.exists()


# -- meals and equipment -----------------------------------------------------------------------------


def test_care_issue_one_per_post_and_day_counts_replaced(tree, make_user):
    admin = make_user("district_admin", tree.a.community)
    post = mk_post(tree.a.community)
    a = services.care_issue_record(actor=admin, post=post, meals=6, masks=12)
    b = services.care_issue_record(actor=admin, post=post, meals=8, masks=12)
    assert a.pk == b.pk
    b.refresh_from_db()
    assert (b.meals, b.masks, b.suits) == (8, 12, 0)
    assert CareIssue.objects.count() == 1


@pytest.mark.parametrize(
    "counts",
    [{"meals": -1}, {"meals": 99999}, {"meals": 0, "masks": 0}, {"masks": "x"}],
)
def test_care_issue_refuses_bad_counts(tree, make_user, counts):
    admin = make_user("district_admin", tree.a.community)
    post = mk_post(tree.a.community)
    with pytest.raises(ValidationError):
        services.care_issue_record(actor=admin, post=post, **counts)
    assert not CareIssue.objects.exists()


def test_care_issue_phone_form_over_http(client, tree, make_user):
    admin = make_user("district_admin", tree.a.community)
    post = mk_post(tree.a.community)
    other_post = mk_post(tree.b.community, "别人的岗")
    client.force_login(admin)
    page = client.get("/workforce/care/issued/add/")
    assert page.status_code == 200 and 'inputmode="numeric"' in page.content.decode()
    assert "别人的岗" not in page.content.decode()
    resp = client.post(
        "/workforce/care/issued/add/",
        {"post": post.pk, "date": timezone.localdate().isoformat(), "meals": "5", "masks": "10"},
    )
    assert resp.status_code == 302
    assert CareIssue.objects.get(post=post).meals == 5
    bad = client.post(
        "/workforce/care/issued/add/",
        {"post": other_post.pk, "date": timezone.localdate().isoformat(), "meals": "5"},
    )
    assert bad.status_code == 400 and not CareIssue.objects.filter(post=other_post).exists()
    listing = client.get("/workforce/care/issued/?export=xlsx")
    assert listing.status_code == 200 and listing["Content-Type"].startswith("application/vnd.openxml")


# -- rest days ---------------------------------------------------------------------------------------


def test_rest_due_taken_and_overdue(tree, make_user):
    admin = make_user("district_admin", tree.a.community)
    w = mk_worker(tree.a.community)
    post = mk_post(tree.a.community)
    for d in range(13):  # 13 duty days; the policy's one rest per 6 days: 2 due
        shift(w, post, days_ago=d + 1)
    row = care_selectors.rest_summary(w)
    assert (row["duty_days"], row["rest_due"], row["rest_taken"], row["rest_overdue"]) == (13, 2, 0, 2)
    services.rest_day_record(actor=admin, worker=w, date=timezone.localdate() - datetime.timedelta(days=20))
    services.rest_day_record(
        actor=admin, worker=w, date=timezone.localdate() + datetime.timedelta(days=2), taken=False
    )
    row = care_selectors.rest_summary(w)
    assert (row["rest_taken"], row["rest_overdue"]) == (1, 1)
    with pytest.raises(ValidationError):
        services.rest_day_record(
            actor=admin, worker=w, date=timezone.localdate() + datetime.timedelta(days=3)
        )
    assert RestDay.objects.filter(worker=w).count() == 2


def test_rest_overdue_list_and_workbench_line_agree(client, tree, make_user):
    from fangkong.core.workbench import _KINDS, line_for

    admin = make_user("district_admin", tree.a.community)
    w = mk_worker(tree.a.community, "欠休的人")
    mk_worker(tree.a.community, "休过的人")
    theirs = mk_worker(tree.b.community, "别社区欠休")
    post, post_b = mk_post(tree.a.community), mk_post(tree.b.community)
    for d in range(7):
        shift(w, post, days_ago=d + 1)
        shift(theirs, post_b, days_ago=d + 1)
    client.force_login(admin)
    page = client.get("/workforce/care/?rest_overdue=true").content.decode()
    assert "欠休的人" in page and "休过的人" not in page and "别社区欠休" not in page
    line = line_for(_KINDS["workforce.rest_overdue"], admin)
    assert line.count == 1


# -- health ------------------------------------------------------------------------------------------


def test_own_health_report_sets_status_and_flags(client, tree, make_user):
    user = make_user("cadre", tree.a.community)
    w = mk_worker(tree.a.community, user=user)
    client.force_login(user)
    form = client.get("/workforce/me/health/")
    assert form.status_code == 200 and 'name="temperature"' in form.content.decode()
    resp = client.post("/workforce/me/health/", {"temperature": "37.9", "symptoms": ["cough"]})
    assert resp.status_code == 302
    w.refresh_from_db()
    report = WorkerHealthReport.objects.get(worker=w)
    assert report.flagged and report.fever and w.health_status == "symptoms"
    # A corrected report the same day replaces it; a clean one puts the worker back to healthy.
    client.post("/workforce/me/health/", {"temperature": "36.5"})
    w.refresh_from_db()
    assert WorkerHealthReport.objects.filter(worker=w).count() == 1 and w.health_status == "healthy"
    bad = client.post("/workforce/me/health/", {"temperature": "55"})
    assert bad.status_code == 400
    bad2 = client.post("/workforce/me/health/", {"temperature": "36.5", "symptoms": ["plague"]})
    assert bad2.status_code == 400
    assert WorkerHealthReport.objects.get(worker=w).temperature == decimal.Decimal("36.5")


def test_health_report_of_another_worker_is_refused(tree, make_user):
    user = make_user("cadre", tree.a.community)
    mk_worker(tree.a.community, user=user)
    other = mk_worker(tree.a.community, "别人")
    with pytest.raises(ValidationError) as e:
        services.health_report_submit(actor=user, worker=other, temperature="36.5")
    assert "worker" in e.value.message_dict
    assert not WorkerHealthReport.objects.exists()


def test_negative_test_rule_reads_the_workers_own_results(tree):
    from fangkong.people.tests.factories import make_person
    from fangkong.workforce.care_selectors import TestCheck, negative_test_status

    person = make_person(tree.a.household)
    w = mk_worker(tree.a.community, person=person)
    nobody = mk_worker(tree.a.community, "无档案")
    assert negative_test_status(worker=w, duty="gate") == TestCheck.NOT_REQUIRED
    assert negative_test_status(worker=w, duty="sampling_support") == TestCheck.MISSING
    assert negative_test_status(worker=nobody, duty="sampling_support") == TestCheck.UNCHECKED
    with pytest.raises(ValidationError):
        services.negative_test_enforce(worker=w, duty="sampling_support")
    negative_for(person)
    assert negative_test_status(worker=w, duty="sampling_support") == TestCheck.NEGATIVE
    assert services.negative_test_enforce(worker=w, duty="sampling_support") == TestCheck.NEGATIVE


# -- the worker's own page ---------------------------------------------------------------------------


def test_my_duty_shows_only_my_roster_hours_rest_and_insurance(client, tree, make_user):
    user = make_user("cadre", tree.a.community)
    me = mk_worker(tree.a.community, "我自己", user=user)
    other = mk_worker(tree.a.community, "同事")
    post = mk_post(tree.a.community, "南门岗")
    other_post = mk_post(tree.a.community, "北门岗")
    shift(me, post, days_ago=0, start_hour=0, hours=4)
    shift(other, other_post, days_ago=0)
    today = timezone.localdate()
    services.insurance_enrol(
        actor=None,
        worker=me,
        insurer="人保",
        policy_number="MY-1",
        start=today,
        end=today + datetime.timedelta(9),
    )
    client.force_login(user)
    page = client.get("/workforce/me/").content.decode()
    assert "南门岗" in page and "北门岗" not in page and "同事" not in page
    assert "MY-1" in page and 'id="hours-week"' in page
    assert "/workforce/me/health/" in page
    # A user with no worker record sees a note, nobody's data.
    stranger = make_user("cadre", tree.b.community)
    client.force_login(stranger)
    page = client.get("/workforce/me/").content.decode()
    assert 'id="no-worker"' in page and "南门岗" not in page


def test_cadre_lands_on_my_duty(client, tree, make_user):
    user = make_user("cadre", tree.a.community)
    mk_worker(tree.a.community, user=user)
    client.force_login(user)
    assert client.get("/")["Location"] == "/workforce/me/"


# -- figures -----------------------------------------------------------------------------------------


def test_figures_count_deployed_on_duty_attendance_and_rest(tree):
    from fangkong.areas.models import Area
    from fangkong.workforce.models import Attendance, DeploymentRequest

    w1, w2 = mk_worker(tree.a.community, "一"), mk_worker(tree.a.community, "二")
    assign(w1), assign(w2)
    DeploymentRequest.objects.create(
        area=tree.a.community, area_path=tree.a.community.path, count=5, start=timezone.localdate()
    )
    post = mk_post(tree.a.community)
    now = timezone.now()
    from fangkong.gates.models import PostShift

    s1 = PostShift.objects.create(
        post=post,
        area=post.area,
        worker=w1,
        start=now - datetime.timedelta(hours=1),
        end=now + datetime.timedelta(hours=3),
    )
    PostShift.objects.create(
        post=post,
        area=post.area,
        worker=w2,
        start=now - datetime.timedelta(minutes=30),
        end=now + datetime.timedelta(hours=1),
    )
    Attendance.objects.create(
        shift=s1, worker=w1, checked_in_at=now, area=post.area, area_path=post.area_path
    )
    communities = list(Area.objects.filter(level="community"))
    out = figures.compute(now, communities)[tree.a.community.pk]
    assert out["deployed"] == 2 and out["needed"] == 5 and out["on_duty"] == 2
    assert out["shifts"] == 2 and out["attended"] == 1
    assert tree.b.community.pk not in figures.compute(now, communities)


def test_figures_page_and_api_are_scoped(client, api, tree, make_user):
    admin = make_user("district_admin", tree.a.community)
    client.force_login(admin)
    page = client.get("/workforce/figures/")
    body = page.content.decode()
    assert page.status_code == 200 and "镇国寺社区" in body and "宛平城社区" not in body
    assert client.get("/workforce/figures/?day=2022-02-30").status_code == 400
    rows = api.as_user(admin).get("/api/workforce/figures/").json()
    assert [r["name"] for r in rows] == ["镇国寺社区"]
    assert api.get("/api/workforce/figures/?day=nonsense").status_code == 400


def test_briefing_section_registered():
    from fangkong.core.figures import section

    s = section("workforce")
    assert {f.key for f in s.figures} >= {"deployed", "on_duty", "attendance", "rest_overdue"}


# -- the other apps draw on the registry ---------------------------------------------------------------


def test_support_team_member_from_a_worker_checks_their_own_test(tree, make_user):
    from fangkong.people.tests.factories import make_person
    from fangkong.support import services as support_services
    from fangkong.support.tests.factories import make_closure

    admin = make_user("district_admin", tree.a.community)
    from fangkong.support.models import Team

    closure = make_closure(tree.a.community)
    team = Team.objects.create(area=tree.a.community, closure=closure, kind="supplies")
    person = make_person(tree.a.household)
    w = mk_worker(tree.a.community, "有档案志愿者", person=person)
    with pytest.raises(ValidationError) as e:
        support_services.team_member_add(actor=admin, team=team, worker=w)
    assert "worker" in e.value.message_dict
    negative_for(person)
    member = support_services.team_member_add(actor=admin, team=team, worker=w)
    assert member.worker_id == w.pk and member.person_id == person.pk and member.test_check == "negative"
    # A worker of another community is answered like one that does not exist.
    theirs = mk_worker(tree.b.community, "别社区")
    with pytest.raises(ValidationError) as e2:
        support_services.team_member_add(actor=admin, team=team, worker=theirs)
    assert e2.value.message_dict == {"worker": ["Choose a worker in your jurisdiction."]}
    # The old paths still work: a typed name.
    typed = support_services.team_member_add(actor=admin, team=team, name="打字的志愿者")
    assert typed.worker_id is None


def test_lane_staff_from_a_worker(tree, make_user):
    from fangkong.people.tests.factories import make_person
    from fangkong.screening import services as screening_services
    from fangkong.screening.tests.factories import make_site

    admin = make_user("district_admin", tree.a.community)
    site = make_site(tree.a.community)
    person = make_person(tree.a.household)
    w = mk_worker(tree.a.community, "采样辅助", person=person)
    with pytest.raises(ValidationError):
        screening_services.lane_staff_add(actor=admin, site=site, lane=1, role="registrar", worker=w)
    negative_for(person)
    staff = screening_services.lane_staff_add(actor=admin, site=site, lane=1, role="registrar", worker=w)
    assert staff.worker_id == w.pk and staff.user_id is None
    with pytest.raises(ValidationError):
        screening_services.lane_staff_add(actor=admin, site=site, lane=1, role="registrar", worker=w)
    with pytest.raises(ValidationError):
        screening_services.lane_staff_add(actor=admin, site=site, lane=1, role="registrar")
    theirs = mk_worker(tree.c.community, "别街道")
    with pytest.raises(ValidationError) as e:
        screening_services.lane_staff_add(actor=admin, site=site, lane=1, role="registrar", worker=theirs)
    assert e.value.message_dict == {"worker": ["Choose a worker in your jurisdiction."]}
    # The old path: a user.
    user = make_user("community_worker", tree.a.community)
    assert (
        screening_services.lane_staff_add(actor=admin, site=site, lane=2, role="sampler", user=user).user
        == user
    )


# -- scoping of the lists and ids --------------------------------------------------------------------


def test_lists_are_scoped_and_foreign_ids_are_invalid(client, api, tree, make_user):
    admin = make_user("district_admin", tree.a.community)
    mine, theirs = mk_worker(tree.a.community, "本社区人"), mk_worker(tree.b.community, "外社区人")
    today = timezone.localdate()
    for w in (mine, theirs):
        services.insurance_enrol(
            actor=None, worker=w, insurer="人保", policy_number=f"S{w.pk}", start=today, end=today
        )
        services.health_report_submit(actor=None, worker=w, temperature="36.6")
    client.force_login(admin)
    for url in ("/workforce/care/", "/workforce/care/insurance/", "/workforce/care/health/"):
        body = client.get(url).content.decode()
        assert "本社区人" in body and "外社区人" not in body, url
    resp = api.as_user(admin).post(
        "/api/workforce/insurance/",
        {"worker": theirs.pk, "insurer": "人保", "policy_number": "X", "start": today, "end": today},
        format="json",
    )
    missing = api.post(
        "/api/workforce/insurance/",
        {"worker": 99999999, "insurer": "人保", "policy_number": "X", "start": today, "end": today},
        format="json",
    )
    assert resp.status_code == missing.status_code == 400
    assert resp.json()["worker"] == [m.replace("99999999", str(theirs.pk)) for m in missing.json()["worker"]]
    ok = api.post(
        "/api/workforce/health-reports/",
        {"worker": mine.pk, "temperature": "38.2", "symptoms": ["cough"]},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["flagged"] is True


def test_my_duty_shows_the_negative_test_check_of_my_duty(client, tree, make_user):
    from fangkong.people.tests.factories import make_person

    user = make_user("cadre", tree.a.community)
    person = make_person(tree.a.household)
    me = mk_worker(tree.a.community, "采样辅助员", user=user, person=person)
    assign(me, duty="sampling_support")
    client.force_login(user)
    page = client.get("/workforce/me/").content.decode()
    assert 'id="test-check"' in page and 'data-status="missing"' in page
    negative_for(person)
    page = client.get("/workforce/me/").content.decode()
    assert 'data-status="negative"' in page
