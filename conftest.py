import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploads go to a directory of this run (of this worker, under pytest-xdist), not the checkout's."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session", autouse=True)
def _fast_flush():
    """A transactional test's closing flush empties only the tables that hold rows (core/testdb.py)."""
    from fangkong.core.testdb import install_fast_flush

    install_fast_flush()


@pytest.fixture(scope="session", autouse=True)
def _demo_seeded_once(tmp_path_factory):
    """`seed_demo` seeds once per run and later calls on the same database state load its result
    (core/testdb.py); the result is kept beside the workers' temporary directories, shared by them."""
    from fangkong.core.testdb import install_demo_cache

    base = tmp_path_factory.getbasetemp()
    install_demo_cache((base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo-cache")


@pytest.fixture
def tree(db):
    from fangkong.core.testing import build_tree

    return build_tree()


@pytest.fixture
def make_user(db):
    from fangkong.core.testing import make_user

    return make_user


@pytest.fixture
def api(db):
    """An API client; `api.as_user(u)` authenticates with a real token header."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    class Client(APIClient):
        def as_user(self, user):
            token, _ = Token.objects.get_or_create(user=user)
            self.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            return self

    return Client()


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. In CI (FANGKONG_REQUIRE_BROWSER=1) its absence fails."""
    _heavy_files_first(items)
    if os.path.exists(os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")):
        return
    if os.environ.get("FANGKONG_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            "Chromium is required (FANGKONG_REQUIRE_BROWSER=1) but /usr/bin/chromium is missing"
        )
    skip = pytest.mark.skip(reason="Debian chromium not installed: apt-get install chromium chromium-driver")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
            ],
        )
        yield browser
        browser.close()


def _page(chromium, live_server, **ctx):
    from fangkong.core.testing import migrated_data_reload

    migrated_data_reload()
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **ctx)
    context.set_default_timeout(15000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(chromium, live_server, transactional_db, django_db_serialized_rollback):
    """A desktop-sized Chromium page against the live server. The live server needs committed data, so
    the database is flushed after the test; serialized rollback then restores what migrations loaded
    (roles, policy versions) for the tests that follow."""
    context, pg = _page(chromium, live_server, viewport={"width": 1280, "height": 900})
    yield pg
    context.close()


@pytest.fixture
def phone_page(chromium, live_server, transactional_db, django_db_serialized_rollback):
    """A phone-sized page (a gate volunteer's phone at night)."""
    context, pg = _page(
        chromium, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield pg
    context.close()


def browser_login(page, username, password=None):
    from fangkong.core.testing import PASSWORD

    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def login():
    return browser_login


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever an earlier request activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (live server, browser) ends with the database flushed; Django restores what
    migrations loaded (roles, policy versions) only when the next transactional test starts. Serially
    pytest-django runs those tests last, but a pytest-xdist worker runs a file's tests together and
    then other files: restore right after the flush, so that the tests that follow find it."""
    yield
    marker = item.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional or nextitem is None:
        return  # nextitem None: the worker's last test, its test database is being destroyed
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for conn in connections.all(initialized_only=True):
            content = getattr(conn, "_test_serialized_contents", None)
            if content:
                conn.creation.deserialize_db_from_string(content)
        # And the policy versions the data migrations load (idempotent): a worker may have created its
        # database without serialized contents, and later files need the policies in force.
        from fangkong.core.testing import migrated_data_reload

        migrated_data_reload()


# The files that take longest (the demo seeded and crawled, every page rendered, schemathesis, the demo's
# browser tests): scheduled first, so that pytest-xdist's --dist loadfile fills the other worker with the
# many short files meanwhile, instead of ending on one long file while the other worker idles. pyproject's
# --no-loadscope-reorder keeps this order: pytest-xdist otherwise sorts files by their number of tests,
# which scheduled these few-test files last.
HEAVY_FIRST = (
    "core/tests/test_walk.py",
    "core/tests/test_scoping_pages.py",
    "core/tests/test_api_schemathesis.py",
    "core/tests/test_scoping_leaks.py",
    "core/tests/test_hostile_fuzz.py",
    "briefing/tests/test_command_browser.py",
    "briefing/tests/test_browser.py",
    "core/tests/test_menu.py",
    "core/tests/test_workbench.py",
    "gates/tests/test_reliability.py",
    "core/tests/test_celery_worker.py",  # a real Celery worker, started twice (~25-35 s)
)


def _heavy_files_first(items):
    """After pytest-django's own ordering (its hook runs first), stable within each group."""
    rank = {path: i for i, path in enumerate(HEAVY_FIRST)}

    def key(item):
        path = item.nodeid.split("::", 1)[0].removeprefix("fangkong/")
        return rank.get(path, len(rank))

    items.sort(key=key)


# --- No personal data in the log (issue 24; docs/observability.md) --------------------------------
# Every test process writes its log to test-artifacts/logs/<worker>.jsonl (settings, under pytest).
# When the run ends, the controller (after its workers finished) scans those files for ID numbers and
# mobile numbers and fails the run with the offending lines. Files older than this run are skipped.
_RUN_STARTED = __import__("time").time() - 1


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return  # a worker: its controller scans once all workers are done
    from pathlib import Path

    from fangkong.core.logs import scan_log_dir

    found = scan_log_dir(Path(__file__).resolve().parent / "test-artifacts" / "logs", since=_RUN_STARTED)
    if not found:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = ["Personal data in the test log (ID numbers or phones):", *found[:50]]
    if len(found) > 50:
        lines.append(f"… and {len(found) - 50} more lines")
    if reporter is not None:
        reporter.write_sep("=", "log scan failed", red=True)
        for line in lines:
            reporter.write_line(line)
    else:
        print("\n".join(lines))
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
