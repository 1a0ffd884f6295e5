"""Issue 9, hole 7: the change log does not show staff phone numbers to readers who may not view them."""

from fangkong.accounts import services
from fangkong.core.models import ChangeLog


def _phone_change(tree, make_user):
    staff = make_user("community_worker", tree.c.community, username="staff_c")
    services.user_update(actor=None, user=staff, phone="13711112222")
    return staff, ChangeLog.objects.filter(object_id=str(staff.pk), message="").latest("id")


def test_change_log_hides_phone_of_users_outside_the_readers_jurisdiction(client, api, tree, make_user):
    staff, entry = _phone_change(tree, make_user)
    reader = make_user("district_admin", tree.a.community)  # may read the change log, not user C
    client.force_login(reader)
    page = client.get(f"/audit/changes/{entry.pk}/").content.decode()
    assert (
        "手机号" in page and "13711112222" not in page
    )  # the field is listed (by its name), its value hidden
    api.as_user(reader)
    assert "13711112222" not in api.get(f"/api/changes/{entry.pk}/").content.decode()
    listed = api.get(f"/api/changes/?object_id={staff.pk}").json()["results"]
    assert listed and all("13711112222" not in str(r["after"]) for r in listed)
    coordinator = make_user("street_coordinator", tree.street2)  # change-log reader without view_user
    assert "13711112222" not in api.as_user(coordinator).get(f"/api/changes/{entry.pk}/").content.decode()


def test_change_log_shows_phone_to_readers_who_may_view_the_user(client, api, tree, make_user):
    staff, entry = _phone_change(tree, make_user)
    reader = make_user("district_admin", tree.district)
    client.force_login(reader)
    assert "13711112222" in client.get(f"/audit/changes/{entry.pk}/").content.decode()
    assert "13711112222" in str(api.as_user(reader).get(f"/api/changes/{entry.pk}/").json()["after"])
