"""The scoped related field (forms, FilterSets, serializers) and the one lookup endpoint behind it."""

import re

import pytest

from fangkong.core.choices import (
    ScopedForm,
    ScopedModelChoiceField,
    ScopedModelMultipleChoiceField,
    ScopedModelSerializer,
    ScopedRelatedField,
)
from fangkong.people.models import Person
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(tree, make_user):
    mine = make_person(tree.a.household, name="甲本社区居民")
    theirs = make_person(tree.b.household, name="乙外社区居民")
    return mine, theirs, make_user("community_worker", tree.a.community)


class PickForm(ScopedForm):
    person = ScopedModelChoiceField("people.person", label="resident")
    people = ScopedModelMultipleChoiceField("people.person", required=False)


def test_form_field_accepts_in_scope_and_refuses_out_of_scope_id(two):
    mine, theirs, user = two
    assert PickForm({"person": mine.pk}, viewer=user).is_valid()
    form = PickForm({"person": theirs.pk, "people": [mine.pk, theirs.pk]}, viewer=user)
    assert not form.is_valid()
    assert set(form.errors) == {"person", "people"}


def test_form_field_without_viewer_accepts_nothing(two):
    mine, _theirs, _user = two
    assert not PickForm({"person": mine.pk}).is_valid()


def test_widget_renders_a_search_box_and_only_the_chosen_visible_label(two):
    mine, theirs, user = two
    html = str(PickForm(initial={"person": mine.pk}, viewer=user)["person"])
    assert "<select" not in html and 'hx-get="/lookup/people.person/"' in html
    assert mine.name in html and f'value="{mine.pk}"' in html
    # a foreign id in the data is not echoed with its label: the page never names it
    html = str(PickForm({"person": theirs.pk}, viewer=user)["person"])
    assert theirs.name not in html and f'value="{theirs.pk}"' not in html


def test_lookup_endpoint_is_scoped_searched_and_bounded(client, two, tree):
    mine, theirs, user = two
    for i in range(25):
        make_person(tree.a.household, name=f"甲本批量{i}")
    client.force_login(user)
    body = client.get("/lookup/people.person/", {"q": "社区居民"}).json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    body = client.get("/lookup/people.person/", {"q": "甲本批量"}).json()
    assert len(body["results"]) == 20 and body["more"] is True
    assert client.get("/lookup/people.person/", {"id": theirs.pk}).json()["results"] == []
    assert (
        client.get("/lookup/people.person/", {"id": mine.pk})
        .json()["results"][0]["text"]
        .startswith(mine.name)
    )
    html = client.get("/lookup/people.person/", {"q": "居民"}, HTTP_HX_REQUEST="true").content.decode()
    assert mine.name in html and theirs.name not in html
    # a perm narrows, never widens: a worker holds no gate-volunteer scan permission outside A either
    assert client.get("/lookup/people.person/", {"q": "乙外"}).json()["results"] == []
    assert client.get("/lookup/nope/", {"q": "x"}).status_code == 404


def test_lookup_endpoint_login_required(client, two):
    resp = client.get("/lookup/people.person/", {"q": "居民"})
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_lookup_by_pinyin_initials_and_exact_phone(client, two, tree):
    from fangkong.core import crypto

    mine, _theirs, user = two
    p = make_person(tree.a.household, name="张三", name_initials="zs")
    p.phone_hash = crypto.blind_index("13800138000", kind="phone")
    p.save()
    client.force_login(user)
    assert p.pk in [r["id"] for r in client.get("/lookup/people.person/", {"q": "zs"}).json()["results"]]
    ids = [r["id"] for r in client.get("/lookup/people.person/", {"q": "13800138000"}).json()["results"]]
    assert ids == [p.pk]


def test_filterset_generated_foreign_key_filter_is_scoped(rf, two):
    from fangkong.core.choices import ScopedFilterSet
    from fangkong.people.models import VulnerableEntry

    class EntryFilter(ScopedFilterSet):
        class Meta:
            model = VulnerableEntry
            fields = ["person"]

    mine, theirs, user = two
    request = rf.get("/")
    request.user = user
    f = EntryFilter({"person": theirs.pk}, queryset=VulnerableEntry.objects.all(), request=request)
    assert not f.is_valid() and "person" in f.errors
    f = EntryFilter({"person": mine.pk}, queryset=VulnerableEntry.objects.all(), request=request)
    assert f.is_valid()
    assert "<select" not in str(f.form["person"]) and theirs.name not in str(f.form)


def test_serializer_related_fields_are_scoped_and_render_as_text(two):
    from rest_framework.test import APIRequestFactory

    from fangkong.people.models import VulnerableEntry

    class EntrySerializer(ScopedModelSerializer):
        class Meta:
            model = VulnerableEntry
            fields = ["person", "category"]

    mine, theirs, user = two
    request = APIRequestFactory().get("/")
    request.user = user
    s = EntrySerializer(data={"person": theirs.pk, "category": "elderly_alone"}, context={"request": request})
    assert not s.is_valid() and "person" in s.errors
    s = EntrySerializer(data={"person": mine.pk, "category": "elderly_alone"}, context={"request": request})
    assert s.is_valid(), s.errors
    field = s.fields["person"]
    assert isinstance(field, ScopedRelatedField) and field.style["base_template"] == "input.html"
    assert set(field.get_queryset().values_list("pk", flat=True)) == {mine.pk}
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("url", "fields"), [("/api/people/", ["household", "landlord"]), ("/api/gates/passes/", ["person"])]
)
def test_browsable_api_forms_have_text_inputs_not_row_lists(client, two, url, fields):
    mine, theirs, user = two
    client.force_login(user)
    html = client.get(url + "?format=api").content.decode()
    for name in fields:
        assert f'name="{name}"' in html, name
        assert not re.search(rf'<select[^>]*name="{name}"', html), name
    assert theirs.name not in html


def test_gate_lists_person_filter_is_a_search_box(client, two):
    """Hole 1: /gates/passes/, /gates/scans/, /gates/refusals/ listed every resident of the district."""
    mine, theirs, user = two
    client.force_login(user)
    for url in ("/gates/passes/", "/gates/scans/", "/gates/refusals/"):
        html = client.get(url).content.decode()
        assert 'hx-get="/lookup/people.person/"' in html, url
        assert not re.search(r'<select[^>]*name="person"', html), url
        assert mine.name not in html and theirs.name not in html, url
        # a foreign resident is refused as a filter value: nothing listed, no label echoed
        resp = client.get(url, {"person": theirs.pk})
        assert theirs.name not in resp.content.decode() and not list(resp.context["object_list"])
