"""A bad ?area= on the counts and print pages is an unknown area (404), never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/people/counts/", "/people/ledger/print/"])
@pytest.mark.parametrize("area", ["abc", "1.5", str(10**30), "-1"])
def test_bad_area_param_is_404(client, tree, make_user, url, area):
    client.force_login(make_user("community_worker", tree.a.community))
    assert client.get(url, {"area": area}).status_code == 404


@pytest.mark.parametrize("url", ["/people/counts/", "/people/ledger/print/"])
def test_nul_in_area_param_is_refused_with_its_reason(client, tree, make_user, url):
    """A NUL is refused centrally (issue 18) with a 400 that says why, before any view sees it."""
    client.force_login(make_user("community_worker", tree.a.community))
    resp = client.get(url, {"area": "\x00"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 400 and "空字符" in resp.json()["detail"]


@pytest.mark.parametrize("url", ["/people/counts/", "/people/ledger/print/"])
def test_area_param_still_scopes(client, tree, make_user, url):
    client.force_login(make_user("community_worker", tree.a.community))
    assert client.get(url, {"area": tree.a.community.pk}).context["area"] == tree.a.community
    assert client.get(url, {"area": tree.b.community.pk}).status_code == 404
