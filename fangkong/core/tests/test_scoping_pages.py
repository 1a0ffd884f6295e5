"""The boundary is everything a page shows (ARCHITECTURE.md): the standing leak test over URLs and HTML.

1. Every URL pattern that takes an id or a token is listed in ID_ROUTES (how to fill it with a record of
   another community) or in PUBLIC_ROUTES (why it is not scoped, e.g. a public signed link). A user of
   community A gets 404 (not 403, not 200) for community B's records. A new pattern that is in neither
   fails `test_every_id_route_has_a_case`.
2. Communities B and C are seeded with distinctive names, ID numbers and phones (and their records get
   ids from a distinctive range), then every page without ids (lists with their filter forms, add
   forms), A's own detail and edit pages and the browsable API are rendered as a worker of A and as a
   district-admin-role user of A. None of B's or C's strings or record ids may appear in the HTML.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import fangkong.urls  # noqa: F401  (registers every app's API viewsets on the router)
from fangkong.core.api import router
from fangkong.core.scoping import scoped_models
from fangkong.core.testing import FACTORIES, load_factories

load_factories()
MODELS = sorted(scoped_models(), key=lambda m: m._meta.label)
pytestmark = pytest.mark.django_db

# Distinctive values seeded in B and C: a leak of any of them is unmistakable.
LEAK = {
    "b": {"name": "乙泄漏居民", "id": "11010619800101002X", "phone": "13911110001", "area": "乙泄漏"},
    "c": {"name": "丙泄漏居民", "id": "110106198001010038", "phone": "13911110002", "area": "丙泄漏"},
}
ID_BASE = 7_700_000  # B's and C's records get ids from here on (per table, see _bump_sequences)


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def _obj(objs, label, k):
    return objs[_model(label)][k]


# url name -> how to fill its arguments with branch k's records (objs: model -> branch -> record)
ID_ROUTES = {
    # workplaces (wp2): zero reports, report links, inspections, the ledger
    "workplaces:zeroreport-detail": lambda o, k: {"pk": _obj(o, "workplaces.ZeroReport", k).pk},
    "workplaces:report-file": lambda o, k: {"pk": _obj(o, "workplaces.ZeroReport", k).workplace_id},
    "workplaces:inspection-add": lambda o, k: {"pk": _obj(o, "workplaces.Inspection", k).workplace_id},
    **{
        f"workplaces:{name}": (lambda o, k: {"pk": _obj(o, "workplaces.ReportLink", k).pk})
        for name in ("reportlink-detail", "reportlink-qr", "reportlink-revoke")
    },
    "workplaces:inspection-detail": lambda o, k: {"pk": _obj(o, "workplaces.Inspection", k).pk},
    "workplaces:inspection-photo": lambda o, k: {"pk": _obj(o, "workplaces.InspectionPhoto", k).pk},
    "workplaces:ledger-detail": lambda o, k: {"pk": _obj(o, "workplaces.LedgerItem", k).pk},
    "workplaces:ledger-extend": lambda o, k: {"pk": _obj(o, "workplaces.LedgerItem", k).pk},
    "areas:area-detail": lambda o, k: {"pk": _obj(o, "areas.Area", k).pk},
    "areas:place-add": lambda o, k: {"pk": _obj(o, "areas.Area", k).pk},
    "areas:place-detail": lambda o, k: {"pk": _obj(o, "areas.Place", k).pk},
    "areas:place-edit": lambda o, k: {"pk": _obj(o, "areas.Place", k).pk},
    "accounts:user-detail": lambda o, k: {"pk": _obj(o, "accounts.Scope", k).user_id},
    "accounts:scope-add": lambda o, k: {"pk": _obj(o, "accounts.Scope", k).user_id},
    "accounts:scope-remove": lambda o, k: {
        "pk": _obj(o, "accounts.Scope", k).user_id,
        "scope_pk": _obj(o, "accounts.Scope", k).pk,
    },
    "accounts:user-toggle-active": lambda o, k: {"pk": _obj(o, "accounts.Scope", k).user_id},
    "core:change-detail": lambda o, k: {"pk": _obj(o, "core.ChangeLog", k).pk},
    "people:person-detail": lambda o, k: {"pk": _obj(o, "people.Person", k).pk},
    "people:person-reveal": lambda o, k: {"pk": _obj(o, "people.Person", k).pk},
    "people:person-edit": lambda o, k: {"pk": _obj(o, "people.Person", k).pk},
    "people:person-status": lambda o, k: {"pk": _obj(o, "people.Person", k).pk},
    "people:person-move": lambda o, k: {"pk": _obj(o, "people.Person", k).pk},
    "people:entry-add": lambda o, k: {"pk": _obj(o, "people.Person", k).pk},
    "people:household": lambda o, k: {"pk": _obj(o, "people.Person", k).area_id},
    "people:person-add": lambda o, k: {"pk": _obj(o, "people.Person", k).area_id},
    "people:entrance": lambda o, k: {"pk": _obj(o, "people.Person", k).area.parent_id},
    "people:entry-detail": lambda o, k: {"pk": _obj(o, "people.VulnerableEntry", k).pk},
    "people:entry-edit": lambda o, k: {"pk": _obj(o, "people.VulnerableEntry", k).pk},
    "people:visit-add": lambda o, k: {"pk": _obj(o, "people.VulnerableEntry", k).pk},
    "people:import-detail": lambda o, k: {"pk": _obj(o, "people.ImportBatch", k).pk},
    "people:import-commit": lambda o, k: {"pk": _obj(o, "people.ImportBatch", k).pk},
    "people:import-errors": lambda o, k: {"pk": _obj(o, "people.ImportBatch", k).pk},
    "gates:pass-detail": lambda o, k: {"pk": _obj(o, "gates.Pass", k).pk},
    "gates:pass-card": lambda o, k: {"pk": _obj(o, "gates.Pass", k).pk},
    "gates:pass-card-pdf": lambda o, k: {"pk": _obj(o, "gates.Pass", k).pk},
    "gates:pass-revoke": lambda o, k: {"pk": _obj(o, "gates.Pass", k).pk},
    "gates:place-code": lambda o, k: {"place_pk": _obj(o, "areas.Place", k).pk},
    "gates:placecode-detail": lambda o, k: {"pk": _obj(o, "gates.PlaceCode", k).pk},
    "gates:poster-pdf": lambda o, k: {"pk": _obj(o, "gates.PlaceCode", k).pk},
    "gates:poster-png": lambda o, k: {"pk": _obj(o, "gates.PlaceCode", k).pk},
    "gates:placecode-rotate": lambda o, k: {"pk": _obj(o, "gates.PlaceCode", k).pk},
    "gates:returnee-detail": lambda o, k: {"pk": _obj(o, "gates.ReturneeNotice", k).pk},
    "gates:returnee-review": lambda o, k: {"pk": _obj(o, "gates.ReturneeNotice", k).pk},
    "gates:returnee-inspect": lambda o, k: {"pk": _obj(o, "gates.ReturneeNotice", k).pk},
    "gates:returnee-decide": lambda o, k: {"pk": _obj(o, "gates.ReturneeNotice", k).pk},
    "gates:returnee-sign": lambda o, k: {"pk": _obj(o, "gates.ReturneeNotice", k).pk},
    "gates:returnee-letter": lambda o, k: {"pk": _obj(o, "gates.ReturneeNotice", k).pk},
    "gates:followup-update": lambda o, k: {"pk": _obj(o, "gates.FollowUp", k).pk},
    "gates:inspection-photo": lambda o, k: {"pk": _obj(o, "gates.InspectionPhoto", k).pk},
    "gates:returnee-households": lambda o, k: {"pk": _obj(o, "gates.ReturneeNotice", k).pk},
    "people:import-cancel": lambda o, k: {"pk": _obj(o, "people.ImportBatch", k).pk},
    "gates:seal-detail": lambda o, k: {"pk": _obj(o, "gates.Seal", k).pk},
    "gates:seal-check": lambda o, k: {"pk": _obj(o, "gates.Seal", k).pk},
    "observation:order-detail": lambda o, k: {"pk": _obj(o, "observation.ObservationOrder", k).pk},
    "observation:order-qr": lambda o, k: {"pk": _obj(o, "observation.ObservationOrder", k).pk},
    "observation:order-action": lambda o, k: {
        "pk": _obj(o, "observation.ObservationOrder", k).pk,
        "action": "extend",
    },
    "observation:alert-resolve": lambda o, k: {"pk": _obj(o, "observation.Alert", k).pk},
    "observation:report-needs-done": lambda o, k: {"pk": _obj(o, "observation.HealthReport", k).pk},
    "observation:stay-detail": lambda o, k: {"pk": _obj(o, "observation.Stay", k).pk},
    "observation:stay-certificate": lambda o, k: {"pk": _obj(o, "observation.Stay", k).pk},
    "observation:stay-discharge": lambda o, k: {"pk": _obj(o, "observation.Stay", k).pk},
    "briefing:briefing-detail": lambda o, k: {"pk": _obj(o, "briefing.FigureValue", k).briefing_id},
    "briefing:briefing-pdf": lambda o, k: {"pk": _obj(o, "briefing.FigureValue", k).briefing_id},
    "briefing:briefing-xlsx": lambda o, k: {"pk": _obj(o, "briefing.FigureValue", k).briefing_id},
    "briefing:briefing-check": lambda o, k: {"pk": _obj(o, "briefing.Briefing", k).pk},
    "briefing:item-add": lambda o, k: {"pk": _obj(o, "briefing.Briefing", k).pk},
    "briefing:item-state": lambda o, k: {"pk": _obj(o, "briefing.Item", k).pk},
    "tracing:case-detail": lambda o, k: {"pk": _obj(o, "tracing.Case", k).pk},
    "tracing:case-letters": lambda o, k: {"pk": _obj(o, "tracing.Case", k).pk},
    "tracing:case-action": lambda o, k: {"pk": _obj(o, "tracing.Case", k).pk, "action": "candidates"},
    "tracing:contact-detail": lambda o, k: {"pk": _obj(o, "tracing.Contact", k).pk},
    "tracing:cluster-detail": lambda o, k: {"pk": _obj(o, "tracing.Cluster", k).pk},
    "tracing:task-done": lambda o, k: {"pk": _obj(o, "tracing.ScreeningTask", k).pk},
    "screening:campaign-detail": lambda o, k: {"pk": _obj(o, "screening.Campaign", k).pk},
    "screening:campaign-action": lambda o, k: {
        "pk": _obj(o, "screening.Campaign", k).pk,
        "action": "finished",
    },
    "screening:site-add": lambda o, k: {"pk": _obj(o, "screening.Campaign", k).pk},
    "screening:schedule": lambda o, k: {"pk": _obj(o, "screening.Campaign", k).pk},
    "screening:notice-pdf": lambda o, k: {
        "pk": _obj(o, "screening.Campaign", k).pk,
        "building": _obj(o, "areas.Area", k).pk,
    },
    "screening:lab-import": lambda o, k: {"pk": _obj(o, "screening.Campaign", k).pk},
    "screening:coverage": lambda o, k: {"pk": _obj(o, "screening.Campaign", k).pk},
    "screening:untested": lambda o, k: {"pk": _obj(o, "screening.Campaign", k).pk},
    "screening:reason": lambda o, k: {"pk": _obj(o, "screening.TargetPerson", k).pk},
    "screening:site-detail": lambda o, k: {"pk": _obj(o, "screening.Site", k).pk},
    "screening:site-edit": lambda o, k: {"pk": _obj(o, "screening.Site", k).pk},
    "screening:site-staff-add": lambda o, k: {"pk": _obj(o, "screening.Site", k).pk},
    "screening:lane": lambda o, k: {"pk": _obj(o, "screening.Site", k).pk},
    "screening:lane-lookup": lambda o, k: {"pk": _obj(o, "screening.Site", k).pk},
    "screening:tube-close": lambda o, k: {"pk": _obj(o, "screening.Tube", k).pk},
    "screening:box-detail": lambda o, k: {"pk": _obj(o, "screening.Box", k).pk},
    "screening:box-step": lambda o, k: {"pk": _obj(o, "screening.Box", k).pk},
    "screening:lab-import-detail": lambda o, k: {"pk": _obj(o, "screening.LabImport", k).pk},
    "screening:lab-import-errors": lambda o, k: {"pk": _obj(o, "screening.LabImport", k).pk},
    "screening:retest-done": lambda o, k: {"pk": _obj(o, "screening.RetestItem", k).pk},
    "screening:transfer-done": lambda o, k: {"pk": _obj(o, "screening.TransferTask", k).pk},
    **{
        f"support:{name}": (lambda o, k: {"pk": _obj(o, "support.Closure", k).pk})
        for name in (
            "closure-detail",
            "closure-end",
            "member-add",
            "household-links",
            "board",
            "batch-assign",
            "knocks",
            "supplies",
            "figures",
            "figures-data",
        )
    },
    "support:household-qr": lambda o, k: {
        "pk": _obj(o, "support.Closure", k).pk,
        "household_pk": _obj(o, "support.Closure", k).area_id,
    },
    "support:picking-list": lambda o, k: {
        "pk": _obj(o, "support.Closure", k).pk,
        "building_pk": _obj(o, "support.Closure", k).area.parent.parent_id,
    },
    **{
        f"support:{name}": (lambda o, k: {"pk": _obj(o, "support.Request", k).pk})
        for name in ("request-detail", "request-assign", "request-step", "request-cancel", "runner-act")
    },
    "support:knock-record": lambda o, k: {"pk": _obj(o, "support.DoorKnock", k).pk},
    **{
        f"workplaces:{name}": (lambda o, k: {"pk": _obj(o, "workplaces.Workplace", k).pk})
        for name in ("workplace-detail", "workplace-edit", "plan-generate", "plan-upload")
    },
    "workplaces:plan-file": lambda o, k: {"pk": _obj(o, "workplaces.Plan", k).pk},
    "workplaces:plan-action": lambda o, k: {"pk": _obj(o, "workplaces.Plan", k).pk, "action": "submit"},
    "workplaces:room-edit": lambda o, k: {"pk": _obj(o, "workplaces.Room", k).pk},
}

# url name (or prefix ending in ':') -> why it is not scoped by the viewer's areas
PUBLIC_ROUTES = {
    "lookup": "takes a lookup name, not a record id; its answers are scoped (test_choices.py)",
    "policies:policy-detail": "a policy definition is global; the versions it lists are visible_to-scoped",
    "core:object-changes": "a filtered change-log list: scoped rows, empty for another community's object",
    "gates:pass-public": "public signed pass link: the token is the credential",
    "gates:self-register": "public place-code token for residents' self-registration",
    "gates:returnee-track": "public tracking code given to whoever submitted the notice",
    "observation:public-report": "public signed report link given to the person under observation",
    "tracing:riskarea-run": "a risk area is published policy data, not a community's record; the tasks the run "
    "writes are scoped by each person's household",
    "screening:building-page": "public signed link on a building's printed notice: slots and sites, no person",
    "screening:resident-page": "public signed link given to the resident: their own slot, site and code",
    "support:household": "public signed link (QR on the door notice) of a household in a closed area",
    "workplaces:report-public": "public zero-report link of a workplace (its QR): the token is the credential",
}
# route prefix -> why every URL under it is out of this test
PUBLIC_PREFIXES = {"admin/": "Django admin: staff only (site administrators), not a scoped role's page"}


def _walk(resolver, prefix="", ns=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, p


def _takes_args(route):
    return "<" in route or "(?P<" in route


def _is_api(route):
    return route.startswith("api/")


def _public(name, route):
    return name in PUBLIC_ROUTES or route.startswith(tuple(PUBLIC_PREFIXES))


def test_every_id_route_has_a_case():
    """A new URL that takes an id or a token needs a leak case here (or a reason to be public)."""
    missing = sorted(
        f"{name or '(unnamed)'}  {route}"
        for route, name, _p in _walk(get_resolver())
        if _takes_args(route) and not _is_api(route) and name not in ID_ROUTES and not _public(name, route)
    )
    assert not missing, "add a case to ID_ROUTES (or a reason to PUBLIC_ROUTES) for:\n" + "\n".join(missing)
    stale = [n for n in ID_ROUTES if n not in {name for _r, name, _p in _walk(get_resolver())}]
    assert not stale, f"ID_ROUTES names no longer in the URLconf: {stale}"


def _bump_sequences(base: int) -> None:
    """Give every table's next ids a distinctive range (PostgreSQL), so a leaked id is unmistakable.
    Tables differ by 100 000 so that an id of one table cannot be mistaken for another's."""
    from django.apps import apps

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for i, model in enumerate(sorted(apps.get_models(), key=lambda m: m._meta.db_table)):
            pk = model._meta.pk
            if pk.get_internal_type() not in ("AutoField", "BigAutoField"):
                continue
            cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, pk.column])
            (seq,) = cur.fetchone()
            if seq:
                cur.execute(
                    "SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM " + seq + ")))",
                    [
                        seq,
                        base + i * 100_000,
                    ],
                )


