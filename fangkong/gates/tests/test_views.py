import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fangkong.gates import selectors, services
from fangkong.gates.models import FollowUp, ReturneeNotice, ScanEvent, Seal
from fangkong.gates.tests.factories import make_gate, resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_check_page_shows_post_and_verdict(client, tree, make_user):
    gate = make_gate(tree.a.community, name="镇国寺西门")
    vol = make_user("gate_volunteer", tree.a.community)
    post = services.post_create(actor=None, place=gate, name="西门夜岗", kind="night")
    now = timezone.now()
    services.shift_create(
        actor=None,
        post=post,
        volunteer=vol,
        start=now - timezone.timedelta(hours=1),
        end=now + timezone.timedelta(hours=1),
    )
    client.force_login(vol)
    resp = client.get("/gates/check/")
    html = resp.content.decode()
    assert resp.status_code == 200 and "西门夜岗" in html and 'id="code"' in html and "gates/gate.js" in html
    person, number = resident(tree.a.household, status="close_contact")
    resp = client.post("/gates/check/", {"code": number, "temperature": "36.4", "direction": "in"})
    html = resp.content.decode()
    assert 'data-result="deny"' in html and "密接" in html
    scan = ScanEvent.objects.get()
    assert scan.post == post and scan.volunteer == vol and scan.person == person


def test_check_page_forbidden_without_permission(client, tree, make_user):
    client.force_login(make_user("hotline_operator", tree.a.community))
    assert client.get("/gates/check/").status_code == 403


