"""Issue 10, found on the walk: a returnee notice from the public form can be signed (household chosen
or added), the order starts on the arrival date, the letter prints the inspection's results, and the
returnee page shows no raw references."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from faker import Faker

from fangkong.areas import services as area_services
from fangkong.areas.models import Area, Level
from fangkong.gates import services
from fangkong.gates.models import ReturneeNotice
from fangkong.observation.models import ObservationOrder
from fangkong.people.models import Person

pytestmark = pytest.mark.django_db


def _public_notice(client, tree, arrival):
    number = Faker("zh_CN").ssn()
    client.post(
        "/gates/returnee-notice/",
        {
            "area": tree.a.community.pk,
            "submitted_by": "self",
            "name": "返京丙",
            "id_type": "resident_id",
            "id_number": number,
            "travel_from": "湖北",
            "arrival_date": arrival.isoformat(),
        },
    )
    return ReturneeNotice.objects.get(id_masked__endswith=number[-4:])


def _decided(client, tree, make_user, *, met=(0, 1, 2, 3), decision="home"):
    """A public notice taken to the decision through the worker's pages."""
    arrival = timezone.localdate() - datetime.timedelta(days=3)
    notice = _public_notice(client, tree, arrival)
    client.force_login(make_user("community_worker", tree.a.community))
    client.post(f"/gates/returnees/{notice.pk}/review/", {"accept": "1"})
    client.post(f"/gates/returnees/{notice.pk}/inspect/", {f"cond_{i}": "on" for i in met})
    client.post(f"/gates/returnees/{notice.pk}/decide/", {"decision": decision})
    notice.refresh_from_db()
    assert notice.stage == "decided"
    return notice, arrival


def test_public_notice_signed_with_a_chosen_household(client, tree, make_user):
    notice, arrival = _decided(client, tree, make_user)
    page = client.get(f"/gates/returnees/{notice.pk}/").content.decode()
    assert 'id="household"' in page and f"/gates/returnees/{notice.pk}/households/" in page
    # Without a household the page says what is missing and nothing is written.
    resp = client.post(f"/gates/returnees/{notice.pk}/sign/", {"signed_by": "返京丙"}, follow=True)
    assert "住户" in resp.content.decode()
    notice.refresh_from_db()
    assert notice.stage == "decided" and not Person.objects.filter(name="返京丙").exists()
    # The lookup finds the household by its building's name, within the community only.
    lookup = client.get(f"/gates/returnees/{notice.pk}/households/?q=镇国寺社区1号楼").content.decode()
    assert f'value="{tree.a.household.pk}"' in lookup
    other = client.get(f"/gates/returnees/{notice.pk}/households/?q=角门东里社区1号楼").content.decode()
    assert f'value="{tree.c.household.pk}"' not in other and "value=" not in other
    client.post(
        f"/gates/returnees/{notice.pk}/sign/", {"signed_by": "返京丙", "household": tree.a.household.pk}
    )
    notice.refresh_from_db()
    assert notice.stage == "completed" and notice.person.area_id == tree.a.household.pk
    order = ObservationOrder.objects.get(person=notice.person)
    assert order.start == arrival  # from the arrival date, not today
    page = client.get(f"/gates/returnees/{notice.pk}/").content.decode()
    assert "ObservationOrder:" not in page and f'href="/observation/orders/{order.pk}/"' in page
    assert order.get_order_type_display() in page and "返京人员" in page  # the reason, in words
    assert "returnee" not in page.split('id="order"')[1].split("</dd>")[0]


def test_household_of_another_community_is_refused(client, tree, make_user):
    notice, _arrival = _decided(client, tree, make_user)
    client.post(f"/gates/returnees/{notice.pk}/sign/", {"signed_by": "x", "household": tree.c.household.pk})
    notice.refresh_from_db()
    assert notice.stage == "decided"
    with pytest.raises(ValidationError):
        services.returnee_letter_sign(actor=None, notice=notice, signed_by="x", household=tree.b.household)
    assert ReturneeNotice.objects.get(pk=notice.pk).stage == "decided"


def test_public_notice_signed_with_a_new_household(client, tree, make_user):
    notice, _arrival = _decided(client, tree, make_user)
    existing = area_services.area_create(actor=None, parent=tree.a.grid, name="9号楼", level=Level.BUILDING)
    client.post(
        f"/gates/returnees/{notice.pk}/sign/",
        {"signed_by": "返京丙", "building": "9号楼", "entrance": "2单元", "room": "302"},
    )
    notice.refresh_from_db()
    home = notice.person.area
    assert notice.stage == "completed" and home.level == Level.HOUSEHOLD and home.name == "302"
    assert home.parent.name == "2单元" and home.parent.parent_id == existing.pk  # the building was reused
    assert Area.objects.filter(name="9号楼").count() == 1


def test_letter_prints_the_inspection_results(client, tree, make_user):
    pypdf = pytest.importorskip("pypdf")
    notice, _arrival = _decided(client, tree, make_user, met=(1, 2), decision="centralized")
    pdf = client.get(f"/gates/returnees/{notice.pk}/letter.pdf").content
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "× 独门独户或独立楼栋：不符合" in text
    assert "√ 独立房间：符合" in text and "√ 独立卫生间：符合" in text
    assert "× 有人送餐：不符合" in text and "□" not in text