def _branch_named(street, name):
    from fangkong.core.testing import _branch

    return _branch(street, name)


def _seed_leaks(branch, k):
    """The distinctive person of branch k: name, ID number and phone appear nowhere else."""
    from fangkong.core import crypto
    from fangkong.core.identity import mask_id, mask_phone
    from fangkong.people.tests.factories import make_person

    leak = LEAK[k]
    p = make_person(
        branch.household,
        name=leak["name"],
        id_number_enc=crypto.encrypt(leak["id"]),
        id_hash=crypto.blind_index(leak["id"], kind="id"),
        id_masked=mask_id(leak["id"]),
    )
    fields = {f.name for f in p._meta.get_fields()}
    if "phone_hash" in fields:
        p.phone_hash = crypto.blind_index(leak["phone"], kind="phone")
    if "phone_enc" in fields:
        p.phone_enc = crypto.encrypt(leak["phone"])
    if "phone_masked" in fields:
        p.phone_masked = mask_phone(leak["phone"])
    p.save()
    return p


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end."""
    from fangkong.areas import services as area_services
    from fangkong.areas.models import Level
    from fangkong.core.testing import Tree, make_user

    with django_db_blocker.unblock(), transaction.atomic():
        mk = area_services.area_create
        city = mk(actor=None, parent=None, name="北京市", level=Level.CITY)
        district = mk(actor=None, parent=city, name="丰台区", level=Level.DISTRICT)
        s1 = mk(actor=None, parent=district, name="卢沟桥街道", level=Level.STREET)
        s2 = mk(actor=None, parent=district, name="马家堡街道", level=Level.STREET)
        a = _branch_named(s1, "镇国寺社区")
        objs = {m: {"a": FACTORIES[m](a.household)} for m in MODELS}
        users = {
            "worker_a": make_user("community_worker", a.community, username="worker-a"),
            "admin_a": make_user("district_admin", a.community, username="admin-a"),
        }
        _bump_sequences(ID_BASE)
        b = _branch_named(s1, f"{LEAK['b']['area']}社区")
        c = _branch_named(s2, f"{LEAK['c']['area']}社区")
        tree = Tree(city, district, s1, s2, a, b, c)
        for m in MODELS:
            for k, br in (("b", b), ("c", c)):
                objs[m][k] = FACTORIES[m](br.household)
        seeded = {k: _seed_leaks(br, k) for k, br in (("b", b), ("c", c))}
        for k in ("b", "c"):
            # A user who lives in B's scope only, for the user pages.
            make_user("community_worker", getattr(tree, k).community, username=f"worker-{k}-leak")
        yield tree, objs, users, seeded, _leak_needles(objs, seeded)
        transaction.set_rollback(True)


def _leak_needles(objs, seeded) -> list[str]:
    """What must never appear for A: the seeded strings, B's and C's area names and record ids."""
    from fangkong.core.identity import mask_id, mask_phone

    needles = []
    for k in ("b", "c"):
        leak = LEAK[k]
        needles += [leak["name"], leak["id"], leak["phone"], leak["area"]]
        needles += [mask_id(leak["id"]), mask_phone(leak["phone"])]  # as pages show them
    if connection.vendor == "postgresql":
        for m in MODELS:
            for k in ("b", "c"):
                pk = objs[m][k].pk
                if isinstance(pk, int) and pk >= ID_BASE:
                    needles.append(str(pk))
        for k in ("b", "c"):
            needles.append(str(seeded[k].pk))
    return needles


def _leaks(html: str, needles) -> list[str]:
    found = []
    for n in needles:
        if n.isdigit():
            if re.search(rf"(?<![\w.]){n}(?![\w])", html):
                found.append(n)
        elif n in html:
            found.append(n)
    return found


def _static_pages():
    """Every non-API page that takes no argument and answers GET (lists with their filters, add forms)."""
    skip = {"logout", "set-language", "api-token", "api-schema", "api-docs"}
    out = []
    for route, name, _p in _walk(get_resolver()):
        # favicon.ico is a redirect to a static file, not a page.
        if _takes_args(route) or _is_api(route) or name in skip or route.startswith("admin/"):
            continue
        if route == "favicon.ico":
            continue
        out.append(pytest.param("/" + route, id=route or "home"))
    return out


WHO = ["worker_a", "admin_a"]
# page -> why it may name other communities (only their area names, never a record)
AREA_NAMES_ALLOWED = {
    "/gates/returnee-notice/": "the public returnee form: whoever reports picks the community from the "
    "district's list; community names are public, no record of them is shown",
}


@pytest.mark.parametrize("url", _static_pages())
@pytest.mark.parametrize("who", WHO)
def test_pages_show_nothing_of_other_communities(world, client, url, who):
    tree, _objs, users, seeded, needles = world
    client.force_login(users[who])
    if url in AREA_NAMES_ALLOWED:
        needles = [n for n in needles if n not in {LEAK["b"]["area"], LEAK["c"]["area"]}]
    # Unfiltered, then with B's records as filter values: a refused choice must not echo their label.
    foreign = {"area": tree.b.community.pk, "person": seeded["b"].pk, "per_page": 500}
    echoed = {str(v) for v in foreign.values()}  # the page may repeat its own query string in links
    for params in ({"per_page": 500}, foreign):
        resp = client.get(url, params)
        allowed = (200, 302, 400, 403, 405) if params is not foreign else (200, 302, 400, 403, 404, 405)
        assert resp.status_code in allowed, (url, params, resp.status_code)
        html = resp.content.decode(errors="replace")
        check = needles if params is not foreign else [n for n in needles if n not in echoed]
        assert not _leaks(html, check), (url, who, params, _leaks(html, check))


def _api_pages():
    out = []
    for prefix, viewset, _basename in router.registry:
        out.append(
            pytest.param(prefix, getattr(getattr(viewset, "queryset", None), "model", None), id=prefix)
        )
    return out


@pytest.mark.parametrize(("prefix", "model"), _api_pages())
@pytest.mark.parametrize("who", WHO)
def test_browsable_api_shows_nothing_of_other_communities(world, client, prefix, model, who):
    _tree, objs, users, _seeded, needles = world
    client.force_login(users[who])
    urls = [f"/api/{prefix}/?format=api&page_size=500"]
    if model in objs:
        urls.append(f"/api/{prefix}/{objs[model]['a'].pk}/?format=api")
    for url in urls:
        resp = client.get(url)
        assert resp.status_code in (200, 403, 404, 405), (url, resp.status_code)
        html = resp.content.decode(errors="replace")
        assert not _leaks(html, needles), (url, who, _leaks(html, needles))


def _id_route_cases():
    return [pytest.param(name, id=name) for name in sorted(ID_ROUTES)]


@pytest.mark.parametrize("name", _id_route_cases())
def test_id_routes_404_for_other_communities(world, client, name):
    """Records of B and C, fetched by id as A's district-admin-role user (all permissions): 404."""
    _tree, objs, users, _seeded, needles = world
    client.force_login(users["admin_a"])
    for k in ("b", "c"):
        url = reverse(name, kwargs=ID_ROUTES[name](objs, k))
        resp = client.get(url)
        if resp.status_code == 405:
            resp = client.post(url, {})
        assert resp.status_code == 404, (url, k, resp.status_code)


