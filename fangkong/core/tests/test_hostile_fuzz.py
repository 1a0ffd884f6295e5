"""Standing test (issue 18): hostile strings to every registered lookup key (core.choices.LOOKUPS) and to
every filter of every list, on the pages (ScopedListView) and in the API (every viewset on the router).
No answer may be a 5xx, and a refusal says why: a 400 carries its message, and a list that rejects a
filter shows the filter's error on the page (or names the filter in the API's 400).

New lookups, list pages, viewsets and filters are picked up by themselves: nothing here names an app."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve

import fangkong.urls  # noqa: F401  (fills the router)
from fangkong.core.api import router
from fangkong.core.choices import LOOKUPS, ScopedFilterBackend
from fangkong.core.views import ScopedListView

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
HOSTILE = [
    NUL,
    "x" * 5000,  # very long
    "2022-02-30",  # impossible dates and times
    "2022-05-01T24:61",
    "25:00",
    "9999-12-31T23:59:59-23:59",  # past the calendar once the offset is applied
    "0001-01-01T00:00+23:59",
    str(2**63),  # bigint overflow
    "-" + "9" * 30,
    "1e309",
    "١٢",  # unicode oddities: Arabic-Indic digits, a superscript, direction marks, an emoji
    "²",
    "\u202e\ufeff1",
    "🦠",
    "%",
]
COMMON = ["page", "per_page", "sort"]  # what every list page reads besides its filters
API_COMMON = ["cursor", "page_size", "ordering"]


def _walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _url(route: str) -> str:
    # An id in the route: 1 (a 404 is an answer too); other converters get a word.
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", route)


def _filter_names(filterset_class, request) -> list[str]:
    """The query parameters a FilterSet reads: each filter's name, or its suffixed names (ranges)."""
    fs = filterset_class(data={}, queryset=filterset_class._meta.model.objects.none(), request=request)
    names = []
    for name, field in fs.form.fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        names += [f"{name}_{s}" if s else name for s in suffixes] if suffixes else [name]
    return names


def _list_pages(admin) -> list[tuple[str, object, list[str]]]:
    """(url, a view set up for the admin, its filter parameters) of every ScopedListView."""
    out = []
    rf = RequestFactory()
    for route, p in _walk(get_resolver()):
        cls = getattr(p.callback, "view_class", None)
        if not (cls and issubclass(cls, ScopedListView)):
            continue
        url = _url(route)
        request = rf.get(url)
        request.user = admin
        view = cls()
        view.setup(request, **resolve(url).kwargs)
        view.filterset_class_ = view.get_filterset_class()
        out.append((url, view, _filter_names(view.filterset_class_, request)))
    return out


def _api_lists(admin) -> list[tuple[str, object, list[str]]]:
    out = []
    rf = RequestFactory()
    backend = ScopedFilterBackend()
    for prefix, viewset, _basename in router.registry:
        request = rf.get(f"/api/{prefix}/")
        request.user = admin
        view = viewset(action="list", request=request, format_kwarg=None, kwargs={})
        view.filterset_class_ = None
        names = []
        if getattr(viewset, "queryset", None) is not None:
            view.filterset_class_ = backend.get_filterset_class(view, viewset.queryset)
            if view.filterset_class_ is not None:
                names = _filter_names(view.filterset_class_, request)
        out.append((f"/api/{prefix}/", view, names))
    return out


def _filter_each(url, view, names, failures) -> None:
    """Each filter on its own with each hostile value, evaluated as the list evaluates it (one query
    each, no page rendered): a value the filter accepts must not break the query."""
    if view.filterset_class_ is None:
        return
    for name in names:
        for value in HOSTILE:
            if value == NUL:
                continue  # refused by the middleware before any filter sees it
            try:
                qs = view.get_queryset()
            except Exception:  # a list whose queryset needs its URL's object: the HTTP pass covers it
                return
            fs = view.filterset_class_(data={name: value}, queryset=qs, request=view.request)
            try:
                with transaction.atomic():
                    if fs.is_valid():
                        list(fs.qs[:1])
            except Exception as exc:
                failures.append((url, name, repr(value[:40]), f"{type(exc).__name__}: {exc}"[:200]))


def _check(resp, where: str, failures: list, value: str) -> None:
    """No 5xx; a 400 names what is wrong; a page that rejects a filter shows the filter's message."""
    if resp.status_code >= 500:
        failures.append((where, repr(value[:40]), resp.status_code))
        return
    if resp.status_code == 400:
        body = resp.content.decode(errors="replace")
        if not body.strip() or ("detail" not in body and "errorlist" not in body and '"' not in body):
            failures.append((where, repr(value[:40]), "400 without a message"))
    if value == NUL and resp.status_code != 400:
        failures.append((where, "NUL", resp.status_code))
    fs = (resp.context or {}).get("filter") if resp.status_code == 200 else None
    if fs is not None and fs.is_bound and fs.errors:
        page = resp.content.decode()
        from django.utils.html import escape

        shown = [m for errs in fs.errors.values() for m in errs if escape(str(m)) in page]
        if not shown:
            failures.append((where, repr(value[:40]), f"filter errors not shown: {dict(fs.errors)}"))


@pytest.fixture
def admin(tree):
    from fangkong.accounts.models import User

    return User.objects.create_superuser("hostile-admin", password="x" * 12)


def _client(user) -> Client:
    c = Client(raise_request_exception=False)  # a 500 is recorded, not raised: every failure is listed
    c.force_login(user)
    return c


@pytest.mark.parametrize("key", sorted(LOOKUPS))
def test_hostile_strings_to_every_lookup_key(tree, admin, key):
    client = _client(admin)
    failures: list = []
    for value in HOSTILE:
        for param in ("q", "id", "perm"):
            resp = client.get(f"/lookup/{key}/", {param: value})
            _check(resp, f"/lookup/{key}/?{param}=", failures, value)
            if resp.status_code == 200:
                assert isinstance(resp.json()["results"], list)
    assert not failures, failures


def test_hostile_strings_to_every_list_filter_on_the_pages(tree, admin):
    client = _client(admin)
    pages = _list_pages(admin)
    assert len(pages) > 20  # the walk found the lists
    failures: list = []
    for url, view, names in pages:
        _filter_each(url, view, names, failures)
        # Then over HTTP, every filter at once: the page renders the rejected filters with their messages.
        for value in HOSTILE:
            params = dict.fromkeys([*names, *COMMON], value)
            _check(client.get(url, params, HTTP_ACCEPT="text/html"), f"{url}?all=", failures, value)
    assert not failures, failures


def test_hostile_strings_to_every_list_filter_in_the_api(tree, admin):
    client = _client(admin)
    lists = _api_lists(admin)
    assert len(lists) > 20 and sum(len(n) for _u, _v, n in lists) > 20
    failures: list = []
    for url, view, names in lists:
        _filter_each(url, view, names, failures)
        for value in HOSTILE:
            params = dict.fromkeys([*names, *API_COMMON], value)
            resp = client.get(url, params, HTTP_ACCEPT="application/json")
            _check(resp, f"{url}?all=", failures, value)
            if resp.status_code == 400 and value != NUL:
                body = resp.json()
                if not set(body) & {*names, *API_COMMON, "detail"}:
                    failures.append((url, repr(value[:40]), f"400 names no field: {body}"))
    assert not failures, failures
