"""Rosters through the services and pages: generation from posts, teams and policy; edits checked against the
rest rules (a broken rule: a clear message, nothing written); another community's ids read as unknown."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import ChangeLog
from fangkong.gates.models import PostShift
from fangkong.workforce import selectors, services
from fangkong.workforce.models import Assignment, Attendance, RestDay, Worker

from .factories import make_post24, make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Service messages are read in English here (the pages are Chinese by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def next_monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def team(tree, make_user):
    community = tree.a.community
    planner = make_user("community_worker", community)
    gate = make_post24(community, name="东门岗")
    day_post = make_post24(community, name="巡查岗", start_hour=8, end_hour=20)
    workers = [make_worker(community, name=f"干部{i:02d}") for i in range(12)]
    return community, planner, [gate, day_post], workers


def test_generate_covers_every_post_hour_and_keeps_rest_rules(team):
    community, planner, posts, workers = team
    monday = next_monday()
    result = services.roster_generate(actor=planner, community=community, monday=monday)
    assert result.roster.shortfalls == [] and result.message == ""
    shifts = list(PostShift.objects.filter(post__in=posts))
    assert len(shifts) == result.created == 7 * 3 + 7 * 2
    assert all(s.worker_id in {w.pk for w in workers} for s in shifts)
    log = ChangeLog.objects.get(message__startswith="roster of the week")
    assert log.object_id == str(community.pk) and log.params["n"] == len(shifts) and log.user == planner
    rules = selectors.roster_rules(community)
    from fangkong.workforce.rostering import check_worker_shifts

    for w in workers:
        mine = [(s.start, s.end) for s in shifts if s.worker_id == w.pk]
        assert check_worker_shifts(mine, rules=rules, tz=timezone.get_current_timezone()) == []
    # The day post's shifts are clipped to its hours (08–20): 08–16 and 16–20.
    day_shifts = sorted(
        (timezone.localtime(s.start).hour, timezone.localtime(s.end).hour)
        for s in shifts
        if s.post == posts[1] and timezone.localtime(s.start).date() == monday
    )
    assert day_shifts == [(8, 16), (16, 20)]
    # Regenerating replaces the week (no duplicates), keeping shifts someone checked in on.
    kept = shifts[0]
    Attendance.objects.create(shift=kept, worker=kept.worker, area=kept.area, checked_in_at=kept.start)
    again = services.roster_generate(actor=planner, community=community, monday=monday)
    assert again.removed == len(shifts) - 1 and again.kept == 1
    assert PostShift.objects.filter(post__in=posts).count() == len(shifts)
    assert PostShift.objects.filter(pk=kept.pk).exists()


def test_policy_rules_and_availability_drive_the_roster(team):
    community, planner, posts, workers = team
    monday = next_monday()
    # A sick worker, a worker resting on Monday, a worker assigned only from Thursday.
    Worker.objects.filter(pk=workers[0].pk).update(health_status=Worker.Health.SYMPTOMS)
    RestDay.objects.create(worker=workers[1], area=community, date=monday)
    Assignment.objects.create(worker=workers[2], area=community, start=monday + datetime.timedelta(days=3))
    services.roster_generate(actor=planner, community=community, monday=monday)
    shifts = PostShift.objects.filter(post__in=posts)
    assert not shifts.filter(worker=workers[0]).exists()
    assert not any(timezone.localtime(s.start).date() == monday for s in shifts.filter(worker=workers[1]))
    assert all(
        timezone.localtime(s.start).date() >= monday + datetime.timedelta(days=3)
        for s in shifts.filter(worker=workers[2])
    )


def test_shortfall_names_the_post_and_hours(tree, make_user):
    community = tree.a.community
    planner = make_user("community_worker", community)
    make_post24(community, name="北门岗", staff_needed=2)
    make_worker(community, name="独一人")
    result = services.roster_generate(actor=planner, community=community, monday=next_monday())
    assert result.roster.shortfalls
    assert "北门岗" in result.message and "00:00" in result.message


def test_generate_refuses_another_community_and_a_non_monday(team, tree):
    community, planner, _posts, _workers = team
    with pytest.raises(ValidationError, match="jurisdiction"):
        services.roster_generate(actor=planner, community=tree.b.community, monday=next_monday())
    with pytest.raises(ValidationError, match="Monday"):
        services.roster_generate(
            actor=planner, community=community, monday=next_monday() + datetime.timedelta(days=1)
        )


def test_edit_that_breaks_the_rest_rule_writes_nothing(team):
    community, planner, posts, workers = team
    day = next_monday()
    w = workers[0]
    first = services.roster_shift_add(
        actor=planner, post_id=posts[0].pk, worker_id=w.pk, start=at(day, 0), end=at(day, 8)
    )
    logs = ChangeLog.objects.count()
    # 4 h after the last shift ended: too little rest (12 h) and too many hours in 24 h.
    with pytest.raises(ValidationError) as exc:
        services.roster_shift_add(
            actor=planner, post_id=posts[1].pk, worker_id=w.pk, start=at(day, 12), end=at(day, 16)
        )
    assert "rest" in str(exc.value) and w.name in str(exc.value)
    assert PostShift.objects.filter(worker=w).count() == 1 and ChangeLog.objects.count() == logs
    # Swapping a shift to her that overlaps: refused, the shift keeps its worker.
    other = services.roster_shift_add(
        actor=planner, post_id=posts[1].pk, worker_id=workers[1].pk, start=at(day, 8), end=at(day, 16)
    )
    with pytest.raises(ValidationError):
        services.roster_shift_swap(actor=planner, shift_id=other.pk, worker_id=w.pk)
    other.refresh_from_db()
    assert other.worker_id == workers[1].pk
    # A swap that keeps the rules goes through; removing works; a checked-in shift stays.
    services.roster_shift_swap(actor=planner, shift_id=other.pk, worker_id=workers[2].pk)
    other.refresh_from_db()
    assert other.worker_id == workers[2].pk and other.volunteer_id is None
    Attendance.objects.create(shift=first, worker=w, area=first.area, checked_in_at=first.start)
    with pytest.raises(ValidationError, match="checked in"):
        services.roster_shift_remove(actor=planner, shift_id=first.pk)
    services.roster_shift_remove(actor=planner, shift_id=other.pk)
    assert not PostShift.objects.filter(pk=other.pk).exists()


def test_edits_refuse_unknown_sick_and_resting_workers(team, tree):
    community, planner, posts, workers = team
    day = next_monday()
    stranger = make_worker(tree.b.community, name="外社区")
    for wid in (stranger.pk, 999999, "x"):
        with pytest.raises(ValidationError, match="No such worker"):
            services.roster_shift_add(
                actor=planner, post_id=posts[0].pk, worker_id=wid, start=at(day, 8), end=at(day, 16)
            )
    other_post = make_post24(tree.b.community, name="外岗")
    with pytest.raises(ValidationError, match="No such post"):
        services.roster_shift_add(
            actor=planner, post_id=other_post.pk, worker_id=workers[0].pk, start=at(day, 8), end=at(day, 16)
        )
    Worker.objects.filter(pk=workers[0].pk).update(health_status=Worker.Health.ISOLATED)
    with pytest.raises(ValidationError, match="not fit"):
        services.roster_shift_add(
            actor=planner, post_id=posts[0].pk, worker_id=workers[0].pk, start=at(day, 8), end=at(day, 16)
        )
    RestDay.objects.create(worker=workers[1], area=community, date=day)
    with pytest.raises(ValidationError, match="rest day"):
        services.roster_shift_add(
            actor=planner, post_id=posts[0].pk, worker_id=workers[1].pk, start=at(day, 8), end=at(day, 16)
        )
    with pytest.raises(ValidationError, match="after the start"):
        services.roster_shift_add(
            actor=planner, post_id=posts[0].pk, worker_id=workers[2].pk, start=at(day, 8), end=at(day, 8)
        )
    assert not PostShift.objects.exists()


# -- pages ----------------------------------------------------------------------------------------------------


def test_roster_page_generate_view_and_edit_on_a_phone_form(client, team):
    community, planner, posts, workers = team
    monday = next_monday()
    client.force_login(planner)
    url = reverse("workforce:roster") + f"?community={community.pk}&week={monday.isoformat()}"
    page = client.get(url)
    assert page.status_code == 200 and "东门岗" in page.content.decode()
    r = client.post(url)
    assert r.status_code == 302
    assert PostShift.objects.filter(post__in=posts).count() == 35
    page = client.get(r["Location"]).content.decode()
    shift = PostShift.objects.filter(post=posts[0]).order_by("start").first()
    assert reverse("workforce:roster-shift", args=[shift.pk]) in page
    # Swap by form to a worker who is free and rested enough; then a bad swap shows the rule, status 400.
    detail = reverse("workforce:roster-shift", args=[shift.pk])
    assert client.get(detail).status_code == 200
    busy_same_time = PostShift.objects.filter(post=posts[1], start__lt=shift.end, end__gt=shift.start).first()
    if busy_same_time is not None:
        r = client.post(detail, {"action": "swap", "worker": busy_same_time.worker_id})
        assert r.status_code == 400
        shift.refresh_from_db()
        assert shift.worker_id != busy_same_time.worker_id
    r = client.post(detail, {"action": "remove"})
    assert r.status_code == 302 and not PostShift.objects.filter(pk=shift.pk).exists()
    # Add by form: a fresh worker goes on; the same hours again break the rules (400, nothing written).
    fresh = make_worker(community, name="新来的")
    add = reverse("workforce:roster-add")
    assert client.get(add + f"?post={posts[0].pk}").status_code == 200
    sunday = monday + datetime.timedelta(days=6)
    data = {"post": posts[0].pk, "worker": fresh.pk, "start": f"{sunday}T08:00", "end": f"{sunday}T16:00"}
    assert client.post(add, data).status_code == 302
    assert PostShift.objects.filter(worker=fresh).count() == 1
    r = client.post(add, {**data, "post": posts[1].pk})
    assert r.status_code == 400 and "新来的" in r.content.decode()
    assert PostShift.objects.filter(worker=fresh).count() == 1


def test_roster_pages_other_community_is_404(client, team, tree, make_user):
    community, planner, posts, workers = team
    services.roster_generate(actor=planner, community=community, monday=next_monday())
    shift = PostShift.objects.filter(post__in=posts).first()
    outsider = make_user("community_worker", tree.b.community)
    client.force_login(outsider)
    assert client.get(reverse("workforce:roster-shift", args=[shift.pk])).status_code == 404
    assert (
        client.post(reverse("workforce:roster-shift", args=[shift.pk]), {"action": "remove"}).status_code
        == 404
    )
    page = client.get(reverse("workforce:roster") + f"?community={community.pk}")
    assert page.status_code == 200 and "东门岗" not in page.content.decode()
    assert PostShift.objects.filter(pk=shift.pk).exists()


def test_uncovered_posts_list(client, team):
    community, planner, posts, workers = team
    client.force_login(planner)
    r = client.get(reverse("workforce:post-cover") + "?uncovered=true")
    assert r.status_code == 200
    body = r.content.decode()
    assert "东门岗" in body and "巡查岗" in body
    assert set(selectors.uncovered_post_ids(viewer=planner)) == {p.pk for p in posts}
    # Cover the gate for the next 24 hours: it leaves the list.
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for k in range(4):
        PostShift.objects.create(
            post=posts[0],
            area=community,
            worker=workers[k],
            start=now + datetime.timedelta(hours=8 * k),
            end=now + datetime.timedelta(hours=8 * k + 8),
        )
    assert set(selectors.uncovered_post_ids(viewer=planner)) == {posts[1].pk}
