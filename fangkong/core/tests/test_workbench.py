"""The workbench (issue 19): each demo role lands on its work, and every count on a workbench is the row
count of the list its link opens (the demo at tiny scale, seeded once for the module)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from fangkong.accounts.demo import DEMO_USERS, demo_accounts_create
from fangkong.core import workbench as wb

# Where each role lands; None: the workbench itself.
LANDS = {
    "gate_zgs": "/gates/check/",
    "tracer": "/tracing/",
    "leader": "/briefing/command/",
    "grid_zgs1": "/support/runner/",  # the demo's runner (a member of the medicine team)
    "cadre_zgs": "/workforce/me/",  # the demo cadre is a registered worker: their own duty page (issue 20)
    "hotline": "/hotline/new/",  # the 12345 operator answers the phone
    "workplace_fzwm": "/workplaces/reports/mine/",  # their workplace's daily zero report
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", scale="tiny", seed=1, stdout=io.StringIO())
        users = demo_accounts_create()
        yield {u.username: u for u in users}
        transaction.set_rollback(True)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u, *_ in DEMO_USERS])
def test_each_role_lands_on_its_work_and_counts_equal_the_lists(demo, username):
    user = demo[username]
    c = _client(user)
    resp = c.get("/")
    if username in LANDS:
        assert resp.status_code == 302 and resp["Location"] == LANDS[username]
        landing = c.get(resp["Location"])
        assert landing.status_code == 200
        # The workbench is one tap away from the landing page (the header's link).
        assert 'href="/workbench/"' in landing.content.decode()
        resp = c.get("/workbench/")
    assert resp.status_code == 200
    html = resp.content.decode()
    lines = resp.context["lines"]
    for line in lines:
        assert line.count > 0
        assert f'href="{line.url}"'.replace("&", "&amp;") in html
        listed = c.get(line.url)
        assert listed.status_code == 200, line.url
        rows = listed.context["table"].paginator.count
        assert rows == line.count, (line.kind.key, line.url, rows, line.count)
    # Overdue first, then due today, then the rest.
    order = [wb.WHEN_ORDER[line.when] for line in lines]
    assert order == sorted(order)


@pytest.mark.django_db
def test_the_demo_gives_every_working_role_something_to_do(demo):
    """The count test above means something: the demo fills most kinds for its roles."""
    now = timezone.now()
    filled = set()
    for username in ("worker_zgs", "street_lgq", "district_admin", "doctor_lgq", "tracer"):
        filled |= {line.kind.key for line in wb.workbench(demo[username], now)}
    assert len(filled) >= 12, sorted(filled)
    assert {"support.requests_overdue", "observation.alerts_open", "gates.returnees_review"} <= filled
    overdue = [line for line in wb.workbench(demo["worker_zgs"], now) if line.when == "overdue"]
    assert overdue and all(line.oldest is not None for line in overdue)


@pytest.mark.django_db
def test_a_kind_the_user_may_not_open_is_not_on_the_workbench(demo):
    keys = {line.kind.key for line in wb.workbench(demo["hotline"])}
    assert not any(k.startswith(("gates.", "observation.", "tracing.", "people.")) for k in keys)


@pytest.mark.django_db
def test_the_header_search_finds_what_the_user_may_see(demo):
    from fangkong.people.models import Person
    from fangkong.support.models import Request
    from fangkong.tracing.models import Case

    worker = demo["worker_zgs"]
    mine = Person.objects.visible_to(worker).exclude(name_initials="").first()
    c = _client(worker)
    html = c.get("/search/", {"q": mine.name_initials}).content.decode()
    assert f"/people/{mine.pk}/" in html
    other = Person.objects.exclude(pk__in=Person.objects.visible_to(worker)).first()
    resp = c.get("/search/", {"q": other.name})
    assert all(
        f"/people/{p.pk}/" not in resp.content.decode()
        for p in Person.objects.filter(name=other.name)
        if not Person.objects.visible_to(worker).filter(pk=p.pk).exists()
    )
    req = Request.objects.visible_to(worker).first()
    assert f"/support/requests/{req.pk}/" in c.get("/search/", {"q": f"#{req.pk}"}).content.decode()
    tracer = _client(demo["tracer"])
    case = Case.objects.first()
    assert f"/tracing/cases/{case.pk}/" in tracer.get("/search/", {"q": case.number}).content.decode()
    assert 'id="search-none"' in c.get("/search/", {"q": "查无此人甲乙丙"}).content.decode()
