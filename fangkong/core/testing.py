"""Shared test helpers: a small tree, users with roles, factories for the generic leak test.

An app joins the leak test by registering a factory for each of its scoped models in its
tests/factories.py:

    @register_factory(MyModel)
    def make_mymodel(area):            # area: a household inside the community under test
        return MyModel.objects.create(area=area, ...)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from fangkong.accounts import services as account_services
from fangkong.accounts.models import Role, User
from fangkong.areas import services as area_services
from fangkong.areas.models import Area, Level

PASSWORD = "test-password-123"

FACTORIES: dict[type[models.Model], Callable[[Area], models.Model]] = {}


def register_factory(model):
    def deco(fn):
        FACTORIES[model] = fn
        return fn

    return deco


@dataclass
class Branch:
    community: Area
    grid: Area
    building: Area
    entrance: Area
    household: Area


@dataclass
class Tree:
    city: Area
    district: Area
    street1: Area
    street2: Area
    a: Branch  # street1 / community A
    b: Branch  # street1 / community B
    c: Branch  # street2 / community C


def _branch(street: Area, name: str) -> Branch:
    mk = area_services.area_create
    community = mk(actor=None, parent=street, name=name, level=Level.COMMUNITY)
    grid = mk(actor=None, parent=community, name=f"{name}第1网格", level=Level.GRID)
    building = mk(
        actor=None,
        parent=grid,
        name=f"{name}1号楼",
        level=Level.BUILDING,
        latitude="39.85",
        longitude="116.28",
    )
    entrance = mk(actor=None, parent=building, name="1单元", level=Level.ENTRANCE)
    household = mk(actor=None, parent=entrance, name="101室", level=Level.HOUSEHOLD)
    return Branch(community, grid, building, entrance, household)


def build_tree() -> Tree:
    mk = area_services.area_create
    city = mk(actor=None, parent=None, name="北京市", level=Level.CITY)
    district = mk(actor=None, parent=city, name="丰台区", level=Level.DISTRICT)
    s1 = mk(actor=None, parent=district, name="卢沟桥街道", level=Level.STREET)
    s2 = mk(actor=None, parent=district, name="马家堡街道", level=Level.STREET)
    return Tree(
        city,
        district,
        s1,
        s2,
        _branch(s1, "镇国寺社区"),
        _branch(s1, "宛平城社区"),
        _branch(s2, "角门东里社区"),
    )


def make_user(role: str, area: Area, username: str | None = None, **extra) -> User:
    username = username or f"{role}-{area.pk}-{User.objects.count()}"
    user = account_services.user_create(actor=None, username=username, password=PASSWORD, **extra)
    account_services.scope_add(actor=None, user=user, area=area, role=Role.objects.get(code=role))
    return User.objects.get(pk=user.pk)  # fresh: no cached scopes


def load_factories() -> None:
    """Import every app's tests/factories.py so that their registrations run."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("fangkong."):
            try:
                import_module(f"{config.name}.tests.factories")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tests.factories":
                    raise


def api_ids(client, url: str) -> set:
    """Every id a scoped API list returns, following its keyset pages."""
    ids: set = set()
    sep = "&" if "?" in url else "?"
    next_url = f"{url}{sep}page_size=500"
    while next_url:
        resp = client.get(next_url)
        assert resp.status_code == 200, (url, resp.status_code, resp.content[:300])
        body = resp.json()
        results = body["results"] if isinstance(body, dict) and "results" in body else body
        ids |= {row.get("id") for row in results}
        next_url = body.get("next") if isinstance(body, dict) else None
    return ids


