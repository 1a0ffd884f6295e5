"""The tracing API's answers stay inside the boundary and speak the caller's language."""

import pytest
from django.utils import timezone

from fangkong.tracing import services
from fangkong.tracing.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(investigator, outbreak):
    case = services.case_open(
        actor=investigator, person=outbreak["case_person"], sample_date=timezone.localdate(), lab="疾控"
    )
    services.candidates_find(actor=investigator, case=case)
    services.contacts_confirm(actor=investigator, contacts=list(Contact.objects.filter(case=case)))
    return case


def test_contact_api_hides_the_case_from_the_community_that_follows_the_contact(
    api, investigator, outbreak, confirmed, tree, make_user
):
    mine = Contact.objects.get(case=confirmed, person=outbreak["near2"])
    api.as_user(make_user("community_worker", tree.b.community))
    detail = api.get(f"/api/tracing/contacts/{mine.pk}/").json()
    assert detail["id"] == mine.pk and detail["case"] is None
    rows = api.get("/api/tracing/contacts/").json()["results"]
    assert [r["id"] for r in rows] == [mine.pk] and rows[0]["case"] is None
    # Filtering by the case id does not confirm it either.
    by_case = api.get(f"/api/tracing/contacts/?case={confirmed.pk}")
    assert by_case.status_code == 400 or by_case.json()["results"] == []
    # The investigator still sees which case named each contact.
    api.as_user(investigator)
    assert api.get(f"/api/tracing/contacts/{mine.pk}/").json()["case"] == confirmed.pk


def test_confirm_api_error_speaks_chinese(api, investigator, outbreak, confirmed, tree, make_user):
    api.as_user(investigator)
    resp = api.post(
        "/api/tracing/contacts/confirm/",
        {"contacts": [999999]},
        format="json",
        headers={"accept-language": "zh-hans"},
    )
    assert resp.status_code == 400
    msg = resp.json()["contacts"][0]
    assert "unknown" not in msg and "999999" in msg and "未知" in msg


def test_graph_api_errors_speak_chinese(api, investigator, outbreak):
    api.as_user(investigator)
    for query, key in (("area=abc", "area"), ("area=999999", "area"), ("date_from=2026-13-40", "date")):
        resp = api.get(f"/api/tracing/graph/?{query}", headers={"accept-language": "zh-hans"})
        assert resp.status_code == 400, query
        text = " ".join(resp.json()[key])
        assert not any(w in text for w in ("an id", "unknown", "YYYY")), text
