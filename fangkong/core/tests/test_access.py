"""get_visible_or_404: the one access helper for any object fetched by id."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fangkong.core.scoping import get_visible_or_404
from fangkong.people.models import Person
from fangkong.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_own_record_other_community_404_no_permission_403(tree, make_user):
    mine, theirs = make_person(tree.a.household), make_person(tree.b.household)
    worker = make_user("community_worker", tree.a.community)
    assert get_visible_or_404(Person, worker, pk=mine.pk) == mine
    with pytest.raises(Http404):
        get_visible_or_404(Person, worker, pk=theirs.pk)
    with pytest.raises(Http404):
        get_visible_or_404(Person.objects.select_related("area"), worker, pk="not-a-number")
    with pytest.raises(PermissionDenied):
        get_visible_or_404(Person, make_user("gate_volunteer", tree.a.community), pk=mine.pk)


@pytest.mark.parametrize("url", ["/people/ledger/print/", "/people/counts/"])
def test_area_parameter_of_function_views(client, tree, make_user, url):
    """A malformed or foreign ?area= is a 404, not a 500 and not someone else's page."""
    client.force_login(make_user("community_worker", tree.a.community))
    assert client.get(url, {"area": "abc"}).status_code == 404
    assert client.get(url, {"area": tree.b.community.pk}).status_code == 404
    resp = client.get(url, {"area": tree.a.community.pk})
    assert resp.status_code == 200 and tree.a.community.name in resp.content.decode()