class APIViewTestCases:
    """NetBox-style generic API tests: a subclass names the endpoint and supplies data, not boilerplate.

        class TestPlaceAPI(APIViewTestCases):
            prefix = "places"
            model = Place
            def valid_payload(self, tree): ...
            def invalid_payload(self, tree): ...   # -> (payload, field expected in the errors)

    Each subclass gets: anonymous 401, unknown id 404, list scoped to the user's community, create
    through the service with a change-log entry, malformed payload 400 with field errors in the user's
    language (zh-hans by default, English when the user chose it).
    """

    prefix: str = ""
    model = None
    role = "district_admin"
    creatable = True

    def valid_payload(self, tree) -> dict:
        raise NotImplementedError

    def invalid_payload(self, tree) -> tuple[dict, str]:
        raise NotImplementedError

    def make_object(self, area):
        return FACTORIES[self.model](area)

    def test_anonymous_gets_401(self, api, tree):
        resp = api.get(f"/api/{self.prefix}/")
        assert resp.status_code == 401
        assert "WWW-Authenticate" in resp.headers

    def test_unknown_id_404(self, api, tree, make_user):
        api.as_user(make_user(self.role, tree.a.community))
        resp = api.get(f"/api/{self.prefix}/987654321/")
        assert resp.status_code == 404
        assert "detail" in resp.json()

    def test_list_is_scoped(self, api, tree, make_user):
        load_factories()
        mine, theirs = self.make_object(tree.a.household), self.make_object(tree.b.household)
        api.as_user(make_user(self.role, tree.a.community))
        ids = api_ids(api, f"/api/{self.prefix}/")
        assert mine.pk in ids and theirs.pk not in ids

    def test_create_writes_change_log(self, api, tree, make_user):
        if not self.creatable:
            return
        from django.contrib.contenttypes.models import ContentType

        from .models import ChangeLog

        user = make_user(self.role, tree.a.community)
        resp = api.as_user(user).post(f"/api/{self.prefix}/", self.valid_payload(tree), format="json")
        assert resp.status_code == 201, resp.content
        obj = self.model.objects.get(pk=resp.json()["id"])
        log = ChangeLog.objects.get(
            content_type=ContentType.objects.get_for_model(self.model), object_id=str(obj.pk)
        )
        assert log.action == "create" and log.user_id == user.pk and log.request_id

    def test_invalid_payload_400_in_users_language(self, api, tree, make_user):
        if not self.creatable:
            return
        from fangkong.accounts.services import user_set_language

        payload, field = self.invalid_payload(tree)
        user = make_user(self.role, tree.a.community)
        resp = api.as_user(user).post(f"/api/{self.prefix}/", payload, format="json")
        assert resp.status_code == 400 and field in resp.json(), resp.content
        zh = str(resp.json()[field])
        user_set_language(user=user, language="en")
        resp = api.post(f"/api/{self.prefix}/", payload, format="json")
        en = str(resp.json()[field])
        assert resp.status_code == 400 and en != zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), zh
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), en


class ListViewTestCases:
    """Generic UI list tests for a ScopedListView: login required, scoped rows, filtered Excel export.

    class TestPlaceList(ListViewTestCases):
        url = "/areas/places/"
        model = Place
        export_header = "名称"           # first column header in the zh-hans export
    """

    url: str = ""
    model = None
    role = "district_admin"
    export_header: str = ""

    def make_object(self, area):
        load_factories()
        return FACTORIES[self.model](area)

    def test_anonymous_redirected_to_login(self, client, db):
        resp = client.get(self.url)
        assert resp.status_code == 302 and resp["Location"].startswith("/login/")

    def test_rows_are_scoped(self, client, tree, make_user):
        mine, theirs = self.make_object(tree.a.household), self.make_object(tree.b.household)
        client.force_login(make_user(self.role, tree.a.community))
        resp = client.get(self.url)
        pks = {o.pk for o in resp.context["object_list"]}
        assert mine.pk in pks and theirs.pk not in pks

    def test_export_has_the_visible_rows(self, client, tree, make_user):
        import io

        from openpyxl import load_workbook

        self.make_object(tree.a.household)
        self.make_object(tree.b.household)
        client.force_login(make_user(self.role, tree.a.community))
        resp = client.get(self.url + "?export=xlsx")
        assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = list(load_workbook(io.BytesIO(resp.content)).active.values)
        expected = self.model.objects.visible_to(make_user(self.role, tree.a.community)).count()
        assert len(rows) - 1 == expected >= 1
        if self.export_header:
            assert rows[0][0] == self.export_header