@pytest.mark.parametrize("name", _id_route_cases())
@pytest.mark.parametrize("who", WHO)
def test_own_id_pages_show_nothing_of_other_communities(world, client, name, who):
    """A's own detail, edit and document pages (GET) name nothing of B or C."""
    _tree, objs, users, _seeded, needles = world
    client.force_login(users[who])
    url = reverse(name, kwargs=ID_ROUTES[name](objs, "a"))
    resp = client.get(url)
    assert resp.status_code < 500, (url, resp.status_code)
    if resp.get("Content-Type", "").startswith("text/html"):
        html = resp.content.decode(errors="replace")
        assert not _leaks(html, needles), (url, who, _leaks(html, needles))


def test_the_seeded_leaks_are_detectable(world, client):
    """The detector itself: B's distinctive person shows on B's own page for a user of B."""
    from fangkong.accounts.models import User
    from fangkong.core.identity import mask_id

    _tree, _objs, _users, seeded, needles = world
    client.force_login(User.objects.get(username="worker-b-leak"))
    html = client.get(reverse("people:person-detail", args=[seeded["b"].pk])).content.decode()
    assert {LEAK["b"]["name"], mask_id(LEAK["b"]["id"])} <= set(_leaks(html, needles))
    if connection.vendor == "postgresql":
        assert str(seeded["b"].pk) in _leaks(html, needles)


