"""The issue's browser test: the district assigns 20 cadres to a community by criteria (the deployment
page); the community builds the week's roster; the cadre on the gate post now checks in by its QR code on a
390 px phone page; the gate page shows him on duty; the community's attendance rate moves."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from fangkong.gates.models import PostShift
from fangkong.workforce.models import Assignment, Attendance, Worker

from .factories import make_post24, make_worker


@pytest.mark.browser
def test_assign_roster_check_in_on_a_phone(phone_page, page, live_server, login, tree, make_user):
    from fangkong.core.testing import lookup_pick

    community = tree.a.community
    make_user("district_admin", tree.district, username="district-bt")
    make_user("community_worker", community, username="planner-bt")
    gate = make_post24(community, name="东门岗")
    # 20 district cadres waiting at the district, each with an account (they check in on their phones).
    cadres = [
        make_worker(
            tree.district,
            name=f"下沉干部{i:02d}",
            user=make_user("cadre", community, username=f"cadre-bt{i:02d}"),
        )
        for i in range(20)
    ]

    # 1. The district assigns 20 cadres to the community by criteria (desktop page).
    login(page, "district-bt")
    page.goto("/workforce/deployment/")
    page.fill("#id_count", "20")
    lookup_pick(page, "communities", "镇国寺", "镇国寺社区")
    page.select_option("#id_kind", "cadre")
    page.click("#criteria-form button[type=submit]")
    page.wait_for_selector(".messages")
    assert Assignment.objects.filter(area=community, end__isnull=True).count() == 20
    assert Worker.objects.filter(pk__in=[c.pk for c in cadres], area=community).count() == 20

    # 2. The community builds the week's roster (phone page).
    ph = phone_page
    login(ph, "planner-bt")
    ph.goto(f"/workforce/rosters/?community={community.pk}")
    ph.click("#roster-generate")
    ph.wait_for_selector(".messages")
    assert "排班已生成" in ph.inner_text(".messages")
    now = timezone.now()
    on_now = (
        PostShift.objects.filter(post=gate, start__lte=now, end__gt=now).select_related("worker__user").get()
    )
    assert on_now.worker.user is not None
    assert ph.evaluate("document.documentElement.scrollWidth") <= 390
    # The attendance rate before: the shift under way, nobody checked in yet.
    ph.goto("/workforce/attendance/")
    before = ph.inner_text("#attendance-rate")
    assert before == "0%"

    # The post's QR code, as the community prints it from the post's code page.
    ph.goto(f"/workforce/posts/{gate.pk}/code/")
    assert ph.locator(".qr svg").count() == 1
    link = ph.get_attribute("#checkin-link", "href")

    # 3. The cadre on the gate post now scans the code on his phone, logs in, checks in.
    ph.context.clear_cookies()
    ph.goto(link)
    assert "/login/" in ph.url  # the scan opens the login page first, then comes back
    ph.fill("#id_username", on_now.worker.user.username)
    from fangkong.core.testing import PASSWORD

    ph.fill("#id_password", PASSWORD)
    ph.click("#login-form button[type=submit]")
    ph.wait_for_selector("#checkin")
    box = ph.locator("#checkin").bounding_box()
    assert box["height"] >= 44 and box["width"] <= 390
    ph.click("#checkin")
    ph.wait_for_selector("#checkin-status")
    assert re.search(r"\d\d:\d\d", ph.inner_text("#checkin-status"))
    assert Attendance.objects.filter(shift=on_now, worker=on_now.worker).count() == 1
    # Twice in a row: refused, clearly.
    ph.click("#checkout")  # the button now offers check-out; check-in again by posting the form
    ph.wait_for_selector("#checkin")
    ph.click("#checkin")
    ph.wait_for_selector("#checkin-error")
    assert "已签到并签退" in ph.inner_text("#checkin-error")
    assert Attendance.objects.filter(shift=on_now).count() == 1

    # 4. The gate page shows who is on the post (the cadre, who is also the shift's volunteer).
    att = Attendance.objects.get(shift=on_now)
    Attendance.objects.filter(pk=att.pk).update(checked_out_at=None)  # back on duty for the gate page
    ph.goto("/gates/check/")
    ph.wait_for_selector("#on-duty")
    assert on_now.worker.name in ph.inner_text("#on-duty")

    # 5. The attendance figures changed.
    ph.context.clear_cookies()
    login(ph, "planner-bt")
    ph.goto("/workforce/attendance/")
    assert ph.inner_text("#attendance-rate") == "100%"
    assert on_now.worker.name in ph.inner_text(".table-wrap")
