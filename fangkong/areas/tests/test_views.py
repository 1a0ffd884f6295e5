from fangkong.areas.models import Place
from fangkong.core.models import ChangeLog
from fangkong.core.testing import ListViewTestCases


def test_tree_walk_shows_children_with_counts(client, tree, make_user):
    client.force_login(make_user("street_coordinator", tree.street1))
    html = client.get(f"/areas/{tree.street1.pk}/").content.decode()
    assert "<title>卢沟桥街道 · 防控平台</title>" in html and html.count("echarts.min.js") == 1
    assert (
        tree.a.community.name in html and tree.b.community.name in html and tree.c.community.name not in html
    )
    assert 'data-level="household"' in html  # each child card counts households below it
    chart = client.get(f"/areas/{tree.street1.pk}/").context["chart"]
    assert (
        chart["level"] == "household"
        and chart["values"] == [1, 1]
        and chart["names"][0] == tree.a.community.name
    )
    html = client.get(f"/areas/{tree.a.entrance.pk}/").content.decode()
    assert "101室" in html and tree.a.building.name in html  # child below, breadcrumb above


def test_community_worker_cannot_open_the_district_or_another_community(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    assert client.get(f"/areas/{tree.district.pk}/").status_code == 404
    assert client.get(f"/areas/{tree.b.community.pk}/").status_code == 404
    html = client.get(f"/areas/{tree.a.grid.pk}/").content.decode()
    # ancestors outside the scope are named but not linked
    assert f'href="/areas/{tree.street1.pk}/"' not in html and tree.street1.name in html


def test_add_place_under_an_area_is_logged(client, tree, make_user):
    user = make_user("community_worker", tree.a.community)
    client.force_login(user)
    resp = client.post(
        f"/areas/{tree.a.community.pk}/places/add/",
        {
            "kind": "gate",
            "name": "镇国寺社区南门",
            "latitude": "39.85",
            "longitude": "116.28",
            "active": "on",
        },
    )
    place = Place.objects.get(name="镇国寺社区南门")
    assert resp.status_code == 302 and place.area_path == tree.a.community.path
    log = ChangeLog.objects.get(object_id=str(place.pk), content_type__model="place")
    assert log.user == user and log.after["name"] == "镇国寺社区南门"
    html = client.get(f"/areas/{tree.a.community.pk}/").content.decode()
    assert "镇国寺社区南门" in html


def test_place_form_errors_are_shown(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.post(
        f"/areas/{tree.a.community.pk}/places/add/", {"kind": "gate", "name": "", "latitude": "abc"}
    )
    assert resp.status_code == 400 and "errorlist" in resp.content.decode()
    assert not Place.objects.exists()


def test_place_list_exports_the_filtered_rows_to_excel(client, tree, make_user):
    import io

    from openpyxl import load_workbook

    from fangkong.areas import services

    services.place_create(actor=None, area=tree.a.community, kind="gate", name="东门")
    services.place_create(actor=None, area=tree.a.community, kind="sampling_site", name="采样点")
    services.place_create(actor=None, area=tree.b.community, kind="gate", name="别的社区门")
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.get("/areas/places/?kind=gate&export=xlsx")
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "名称" and [r[0] for r in rows[1:]] == ["东门"]


def test_object_change_log_page(client, tree, make_user):
    from fangkong.areas import services

    admin = make_user("district_admin", tree.district)
    place = services.place_create(actor=admin, area=tree.a.community, kind="gate", name="西门")
    services.place_update(actor=admin, place=place, name="西门（临时）")
    client.force_login(admin)
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Place)
    html = client.get(f"/audit/changes/object/{ct.pk}/{place.pk}/").content.decode()
    assert html.count("西门") >= 2 and "修改" in html and "新建" in html
    change = ChangeLog.objects.get(object_id=str(place.pk), action="update")
    detail = client.get(f"/audit/changes/{change.pk}/").content.decode()
    assert "西门（临时）" in detail and change.request_id == "" or change.request_id in detail


class TestPlaceList(ListViewTestCases):
    url = "/areas/places/"
    model = Place
    export_header = "名称"
