"""One head (户主) per household, and the leadership role's figures without personal data (issue 10)."""

import pytest
from django.core.exceptions import ValidationError

from fangkong.people import imports as ix
from fangkong.people import services
from fangkong.people.models import Person

from .helpers import add_person, resident_id

pytestmark = pytest.mark.django_db


def _row(tree, name, relation=""):
    return {
        ix.NAME: name,
        ix.ID_NUMBER: resident_id(),
        ix.BUILDING: tree.a.building.name,
        ix.ENTRANCE: tree.a.entrance.name,
        ix.HOUSEHOLD: tree.a.household.name,
        ix.RELATION: relation,
    }


def test_import_refuses_a_second_head_in_the_file(tree):
    rows = [_row(tree, "张一", "户主"), _row(tree, "张二", "户主")]
    report = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=True)
    assert not report.committed and report.errors == 1
    [err] = report.row_errors
    assert err.row == 3 and err.column == ix.RELATION and "张一" in err.message
    assert not Person.objects.exists()


def test_import_refuses_a_second_head_beside_the_registered_one(tree):
    add_person(tree.a.household, name="王户主", relation=Person.Relation.OWNER)
    report = services.survey_import(
        actor=None, rows=[_row(tree, "李四", "户主")], within=tree.a.community, commit=True
    )
    assert report.errors == 1 and "王户主" in report.row_errors[0].message
    assert Person.objects.filter(relation=Person.Relation.OWNER).count() == 1


def test_blank_relation_heads_an_empty_household_then_joins_as_family(tree):
    rows = [_row(tree, "赵一"), _row(tree, "赵二")]
    report = services.survey_import(actor=None, rows=rows, within=tree.a.community, commit=True)
    assert report.committed
    relations = dict(Person.objects.values_list("name", "relation"))
    assert relations == {"赵一": Person.Relation.OWNER, "赵二": Person.Relation.FAMILY}


def test_services_keep_one_head(tree):
    head = add_person(tree.a.household, name="户主甲", relation=Person.Relation.OWNER)
    second = add_person(tree.a.household, name="家属乙")
    assert second.relation == Person.Relation.FAMILY
    with pytest.raises(ValidationError):
        add_person(tree.a.household, name="户主丙", relation=Person.Relation.OWNER)
    with pytest.raises(ValidationError):
        services.person_relation_set(actor=None, person=second, relation=Person.Relation.OWNER)
    with pytest.raises(ValidationError):
        services.person_update(actor=None, person=second, relation=Person.Relation.OWNER)
    services.person_relation_set(actor=None, person=head, relation=Person.Relation.FAMILY)
    services.person_relation_set(actor=None, person=second, relation=Person.Relation.OWNER)
    assert list(Person.objects.filter(relation=Person.Relation.OWNER).values_list("name", flat=True)) == [
        "家属乙"
    ]


def test_leadership_sees_figures_without_personal_data(client, tree, make_user):
    from fangkong.observation import services as obs

    worker = make_user("community_worker", tree.a.community)
    person = add_person(tree.a.household, name="隐私张三")
    add_person(tree.b.household, name="隐私李四")
    obs.order_create(actor=worker, person=person, order_type="home", reason="returnee")
    leader = make_user("leadership_viewer", tree.district)
    client.force_login(leader)

    counts = client.get("/people/counts/")
    html = counts.content.decode()
    assert counts.status_code == 200
    assert 'data-status="home_observation">1<' in html  # the figure, not a link to the people
    assert "隐私张三" not in html and "/people/?area=" not in html

    today = client.get("/observation/")
    html = today.content.decode()
    assert today.status_code == 200 and 'id="population"' in html
    assert "隐私张三" not in html and 'id="open-alerts"' not in html

    nav = client.get("/", follow=True).content.decode()  # the leadership lands on the command screen
    assert "/people/counts/" in nav and "/observation/" in nav
    assert client.get("/people/").status_code == 403
    assert client.get(f"/people/{person.pk}/").status_code in (403, 404)
    assert client.get("/observation/orders/").status_code == 403
    assert client.get("/audit/changes/").status_code == 403


def test_a_refused_confirm_always_says_why(client, tree, make_user):
    """A confirm the service refuses (the preview still running, or an import that went back to its
    preview) shows a message, never a silent page or "0 rows have errors"."""
    from fangkong.people.models import ImportBatch

    client.force_login(make_user("community_worker", tree.a.community))
    batch = ImportBatch.objects.create(
        area=tree.a.community,
        area_path=tree.a.community.path,
        filename="a.csv",
        content=b"x",
        sha256="0" * 64,
        state=ImportBatch.State.ANALYSING,
    )
    html = client.post(f"/people/import/{batch.pk}/confirm/", follow=True).content.decode()
    assert "文件仍在检查中" in html and "0 行有错误" not in html
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.ANALYSING and not Person.objects.exists()
