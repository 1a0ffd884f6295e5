from fangkong.areas.models import Place
from fangkong.core.testing import APIViewTestCases, api_ids


class TestPlaceAPI(APIViewTestCases):
    prefix = "places"
    model = Place

    def valid_payload(self, tree):
        return {
            "area": tree.a.community.pk,
            "kind": "gate",
            "name": "镇国寺社区西门",
            "latitude": "39.850000",
            "longitude": "116.280000",
        }

    def invalid_payload(self, tree):
        return {"area": tree.a.community.pk, "kind": "spaceport", "name": ""}, "kind"

    def test_cannot_create_outside_jurisdiction(self, api, tree, make_user):
        api.as_user(make_user("community_worker", tree.a.community))
        resp = api.post(
            "/api/places/", {"area": tree.c.community.pk, "kind": "gate", "name": "x"}, format="json"
        )
        assert resp.status_code == 400 and "area" in resp.json()
        assert not Place.objects.filter(name="x").exists()

    def test_gate_volunteer_cannot_create(self, api, tree, make_user):
        api.as_user(make_user("gate_volunteer", tree.a.community))
        resp = api.post("/api/places/", self.valid_payload(tree), format="json")
        assert resp.status_code == 403
        assert not Place.objects.exists()


def test_area_tree_api_filters_children(api, tree, make_user):
    api.as_user(make_user("street_coordinator", tree.street1))
    ids = api_ids(api, f"/api/areas/?parent={tree.street1.pk}")
    assert ids == {tree.a.community.pk, tree.b.community.pk}
    body = api.get(f"/api/areas/{tree.a.building.pk}/").json()
    assert (
        body["level"] == "building" and body["name"] == "镇国寺社区1号楼" and body["latitude"] == "39.850000"
    )


def test_keyset_pagination_walks_all(api, tree, make_user):
    api.as_user(make_user("district_admin", tree.district))
    resp = api.get("/api/areas/?page_size=3")
    body = resp.json()
    assert len(body["results"]) == 3 and body["next"] and "cursor=" in body["next"]
    seen, url = [], "/api/areas/?page_size=3"
    while url:
        body = api.get(url).json()
        seen += [row["path"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == 18 == len(set(seen))  # district + 2 streets + 3 branches × 5 levels, no repeats
    assert seen == sorted(seen)  # keyed on the path: a walk of the tree in order


def test_schema_and_docs(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "openapi: 3" in text and "/api/places/" in text and "/api/policies/value/" in text
    docs = client.get("/api/docs/")
    assert b"swagger-ui" in docs.content and b"cdn" not in docs.content.lower()
