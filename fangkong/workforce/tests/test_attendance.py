"""Check-in at a post by its QR code: only the rostered worker, once per shift, never with a revoked code;
late and missing check-ins flagged (once); the gate page shows who is on duty; the attendance rate moves."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import ChangeLog
from fangkong.workforce import selectors, services
from fangkong.workforce.models import Attendance, MissedCheckIn, PostCode

from .factories import make_post24, make_rostered_shift, make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def post_team(tree, make_user):
    community = tree.a.community
    planner = make_user("community_worker", community)
    cadre_user = make_user("cadre", community)
    cadre = make_worker(community, name="王干部", user=cadre_user)
    post = make_post24(community, name="东门岗")
    code = services.post_code_issue(actor=planner, post_id=post.pk)
    return community, planner, cadre_user, cadre, post, code


def test_check_in_and_out_on_the_rostered_shift(post_team):
    community, planner, user, cadre, post, code = post_team
    now = timezone.now()
    shift = make_rostered_shift(community, worker=cadre, post=post, start=now - datetime.timedelta(minutes=5))
    att = services.attendance_check_in(
        actor=user, token=code.token, lat="39.850001", lon="116.280002", at=now
    )
    assert att.shift == shift and not att.late and str(att.lat) == "39.850001"
    assert ChangeLog.objects.filter(message="checked in at the post", object_id=str(att.pk)).exists()
    assert [a.worker for a in selectors.on_duty(place=post.place, at=now)] == [cadre]
    # Twice in a row: refused, nothing new.
    with pytest.raises(services.CheckInRefused) as exc:
        services.attendance_check_in(actor=user, token=code.token, at=now + datetime.timedelta(minutes=1))
    assert exc.value.code == "twice" and "already checked in" in exc.value.messages[0]
    assert Attendance.objects.count() == 1
    out = services.attendance_check_out(actor=user, token=code.token, at=now + datetime.timedelta(hours=7))
    assert out.checked_out_at is not None
    assert selectors.on_duty(place=post.place, at=now + datetime.timedelta(hours=7, minutes=1)) == []
    with pytest.raises(services.CheckInRefused) as exc:
        services.attendance_check_in(
            actor=user, token=code.token, at=now + datetime.timedelta(hours=7, minutes=2)
        )
    assert exc.value.code == "twice"
    with pytest.raises(services.CheckInRefused) as exc:
        services.attendance_check_out(actor=user, token=code.token)
    assert exc.value.code == "not_in"


def test_late_check_in_is_flagged(post_team):
    community, planner, user, cadre, post, code = post_team
    now = timezone.now()
    make_rostered_shift(community, worker=cadre, post=post, start=now - datetime.timedelta(minutes=40))
    att = services.attendance_check_in(actor=user, token=code.token, at=now)
    assert att.late


def test_refused_when_not_rostered_revoked_or_unknown(post_team, tree, make_user):
    community, planner, user, cadre, post, code = post_team
    now = timezone.now()
    # Not rostered on this post now (a shift tomorrow, and one at another post now).
    make_rostered_shift(community, worker=cadre, post=post, start=now + datetime.timedelta(days=1))
    make_rostered_shift(community, worker=cadre, post=make_post24(community, name="西门岗"), start=now)
    with pytest.raises(services.CheckInRefused) as exc:
        services.attendance_check_in(actor=user, token=code.token, at=now)
    assert exc.value.code == "not_rostered" and "东门岗" in exc.value.messages[0]
    # A user with no worker record.
    stranger = make_user("gate_volunteer", community)
    with pytest.raises(services.CheckInRefused) as exc:
        services.attendance_check_in(actor=stranger, token=code.token, at=now)
    assert exc.value.code == "no_worker"
    # Revoked and unknown codes, and bad coordinates.
    make_rostered_shift(community, worker=cadre, post=post, start=now - datetime.timedelta(minutes=1))
    services.post_code_revoke(actor=planner, post_id=post.pk)
    with pytest.raises(services.CheckInRefused) as exc:
        services.attendance_check_in(actor=user, token=code.token, at=now)
    assert exc.value.code == "revoked"
    with pytest.raises(services.CheckInRefused) as exc:
        services.attendance_check_in(actor=user, token="no-such-token", at=now)
    assert exc.value.code == "unknown"
    new = services.post_code_issue(actor=planner, post_id=post.pk)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.attendance_check_in(actor=user, token=new.token, lat="91", at=now)
    with pytest.raises(ValidationError):
        services.attendance_check_in(actor=user, token=new.token, lon="NaN", at=now)
    assert Attendance.objects.count() == 0
    assert services.attendance_check_in(actor=user, token=new.token, at=now).shift.post == post
    # Another community's planner cannot revoke or issue this post's code.
    outsider = make_user("community_worker", tree.b.community)
    with pytest.raises(ValidationError):
        services.post_code_revoke(actor=outsider, post_id=post.pk)
    with pytest.raises(ValidationError):
        services.post_code_issue(actor=outsider, post_id=post.pk)
    assert PostCode.objects.get(post=post, active=True) == new


def test_missed_check_ins_flagged_once(post_team):
    community, planner, user, cadre, post, code = post_team
    now = timezone.now()
    missed = make_rostered_shift(
        community, worker=cadre, post=post, start=now - datetime.timedelta(minutes=45)
    )
    soon = make_rostered_shift(
        community, worker=make_worker(community), post=post, start=now - datetime.timedelta(minutes=10)
    )
    assert services.missed_checkins_flag(at=now) == 1
    assert services.missed_checkins_flag(at=now) == 0  # idempotent
    flag = MissedCheckIn.objects.get()
    assert flag.shift == missed and flag.resolved_at is None
    # Checking in after all resolves the flag.
    services.attendance_check_in(actor=user, token=code.token, at=now)
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert services.missed_checkins_flag(at=now + datetime.timedelta(minutes=30)) == 1
    assert MissedCheckIn.objects.filter(shift=soon).exists()


# -- pages ---------------------------------------------------------------------------------------------------


def test_scan_page_check_in_gate_page_and_attendance_rate(client, post_team):
    community, planner, user, cadre, post, code = post_team
    now = timezone.now()
    make_rostered_shift(community, worker=cadre, post=post, start=now - datetime.timedelta(minutes=5))
    url = reverse("workforce:checkin", args=[code.token])
    # Not logged in: the login page, then back.
    r = client.get(url)
    assert r.status_code == 302 and "login" in r["Location"]
    # The rate before: one shift started today, nobody in.
    client.force_login(planner)
    page = client.get(reverse("workforce:attendance-list")).content.decode()
    assert 'id="attendance-rate">0%' in page
    client.force_login(user)
    page = client.get(url)
    assert (
        page.status_code == 200
        and "东门岗" in page.content.decode()
        and 'id="checkin"' in page.content.decode()
    )
    r = client.post(url, {"action": "in", "lat": "39.85", "lon": "116.28"})
    assert r.status_code == 302
    assert Attendance.objects.filter(worker=cadre).count() == 1
    r = client.post(url, {"action": "in"})
    assert r.status_code == 400 and "您已于" in r.content.decode()
    assert Attendance.objects.count() == 1
    # The gate page (a volunteer at this place) shows who is on duty.
    volunteer = post_team[2]
    client.force_login(volunteer)
    gate = client.get(reverse("gates:check") + f"?place={post.place_id}").content.decode()
    assert 'id="on-duty"' in gate and "王干部" in gate
    client.force_login(planner)
    page = client.get(reverse("workforce:attendance-list")).content.decode()
    assert 'id="attendance-rate">100%' in page and "王干部" in page
    # A revoked code: the page says so, and a post refuses.
    services.post_code_revoke(actor=planner, post_id=post.pk)
    client.force_login(user)
    r = client.get(url)
    assert r.status_code == 410 and "签到码已作废" in r.content.decode()
    r = client.post(url, {"action": "out"})
    assert r.status_code == 410 and "签到码已作废" in r.content.decode()
    assert client.get(reverse("workforce:checkin", args=["x" * 200])).status_code == 404
    new = services.post_code_issue(actor=planner, post_id=post.pk)
    assert client.post(reverse("workforce:checkin", args=[new.token]), {"action": "dance"}).status_code == 400


def test_post_code_page_issue_revoke_and_scope(client, post_team, tree, make_user):
    community, planner, user, cadre, post, code = post_team
    client.force_login(planner)
    page = client.get(reverse("workforce:post-code", args=[post.pk]))
    assert page.status_code == 200 and code.token in page.content.decode() and "<svg" in page.content.decode()
    r = client.post(reverse("workforce:post-code-change", args=[post.pk]), {"action": "revoke"})
    assert r.status_code == 302 and not PostCode.objects.filter(post=post, active=True).exists()
    client.post(reverse("workforce:post-code-change", args=[post.pk]), {"action": "issue"})
    assert PostCode.objects.filter(post=post, active=True).count() == 1
    outsider = make_user("community_worker", tree.b.community)
    client.force_login(outsider)
    assert client.get(reverse("workforce:post-code", args=[post.pk])).status_code == 404
    assert (
        client.post(reverse("workforce:post-code-change", args=[post.pk]), {"action": "revoke"}).status_code
        == 404
    )
    assert PostCode.objects.filter(post=post, active=True).count() == 1
    # The missed list and the workbench's line count agree.
    client.force_login(planner)
    make_rostered_shift(
        community, worker=cadre, post=post, start=timezone.now() - datetime.timedelta(hours=1)
    )
    services.missed_checkins_flag()
    r = client.get(reverse("workforce:missed-list") + "?open=true")
    assert r.status_code == 200 and "王干部" in r.content.decode()
    from fangkong.core.workbench import kinds, line_for

    kind = next(k for k in kinds() if k.key == "workforce.missed_checkins")
    assert line_for(kind, planner).count == 1
