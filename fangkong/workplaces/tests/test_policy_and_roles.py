"""The policy page previews a dormitory-rule change with the workplaces' own words, and only the
workplace contact role holds the marker that limits it to its own workplace."""

import pytest
from django.utils import timezone

from fangkong.accounts.roles import ROLES
from fangkong.workplaces import rules as R
from fangkong.workplaces import services
from fangkong.workplaces.models import CONTACT_ONLY, Violation

pytestmark = pytest.mark.django_db


def test_only_the_contact_role_is_limited_to_its_workplace():
    from fangkong.accounts.models import Role

    holders = {r.code for r in Role.objects.all() if CONTACT_ONLY in r.perm_names()}
    assert holders == {"workplace_contact"}
    assert all("workplaces.*" not in spec["perms"] for spec in ROLES.values())


def test_policy_page_preview_then_apply(client, wp, dorm, make_user):
    admin = make_user("district_admin", wp.tree.district)
    admin.is_superuser = True
    admin.save()
    room = services.room_create(
        actor=wp.street, dormitory=dorm.above, number="101", floor_area=20, beds=8, occupants=5
    )
    client.force_login(admin)
    url = f"/policies/{R.DORM_MIN_AREA}/"
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    resp = client.post(url, {"value": "5", "effective_from": when, "source": "测试", "note": ""})
    body = resp.content.decode()
    assert resp.status_code == 200 and 'id="workplace-preview"' in body
    assert "新增1处" in body and not Violation.objects.filter(room=room).exists()
    resp = client.post(
        url, {"value": "5", "effective_from": when, "source": "测试", "note": "", "action": "apply"}
    )
    assert resp.status_code == 302
    assert Violation.objects.filter(room=room, rule=R.DORM_MIN_AREA, resolved_at__isnull=True).exists()
