import datetime

import pytest
from django.utils import timezone

from fangkong.core.models import SensitiveAccess
from fangkong.tracing import services
from fangkong.tracing.models import Contact

pytestmark = pytest.mark.django_db


def _case(investigator, outbreak):
    return services.case_open(
        actor=investigator, person=outbreak["case_person"], sample_date=timezone.localdate(), lab="疾控"
    )


def test_case_page_logs_every_open(client, investigator, outbreak):
    case = _case(investigator, outbreak)
    client.force_login(investigator)
    for _ in range(2):
        assert client.get(f"/tracing/cases/{case.pk}/").status_code == 200
    assert SensitiveAccess.objects.filter(object_id=str(case.pk), user=investigator).count() == 2


def test_community_b_sees_its_contact_not_the_case(client, investigator, outbreak, tree, make_user):
    case = _case(investigator, outbreak)
    services.candidates_find(actor=investigator, case=case)
    services.contacts_confirm(actor=investigator, contacts=list(Contact.objects.filter(case=case)))
    worker_b = make_user("community_worker", tree.b.community)
    client.force_login(worker_b)
    mine = Contact.objects.get(case=case, person=outbreak["near2"])
    page = client.get("/tracing/contacts/")
    assert page.status_code == 200
    assert [c.pk for c in page.context["object_list"]] == [mine.pk]
    detail = client.get(f"/tracing/contacts/{mine.pk}/")
    assert detail.status_code == 200 and b"case-link" not in detail.content
    assert "王一" not in detail.content.decode()
    assert client.get(f"/tracing/cases/{case.pk}/").status_code == 403
    # Their order is theirs: the observation list of community B shows it.
    assert client.get(f"/observation/orders/{mine.order_id}/").status_code == 200


def test_assigned_investigator_outside_the_area_sees_the_case(
    client, investigator, outbreak, tree, make_user
):
    case = _case(investigator, outbreak)
    other = make_user("investigator", tree.street2)
    client.force_login(other)
    assert client.get(f"/tracing/cases/{case.pk}/").status_code == 404
    services.case_assign(actor=investigator, case=case, users=[other])
    assert client.get(f"/tracing/cases/{case.pk}/").status_code == 200


def test_bulk_confirm_through_the_page_and_twice(client, investigator, outbreak):
    case = _case(investigator, outbreak)
    services.candidates_find(actor=investigator, case=case)
    ids = [str(c.pk) for c in Contact.objects.filter(case=case)]
    client.force_login(investigator)
    url = f"/tracing/cases/{case.pk}/confirm/"
    assert client.post(url, {"contact": ids, "degree": "close"}).status_code == 302
    assert client.post(url, {"contact": ids, "degree": "close"}).status_code == 302  # a double click
    assert Contact.objects.filter(case=case, state="confirmed", order__isnull=False).count() == 3
    from fangkong.observation.models import ObservationOrder

    assert ObservationOrder.objects.count() == 3
    pdf = client.get(f"/tracing/cases/{case.pk}/letters.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_bad_input_gives_messages_not_500(client, investigator, outbreak, tree):
    case = _case(investigator, outbreak)
    client.force_login(investigator)
    # A contact who is the case.
    resp = client.post(
        f"/tracing/cases/{case.pk}/name/", {"person": outbreak["case_person"].pk, "note": "x"}, follow=True
    )
    assert resp.status_code == 200 and "不能作为自己的密接" in resp.content.decode()
    # A loop A → B → A.
    other = services.case_open(actor=investigator, person=outbreak["near1"], sample_date=timezone.localdate())
    services.case_link(actor=investigator, source=case, case=other, kind="copresence", evidence="同门岗")
    resp = client.post(
        f"/tracing/cases/{case.pk}/link/", {"source": other.pk, "kind": "named", "evidence": "x"}, follow=True
    )
    assert resp.status_code == 200 and "循环" in resp.content.decode()
    # An unknown person on the open form.
    resp = client.post("/tracing/cases/add/", {"person": 999999, "lab": "x", "sample_date": "2026-01-01"})
    assert resp.status_code == 400
    # Sample date far in the future.
    future = timezone.localdate() + datetime.timedelta(days=400)
    resp = client.post(
        "/tracing/cases/add/",
        {
            "person": outbreak["far"].pk,
            "lab": "x",
            "sample_date": f"{future:%Y-%m-%d}",
            "classification": "preliminary",
        },
    )
    assert resp.status_code == 400


def test_graph_api_nodes_and_edges(api, investigator, outbreak):
    case = _case(investigator, outbreak)
    services.candidates_find(actor=investigator, case=case)
    services.contacts_confirm(actor=investigator, contacts=list(Contact.objects.filter(case=case)))
    api.as_user(investigator)
    data = api.get(f"/api/tracing/graph/?area={case.area_id}").json()
    assert len(data["nodes"]) == 4 and len(data["links"]) == 3
    assert {link["kind"] for link in data["links"]} == {"household", "copresence"}
    assert api.get("/api/tracing/graph/?area=abc").status_code == 400


def test_api_open_case_idempotent(api, investigator, outbreak):
    api.as_user(investigator)
    body = {
        "person": outbreak["far"].pk,
        "sample_date": f"{timezone.localdate():%Y-%m-%d}",
        "lab": "疾控",
        "source": "screening",
        "source_ref": "T-1",
    }
    a = api.post("/api/tracing/cases/", body, format="json")
    b = api.post("/api/tracing/cases/", body, format="json")
    assert a.status_code == 201 and b.status_code == 201, b.json()
    assert a.json()["id"] == b.json()["id"]


def test_one_click_confirm_and_dismiss_decide_that_row_only(client, investigator, outbreak):
    case = _case(investigator, outbreak)
    services.candidates_find(actor=investigator, case=case)
    near1 = Contact.objects.get(case=case, person=outbreak["near1"])
    near2 = Contact.objects.get(case=case, person=outbreak["near2"])
    client.force_login(investigator)
    # A ticked box elsewhere does not ride along with a row's own button.
    client.post(f"/tracing/cases/{case.pk}/confirm/", {"contact": [near2.pk], "one": near1.pk})
    client.post(f"/tracing/cases/{case.pk}/dismiss/", {"one": near2.pk})
    states = dict(Contact.objects.filter(case=case).values_list("person_id", "state"))
    assert states == {
        outbreak["near1"].pk: "confirmed",
        outbreak["near2"].pk: "dismissed",
        outbreak["neighbour"].pk: "candidate",
    }


def test_fill_in_again_says_the_timeline_is_already_complete(client, investigator, outbreak):
    """Opening the case fills the timeline in; pressing "fill in" afterwards says so, not "0 added"."""
    from django.contrib.messages import get_messages

    case = _case(investigator, outbreak)
    assert case.timeline.exists()
    client.force_login(investigator)
    resp = client.post(f"/tracing/cases/{case.pk}/prefill/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    said = [str(m) for m in get_messages(resp.wsgi_request)]
    assert said == ["时间线已完整：扫码和人口库记录中没有新的内容。"], said