def migrated_data_reload() -> None:
    """Re-run the data migrations that load policy definitions and versions (all idempotent).

    A live-server test commits its data, so its database is flushed afterwards and with it what
    migrations loaded; roles come back through post_migrate, policies through this."""
    from importlib import import_module

    from django.apps import apps
    from django.db.migrations import RunPython
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if not apps.get_app_config(app_label).name.startswith("fangkong.") or not (
            "polic" in name or "default" in name
        ):
            continue
        import_module(migration.__module__)
        for op in migration.operations:
            if isinstance(op, RunPython):
                op.code(apps, None)


STANDARD_PDF_FONTS = {"/Helvetica", "/Times-Roman", "/Courier", "/Symbol", "/ZapfDingbats"}


def pdf_facts(content: bytes) -> dict:
    """What a reader sees in a PDF (pypdf): the text of all pages and, per font, whether it is embedded.
    Standard PDF fonts (reportlab always lists Helvetica) need no embedding and are left out."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            if font.get("/BaseFont") in STANDARD_PDF_FONTS:
                continue
            parts = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            fonts[str(font.get("/BaseFont"))] = all(
                any(k in p["/FontDescriptor"].get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                if "/FontDescriptor" in p
                else False
                for p in parts
            )
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return {"text": text, "fonts": fonts, "title": reader.metadata.title if reader.metadata else None}


class ViewTestCases:
    """NetBox-style generic view tests (utilities/testing/views.py): a subclass names the page, not
    boilerplate, and gets three tests — without the permission 403, with it 200, and an object of
    another community 404 (never 403: its existence is not revealed).

        class TestPersonDetail(ViewTestCases):
            url = "/people/{pk}/"            # {pk}: an object made by make_object; omit for lists
            model = Person                   # make_object defaults to the model's leak-test factory

    `role` holds the permission (at community A), `role_without` does not.
    """

    url: str = ""
    model = None
    role = "district_admin"
    role_without = "leadership_viewer"
    expect_with: tuple = (200,)

    def make_object(self, area):
        load_factories()
        return FACTORIES[self.model](area)

    def url_for(self, obj) -> str:
        return self.url.format(pk=obj.pk) if obj is not None else self.url

    def _obj(self, area):
        return self.make_object(area) if "{pk}" in self.url else None

    def test_without_permission_403(self, client, tree, make_user):
        url = self.url_for(self._obj(tree.a.household))
        client.force_login(make_user(self.role_without, tree.a.community))
        resp = client.get(url)
        assert resp.status_code == 403, (url, resp.status_code)

    def test_with_permission_200(self, client, tree, make_user):
        obj = self._obj(tree.a.household)
        url = self.url_for(obj)
        client.force_login(make_user(self.role, tree.a.community))
        resp = client.get(url)
        assert resp.status_code in self.expect_with, (url, resp.status_code)
        shown = (resp.context or {}).get("object") if resp.context is not None else None
        if obj is not None and shown is not None:
            assert shown.pk == obj.pk  # the page is about the object asked for
        assert resp.content  # a page or document, not an empty answer

    def test_other_community_404(self, client, tree, make_user):
        if "{pk}" not in self.url:
            return
        url = self.url_for(self.make_object(tree.b.household))
        client.force_login(make_user(self.role, tree.a.community))
        resp = client.get(url)
        assert resp.status_code == 404, (url, resp.status_code)


def lookup_pick(page, field: str, typed: str, choose: str) -> None:
    """Browser tests: pick a record in a type-to-search choice (core.choices) the way a user does."""
    box = page.locator(f".lookup[data-lookup={field}] input[type=search]")
    box.fill(typed)
    page.wait_for_selector(f".lookup[data-lookup={field}] .lookup-option")
    page.click(f".lookup[data-lookup={field}] .lookup-option >> text={choose}")
