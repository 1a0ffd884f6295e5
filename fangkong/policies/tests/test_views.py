from fangkong.policies.models import Policy
from fangkong.policies.selectors import policy_value


def test_policy_list_shows_values_in_force(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    html = client.get("/policies/").content.decode()
    assert "返京人员居家观察天数" in html and "37.3" in html and "第九版防控方案" in html


def test_district_admin_adds_version_for_their_district(client, tree, make_user):
    client.force_login(make_user("district_admin", tree.district))
    data = {
        "value": "10",
        "effective_from": "2020-01-01T00:00",
        "area": tree.district.pk,
        "source": "区指挥部通知",
    }
    # First the preview: nothing saved yet.
    resp = client.post("/policies/observation.returnee.days/", {**data, "action": "preview"})
    assert resp.status_code == 200 and 'id="confirm"' in resp.content.decode()
    assert policy_value("observation.returnee.days", area=tree.a.household) == 14
    resp = client.post("/policies/observation.returnee.days/", {**data, "action": "apply"})
    assert resp.status_code == 302
    assert policy_value("observation.returnee.days", area=tree.a.household) == 10
    page = client.get("/policies/observation.returnee.days/").content.decode()
    assert "区指挥部通知" in page and "丰台区" in page


def test_bad_value_is_a_form_error_and_nothing_saved(client, tree, make_user):
    client.force_login(make_user("district_admin", tree.district))
    before = Policy.objects.count()
    resp = client.post(
        "/policies/observation.returnee.days/",
        {"value": "十四", "effective_from": "2020-01-01T00:00", "area": tree.district.pk, "source": "x"},
    )
    assert resp.status_code == 400
    assert "不是有效的" in resp.content.decode()
    assert Policy.objects.count() == before


def test_worker_cannot_add_versions(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    assert "new-version" not in client.get("/policies/observation.returnee.days/").content.decode()
    client.post(
        "/policies/observation.returnee.days/",
        {"value": "3", "effective_from": "2020-01-01T00:00", "area": tree.a.community.pk, "source": "x"},
    )
    assert policy_value("observation.returnee.days", area=tree.a.household) == 14
