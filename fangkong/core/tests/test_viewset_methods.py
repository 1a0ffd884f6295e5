"""Issue 9: every viewset exposes only the methods its services back. A write action inherited from
DRF's mixins (create, update, destroy) saves through the serializer or deletes the row, skipping the
service, its rules and the change log; an exposed action must be overridden (the action or its
perform_* hook) so that it calls a service."""

import pytest
from rest_framework import mixins

from fangkong.core.api import router

# action -> (the DRF mixin that gives it, the names one of which the viewset must override)
WRITE_ACTIONS = {
    "create": (mixins.CreateModelMixin, ("create", "perform_create")),
    "update": (mixins.UpdateModelMixin, ("update", "perform_update")),
    "partial_update": (mixins.UpdateModelMixin, ("partial_update", "update", "perform_update")),
    "destroy": (mixins.DestroyModelMixin, ("destroy", "perform_destroy")),
}


def exposed_actions(viewset) -> set[tuple[str, str]]:
    """(HTTP method, action) pairs the router routes to this viewset and the viewset accepts."""
    out = set()
    for route in router.get_routes(viewset):
        for method, action in route.mapping.items():
            if method in viewset.http_method_names and hasattr(viewset, action):
                out.add((method, action))
    return out


def unbacked(viewset) -> list[str]:
    problems = []
    for method, action in sorted(exposed_actions(viewset)):
        if action not in WRITE_ACTIONS:
            continue
        mixin, names = WRITE_ACTIONS[action]
        inherited = all(getattr(viewset, n, None) is getattr(mixin, n, object()) for n in names)
        if inherited:
            problems.append(f"{viewset.__name__}: {method.upper()} ({action}) is DRF's default")
    return problems


def test_no_viewset_exposes_an_inherited_write():
    problems = [p for _prefix, viewset, _basename in router.registry for p in unbacked(viewset)]
    assert problems == []


def test_the_check_catches_an_inherited_delete():
    """The audit above is not vacuous: a plain ModelViewSet fails it."""
    from fangkong.core.api import ScopedModelViewSet

    class Leaky(ScopedModelViewSet):
        pass

    assert any("DELETE" in p for p in unbacked(Leaky))


@pytest.mark.django_db
def test_delete_of_a_place_is_refused_and_the_place_stays(api, tree, make_user):
    from fangkong.areas import services
    from fangkong.areas.models import Place

    place = services.place_create(actor=None, area=tree.a.community, name="东门", kind="gate")
    api.as_user(make_user("district_admin", tree.district))
    resp = api.delete(f"/api/places/{place.pk}/")
    assert resp.status_code == 405
    assert Place.objects.filter(pk=place.pk).exists()