def _search_terms(world):
    """What a worker of A might type in the header search to find B's and C's records: the seeded names,
    ID numbers, phones and initials, record numbers (case BL…, request #…) and tracking codes."""
    tree, objs, _users, seeded, _needles = world
    terms = []
    for k in ("b", "c"):
        leak = LEAK[k]
        terms += [leak["name"], leak["id"], leak["phone"], seeded[k].name_initials, leak["area"]]
        for label, fmt in (("tracing.Case", "BL{:06d}"), ("support.Request", "#{}")):
            try:
                terms.append(fmt.format(_obj(objs, label, k).pk))
            except LookupError:
                pass
        try:
            terms.append(_obj(objs, "gates.ReturneeNotice", k).tracking_code)
        except LookupError:
            pass
    return [t for t in terms if t]


@pytest.mark.parametrize("who", WHO)
def test_header_search_finds_nothing_of_other_communities(world, client, who):
    """The header's one search box (core/workbench.py searches) answers only the user's own areas."""
    _tree, objs, users, seeded, needles = world
    client.force_login(users[who])
    terms = _search_terms(world)
    assert len(terms) >= 10
    for q in terms:
        resp = client.get(reverse("search"), {"q": q})
        assert resp.status_code == 200
        assert not resp.context["results"], (q, who)
        html = resp.content.decode()
        echo = [n for n in needles if n not in q and q not in n]  # the page repeats its own query
        assert not _leaks(html, echo), (q, who)
    # The same search finds A's own record (the test would pass on a search that finds nothing).
    mine = _obj(objs, "people.Person", "a")
    resp = client.get(reverse("search"), {"q": mine.name})
    assert reverse("people:person-detail", args=[mine.pk]) in resp.content.decode()


def test_workbench_shows_nothing_of_other_communities(world, client):
    """The workbench of a worker of A (and the links behind its lines) name nothing of B or C."""
    _tree, _objs, users, _seeded, needles = world
    client.force_login(users["worker_a"])
    resp = client.get(reverse("workbench"))
    assert resp.status_code == 200 and not _leaks(resp.content.decode(), needles)
    for line in resp.context["lines"]:
        html = client.get(line.url).content.decode()
        assert not _leaks(html, needles), (line.url, _leaks(html, needles))
