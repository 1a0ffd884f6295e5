"""The generic leak test (ARCHITECTURE.md, Scoping): every scoped model, every API list and detail
endpoint, every scoped UI list and detail page. A user scoped to community A sees nothing of
community B; a street coordinator sees both communities of the street and nothing of another street.

Users here hold the district-admin role (every permission), so what they do not see is hidden by
their scope alone, not by a missing permission."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import fangkong.urls  # noqa: E402,F401  (registers every app's API viewsets on the router)
from fangkong.core.api import router
from fangkong.core.scoping import scoped_models
from fangkong.core.testing import FACTORIES, api_ids, load_factories
from fangkong.core.views import ScopedDetailView, ScopedListView

load_factories()
MODELS = sorted(scoped_models(), key=lambda m: m._meta.label)


def _label(m):
    return m._meta.label


def test_every_scoped_model_has_a_factory():
    missing = [m._meta.label for m in MODELS if m not in FACTORIES]
    assert not missing, f"register a leak-test factory for: {missing}"
    assert len(MODELS) >= 6  # areas, places, scopes, policies, change log, access log at least


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test runs in a
    savepoint of its own on top (pytest-django's db fixture)."""
    from django.db import transaction

    from fangkong.core.testing import build_tree, make_user

    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_tree()
        objs = {}
        for model in MODELS:
            objs[model] = {k: FACTORIES[model](getattr(tree, k).household) for k in ("a", "b", "c")}
        users = {
            "community_a": make_user("district_admin", tree.a.community),
            "street1": make_user("district_admin", tree.street1),
        }
        yield tree, objs, users
        transaction.set_rollback(True)


EXPECT = {  # user -> (branches seen, branches hidden)
    "community_a": ({"a"}, {"b", "c"}),
    "street1": ({"a", "b"}, {"c"}),
}


@pytest.mark.parametrize("model", MODELS, ids=_label)
@pytest.mark.parametrize("who", sorted(EXPECT))
def test_queryset_visible_to(world, model, who):
    _tree, objs, users = world
    seen, hidden = EXPECT[who]
    visible = set(model.objects.visible_to(users[who]).values_list("pk", flat=True))
    for k in seen:
        assert objs[model][k].pk in visible, f"{who} should see {k}"
    for k in hidden:
        assert objs[model][k].pk not in visible, f"{who} must not see {k}"


def _api_endpoints():
    out = []
    for prefix, viewset, basename in router.registry:
        model = getattr(getattr(viewset, "queryset", None), "model", None)
        if model in scoped_models():
            out.append(pytest.param(prefix, basename, model, id=prefix))
    return out


@pytest.mark.parametrize(("prefix", "basename", "model"), _api_endpoints())
@pytest.mark.parametrize("who", sorted(EXPECT))
def test_api_list_and_detail(world, api, prefix, basename, model, who):
    _tree, objs, users = world
    seen, hidden = EXPECT[who]
    api.as_user(users[who])
    ids = api_ids(api, f"/api/{prefix}/")
    for k in seen:
        assert objs[model][k].pk in ids
        assert api.get(f"/api/{prefix}/{objs[model][k].pk}/").status_code == 200
    for k in hidden:
        assert objs[model][k].pk not in ids
        assert api.get(f"/api/{prefix}/{objs[model][k].pk}/").status_code == 404


def _walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _ui_views(base):
    out = []
    for route, p in _walk(get_resolver()):
        cls = getattr(p.callback, "view_class", None)
        if cls and issubclass(cls, base) and cls.model in scoped_models():
            out.append(pytest.param(route, cls, id=route))
    return out


@pytest.mark.parametrize(("route", "cls"), [p for p in _ui_views(ScopedListView) if "<" not in p.values[0]])
@pytest.mark.parametrize("who", sorted(EXPECT))
def test_ui_list_pages(world, client, route, cls, who):
    _tree, objs, users = world
    seen, hidden = EXPECT[who]
    client.force_login(users[who])
    resp = client.get("/" + route + "?per_page=500")
    assert resp.status_code == 200
    pks = {o.pk for o in resp.context["object_list"]}
    for k in seen:
        assert objs[cls.model][k].pk in pks
    for k in hidden:
        assert objs[cls.model][k].pk not in pks


@pytest.mark.parametrize(
    ("route", "cls"), [p for p in _ui_views(ScopedDetailView) if p.values[0].endswith("<int:pk>/")]
)
def test_ui_detail_pages(world, client, route, cls):
    _tree, objs, users = world
    client.force_login(users["community_a"])
    for k, status in (("a", 200), ("b", 404), ("c", 404)):
        url = "/" + route.replace("<int:pk>", str(objs[cls.model][k].pk))
        assert client.get(url).status_code == status, (url, k)


@pytest.mark.parametrize("who", sorted(EXPECT))
def test_workbench_counts_only_the_users_areas(world, who):
    """Every to-do kind (core/workbench.py) counts for a user exactly the rows of its list that lie in
    the user's areas: the rows the superuser's list holds, narrowed to the scope's paths."""
    from django.db.models import Q

    from fangkong.accounts.models import User
    from fangkong.core import workbench as wb

    tree, _objs, users = world
    root = User.objects.create_superuser("wb-root", password="x")
    paths = [getattr(tree, k).community.path for k in EXPECT[who][0]]
    inside = Q()
    for p in paths:
        inside |= Q(area_path__startswith=p)
    for kind in wb.kinds():
        line = wb.line_for(kind, users[who])
        everything = wb.list_rows(kind, root)
        assert line is not None and everything is not None, kind.key
        assert line.count == everything.filter(inside).count(), kind.key
    page = _client_for(users[who]).get("/workbench/")
    assert page.status_code == 200
    for line in page.context["lines"]:
        assert line.count == wb.list_rows(line.kind, root).filter(inside).count(), line.kind.key


def _client_for(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c