def test_posters_and_rotation(client, tree, make_user):
    gate = make_gate(tree.a.community, name="宛平城东门")
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.get(f"/gates/places/{gate.pk}/code/")
    assert resp.status_code == 302
    code_url = resp["Location"]
    page = client.get(code_url).content.decode()
    assert "宛平城东门" in page and "<svg" in page and "/gates/r/" in page
    pk = int(code_url.rstrip("/").split("/")[-1])
    pdf = client.get(f"/gates/codes/{pk}/poster.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    png = client.get(f"/gates/codes/{pk}/poster.png")
    assert png.content.startswith(b"\x89PNG")
    resp = client.post(f"/gates/codes/{pk}/rotate/")
    assert client.get(f"/gates/codes/{pk}/poster.pdf").status_code == 404
    assert resp["Location"] != code_url
    # Someone of another community cannot see the code.
    client.force_login(make_user("community_worker", tree.c.community))
    assert client.get(f"/gates/places/{gate.pk}/code/").status_code == 404


def test_self_registration(client, tree):
    gate = make_gate(tree.a.community)
    code = services.place_code_rotate(actor=None, place=gate)
    url = reverse("gates:self-register", args=[selectors.place_token(code)])
    person, number = resident(tree.a.household, name="王小明")
    page = client.get(url).content.decode()
    assert "self.js" in page and 'name="id_number"' in page
    resp = client.post(url, {"name": "王小明", "id_number": number, "temperature": "36.5", "direction": "in"})
    html = resp.content.decode()
    assert 'data-result="allow"' in html and person.id_masked in html
    wrong = client.post(url, {"name": "李四", "id_number": number, "direction": "in"}).content.decode()
    assert 'data-result="deny"' in wrong
    assert ScanEvent.objects.filter(entry="self").count() == 2
    assert client.get("/gates/r/1.forged/").status_code == 404


def test_public_pass_page(client, tree):
    person, _ = resident(tree.a.household, name="赵六")
    p = person.gate_passes.get()
    html = client.get(reverse("gates:pass-public", args=[selectors.pass_token(p)])).content.decode()
    assert "赵六" in html and "<svg" in html and 'id="pass-state"' in html
    services.pass_revoke(actor=None, pass_obj=p, reason="搬离")
    html = client.get(reverse("gates:pass-public", args=[selectors.pass_token(p)])).content.decode()
    assert "v-deny" in html
    assert client.get(f"/gates/p/{p.pk}.bad/").status_code == 404


def _notice_payload(tree, number):
    return {
        "area": tree.a.community.pk,
        "submitted_by": "landlord",
        "submitter_name": "房东",
        "name": "返京甲",
        "id_type": "resident_id",
        "id_number": number,
        "travel_from": "湖北",
        "landlord_name": "房东",
        "landlord_phone": "13900000000",
    }


def test_returnee_notice_public_and_rate_limited(client, tree):
    from faker import Faker

    number = Faker("zh_CN").ssn()
    resp = client.post("/gates/returnee-notice/", _notice_payload(tree, number))
    html = resp.content.decode()
    notice = ReturneeNotice.objects.get()
    assert notice.tracking_code in html and notice.landlord_phone_masked == "139****0000"
    assert number not in str(notice.__dict__.get("id_masked"))
    track = client.get(f"/gates/returnee-notice/{notice.tracking_code}/").content.decode()
    assert 'id="stage"' in track
    bad = client.post("/gates/returnee-notice/", {**_notice_payload(tree, "110101199001011230")})
    assert bad.status_code == 400
    statuses = [client.post("/gates/returnee-notice/", {"name": ""}).status_code for _ in range(40)]
    assert 429 in statuses


def test_returnee_review_flow_in_views(client, tree, make_user, monkeypatch):
    from faker import Faker

    number = Faker("zh_CN").ssn()
    notice = services.returnee_notice_submit(
        area=tree.a.household, submitted_by="self", name="返京乙", id_number=number, travel_from="河北"
    )
    client.force_login(make_user("community_worker", tree.a.community))
    client.post(f"/gates/returnees/{notice.pk}/review/", {"accept": "1"})
    page = client.get(f"/gates/returnees/{notice.pk}/").content.decode()
    assert "独立卫生间" in page  # the checklist comes from policy
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(photo, "PNG")  # a real image: fakes are refused
    photo.seek(0)
    photo.name = "room.png"
    data = {f"cond_{i}": "on" for i in range(4)} | {"notes": "已核查", "photos": [photo]}
    client.post(f"/gates/returnees/{notice.pk}/inspect/", data)
    notice.refresh_from_db()
    insp = notice.inspections.get()
    assert insp.conditions_met and insp.photos.count() == 1
    client.post(f"/gates/returnees/{notice.pk}/decide/", {"decision": "home"})
    notice.refresh_from_db()
    assert notice.stage == "decided"
    pdf = client.get(f"/gates/returnees/{notice.pk}/letter.pdf")
    assert pdf.content.startswith(b"%PDF")
    lst = client.get("/gates/returnees/").content.decode()
    assert 'id="pipeline"' in lst and "返京乙" in lst
    xlsx = client.get("/gates/returnees/?export=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_returnee_notice_for_a_resident_of_another_community_is_not_signed_into_it(
    client, tree, make_user, monkeypatch
):
    """Issue 9.2: a public notice to community A with the ID number of community B's resident, reviewed,
    decided and signed by A, issues no pass and no order in B; A is told to hand it to B."""
    from fangkong.gates.models import Pass
    from fangkong.observation.models import ObservationOrder

    other, number = resident(tree.b.household, with_pass=False, name="异区丙")
    client.post("/gates/returnee-notice/", _notice_payload(tree, number))
    notice = ReturneeNotice.objects.get()
    assert notice.person_id is None  # not tied to B's resident by a public form
    client.force_login(make_user("community_worker", tree.a.community))
    client.post(f"/gates/returnees/{notice.pk}/review/", {"accept": "1"})
    client.post(f"/gates/returnees/{notice.pk}/inspect/", {f"cond_{i}": "on" for i in range(4)})
    client.post(f"/gates/returnees/{notice.pk}/decide/", {"decision": "home"})
    resp = client.post(f"/gates/returnees/{notice.pk}/sign/", {"signed_by": "返京甲"}, follow=True)
    notice.refresh_from_db()
    assert notice.stage == "decided" and notice.person_id is None and not notice.letter_signed_at
    assert not Pass.objects.filter(person=other).exists()
    assert not ObservationOrder.objects.filter(person=other).exists()
    assert "其他社区" in resp.content.decode() and "异区丙" not in resp.content.decode()


def test_seal_views(client, tree, make_user):
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.post(
        "/gates/seals/add/", {"area": tree.a.household.pk, "reason": "empty_home", "slip_number": "F-7"}
    )
    seal = Seal.objects.get()
    assert resp["Location"] == f"/gates/seals/{seal.pk}/"
    client.post(f"/gates/seals/{seal.pk}/check/", {"result": "breached", "note": "封条破损"})
    html = client.get(f"/gates/seals/{seal.pk}/").content.decode()
    assert "封条破损" in html
    lst = client.get("/gates/seals/").content.decode()
    assert "F-7" in lst
    # A household of another community is not offered.
    resp = client.post("/gates/seals/add/", {"area": tree.c.household.pk, "reason": "empty_home"})
    assert resp.status_code == 400 and Seal.objects.count() == 1


def test_refusals_and_follow_ups_lists(client, tree, make_user):
    from fangkong.people.models import Person

    gate = make_gate(tree.a.community)
    _p, number = resident(tree.a.household, return_status=Person.Return.NOT_RETURNED)
    services.scan_record(actor=None, place=gate, code=number)
    client.force_login(make_user("community_worker", tree.a.community))
    html = client.get("/gates/refusals/").content.decode()
    assert "未报备" in html or "without advance notice" in html
    fu = FollowUp.objects.get()
    client.post(f"/gates/follow-ups/{fu.pk}/update/", {"status": "contacted", "notes": "已联系房东"})
    fu.refresh_from_db()
    assert fu.status == "contacted" and "已联系房东" in fu.notes
    day = client.get("/gates/scans/by-day/").content.decode()
    assert 'id="by-day"' in day and gate.name in day
    assert client.get("/gates/scans/by-day/?export=xlsx").content[:2] == b"PK"


def test_issue_pass_and_print_card(client, tree, make_user):
    person, number = resident(tree.a.household, with_pass=False, name="孙七")
    _other, other_number = resident(tree.c.household, with_pass=False)
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.post("/gates/passes/issue/", {"id_number": other_number})
    assert resp.status_code == 400 and "辖区内没有该证件号的居民" in resp.content.decode()
    resp = client.post("/gates/passes/issue/", {"id_number": number})
    p = person.gate_passes.get()
    assert resp["Location"] == f"/gates/passes/{p.pk}/"
    card = client.get(f"/gates/passes/{p.pk}/card/").content.decode()
    assert "孙七" in card and "<svg" in card and p.number in card and number not in card


def test_shift_planning_shows_on_the_phone_page(client, tree, make_user):
    gate = make_gate(tree.a.community, name="车库入口")
    post = services.post_create(actor=None, place=gate, name="地下车库岗", kind="garage")
    vol = make_user("gate_volunteer", tree.a.community, username="vol-garage")
    outsider = make_user("gate_volunteer", tree.c.community, username="vol-elsewhere")
    client.force_login(make_user("community_worker", tree.a.community))
    form = client.get("/gates/shifts/add/").content.decode()
    assert "vol-elsewhere" not in form and 'hx-get="/lookup/gates.volunteer/"' in form
    found = client.get("/lookup/gates.volunteer/", {"q": "vol-"}).json()["results"]
    assert [r["id"] for r in found] == [vol.pk]
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    resp = client.post(
        "/gates/shifts/add/",
        {
            "post": post.pk,
            "volunteer": vol.pk,
            "start": (now - timezone.timedelta(hours=1)).strftime(fmt),
            "end": (now + timezone.timedelta(hours=3)).strftime(fmt),
        },
    )
    assert resp.status_code == 302
    assert "地下车库岗" in client.get("/gates/shifts/").content.decode()
    client.force_login(vol)
    assert "地下车库岗" in client.get("/gates/check/").content.decode()
    assert outsider.gate_shifts.count() == 0


def test_posts_are_added_from_a_page_and_listed_with_their_kind(client, tree, make_user):
    gate = make_gate(tree.a.community, name="宛平城南门")
    other = make_gate(tree.c.community, name="别处的门")
    client.force_login(make_user("community_worker", tree.a.community))
    form = client.get("/gates/posts/add/").content.decode()
    assert "宛平城南门" in form and "别处的门" not in form
    resp = client.post("/gates/posts/add/", {"place": gate.pk, "name": "南门地库岗", "kind": "garage"})
    assert resp.status_code == 302 and resp["Location"] == reverse("gates:post-list")
    listing = client.get("/gates/posts/").content.decode()
    assert "南门地库岗" in listing and "宛平城南门" in listing
    # Someone else's gate is not a choice: the form refuses it and nothing is written.
    resp = client.post("/gates/posts/add/", {"place": other.pk, "name": "越权岗", "kind": "day"})
    assert resp.status_code == 400
    from fangkong.gates.models import Post

    assert list(Post.objects.values_list("name", "kind")) == [("南门地库岗", "garage")]


def test_pass_card_as_pdf(client, tree, make_user):
    person, _number = resident(tree.a.household)
    p = person.gate_passes.get()
    client.force_login(make_user("community_worker", tree.a.community))
    detail = client.get(f"/gates/passes/{p.pk}/").content.decode()
    assert reverse("gates:pass-card-pdf", args=[p.pk]) in detail
    pdf = client.get(f"/gates/passes/{p.pk}/card.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert p.number.encode() in pdf["Content-Disposition"].encode()
    client.force_login(make_user("community_worker", tree.c.community))
    assert client.get(f"/gates/passes/{p.pk}/card.pdf").status_code == 404


def test_check_page_refuses_another_communitys_resident_without_naming_them(client, tree, make_user):
    """Issue 9.3 on the volunteer's page: refused, with the answer an unregistered code gets."""
    gate = make_gate(tree.a.community)
    client.force_login(make_user("gate_volunteer", tree.a.community))
    _person, number = resident(tree.b.household, status="close_contact", name="外区戊")
    html = client.post(
        "/gates/check/", {"place": gate.pk, "code": number, "direction": "in"}
    ).content.decode()
    unknown = client.post(
        "/gates/check/", {"place": gate.pk, "code": "110101199001011237", "direction": "in"}
    ).content.decode()
    assert 'data-result="deny"' in html and "密接" not in html and "外区戊" not in html
    assert "非本辖区登记" in html and "非本辖区登记" in unknown
    assert ScanEvent.objects.filter(person__isnull=False).count() == 0
