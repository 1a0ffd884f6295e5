"""The standing walk test (issue 10) and the demo it walks on.

The demo district is seeded once for the module (tiny scale, through the services) inside a transaction
that is rolled back at the end. Then every demo role, in zh-hans and in English, follows the links from
the home page and the navigation (GET, same origin, the first link of each URL pattern, bounded) and
every page is checked: no 5xx, no broken or refused link, no Django debug page, no English words in the
Chinese UI, no raw internal references, no empty table without its empty-state text. Finally every page
URL pattern must have been reached by some role, or be listed (with its reason) as an entry point that
arrives by QR code, signed link, form action or file download.
"""

from __future__ import annotations

import io
import re
import time
from collections import deque
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from fangkong.accounts.demo import DEMO_USERS, demo_accounts_create
from fangkong.accounts.models import User

MAX_PAGES_PER_WALK = 260
DOWNLOAD_SUFFIXES = (".pdf", ".png", ".svg", ".xlsx", ".csv")
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/logout/", "/language/")

# Page URL patterns no navigation links to, each with why. Everything else must be reachable.
NOT_LINKED = {
    "login": "the login page is where anonymous users are sent, not a link",
    "logout": "POST only (the log-out button)",
    "set-language": "POST only (the language buttons)",
    "gates:pass-public": "opened from the QR code printed on the pass card",
    "gates:self-register": "opened from the QR code on the place poster",
    "gates:returnee-notice": "opened from the public link in the community's message to returnees",
    "gates:returnee-track": "opened from the tracking code the notice form hands out",
    "observation:public-report": "opened from the signed link sent to the person under observation",
    "screening:building-page": "opened from the QR code on a building's printed testing notice",
    "screening:resident-page": "opened from the signed link sent to the resident (their slot and code)",
    # Buttons shown on a record only at its stage; the walk opens the first record of each list.
    "gates:returnee-review": "form on a returnee page while the notice awaits review",
    "gates:returnee-inspect": "form on a returnee page while the home awaits inspection",
    "gates:returnee-decide": "form on a returnee page once inspected",
    "gates:returnee-sign": "form on a returnee page once decided",
    "gates:followup-update": "form on each open follow-up",
    "observation:report-needs-done": "button on a report whose needs are open",
    "people:import-commit": "confirm button on an import awaiting confirmation",
    "people:import-cancel": "cancel button on an import awaiting confirmation",
    "gates:inspection-photo": "thumbnail on a returnee page's inspection; the demo uploads no photos",
    # Endpoints behind HTMX search boxes: they answer fragments, not pages.
    "lookup": "the scoped search behind every type-to-search choice (core.choices)",
    "briefing:command-data": "the JSON the command screen's script polls (its data-url attribute)",
    "gates:returnee-households": "the household search of the returnee signing form",
    "tracing:graph-data": "the JSON the chain graph page fetches (its data-url)",
    "tracing:task-done": "button on each open screening task",
    "screening:lane-lookup": "the resident search behind the sampling lane page (JSON for lane.js)",
    "support:household": "opened from the signed link or QR code on the household's door notice",
    "support:runner-sync": "POST only: the runner page's offline queue",
    "support:runner-act": "form on each task of the runner page (the walk's users run no deliveries)",
    "support:figures-data": "JSON behind the closure's chart (figures-chart.js)",
    "support:closure-end": "form on an open closure's page",
    "support:member-add": "form on an open closure's page",
    "support:batch-assign": "form per building on the dispatch board",
    "support:request-assign": "form on an open request",
    "support:request-step": "form on an open request",
    "support:request-cancel": "form on an open request",
    "support:knock-record": "form per household of the door-knock list",
    "workforce:register": "opened from the QR code or link a community hands to volunteers and party members",
    "workforce:worker-reveal": "POST only (the reveal form on a worker's page)",
    "workforce:worker-assign": "POST only (the assignment form on a worker's page)",
    "workforce:worker-release": "POST only (the release form on a worker's page)",
    "workforce:link-revoke": "POST only (the revoke button on an open link's page)",
    "workforce:registration-review": "POST only (the approve/reject buttons of the review list)",
    "workforce:request-cancel": "POST only (the cancel button on an open request)",
    "workforce:import-report": "the error report of a failed import, linked from that import's answer",
    "workforce:post-code-change": "POST only (the issue/revoke buttons on a post's check-in code page)",
    "hotline:rate-public": "opened from the SMS rating link sent to the caller after closing",
    "hotline:order-action": "POST only: the forms on a work order's page",
    "hotline:caller": "the caller search behind the quick-entry phone box (HTMX fragment)",
    "hotline:from-support": "POST only: the button on a service request's page",
    "hotline:from-report": "POST only: the button on a health report with needs",
    "hotline:rates-data": "JSON behind the rates' trend chart (rates-chart.js)",
    "hotline:proactive-update": "form on an open proactive task's page",
    "hotline:integration-revoke": "button per active integration on the integrations list",
    "hotline:open311-services": "Open311 endpoint for integrations (JSON), not a page",
    "hotline:open311-service": "Open311 endpoint for integrations (JSON), not a page",
    "hotline:open311-requests": "Open311 endpoint for integrations (JSON), not a page",
    "hotline:open311-request": "Open311 endpoint for integrations (JSON), not a page",
    "hotline:open311-other": "Open311: the 404 of any other path under the endpoint",
    "workplaces:plan-action": "buttons on a plan version at its stage (submit, approve, reject)",
    # workplaces (wp2)
    "workplaces:report-public": "opened from the zero-report link or its QR code handed to the workplace",
    "workplaces:reportlink-qr": "the QR image on a report link's page",
    "workplaces:reportlink-revoke": "POST only: the revoke button on a report link's page",
    "workplaces:ledger-extend": "POST only: the extension form on an open ledger item",
    "workplaces:figures-data": "JSON behind the workplace figures chart (figures-chart.js)",
    "workplaces:inspection-photo": "thumbnail on an inspection page; the demo uploads no photos",
}
# Known gaps, each with who owns it; empty now. An entry is temporary and names its issue.
# Key: "<url name> <kind>", kind one of raw, English, empty, refused, 5xx, broken, debug, unreached.
KNOWN_GAPS: dict[str, str] = {}

WORD = re.compile(r"(?<![A-Za-z0-9_./@-])[A-Za-z][a-z]{2,}(?:[ -][A-Za-z][a-z]+)*(?![A-Za-z0-9_@])")
URL = re.compile(r"https?://\S+")  # a link shown as text is data (the person's report link)
ALLOWED_WORDS = {"English", "Excel", "Fangkong", "Swagger", "Chromium", "Playwright"}
RAW_REFERENCES = {
    "model reference": re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z]+:\d+"),
    "policy key": re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z_]+\.[a-z_]+\b"),
    "state code": re.compile(r"\b[a-z]+(?:_[a-z]+)*\s*(?:→|->)\s*[a-z]+(?:_[a-z]+)*\b"),
    "Python repr": re.compile(
        r"\[\s*'[^'\]]*'(?:\s*,\s*'[^'\]]*')*\s*\]|\{\s*'[^']+'\s*:|\[\s*\d+(?:\s*,\s*\d+)+\s*\]"
    ),
}
DEBUG_404 = ("Using the URLconf defined in", "You’re seeing this error because you have <code>DEBUG = True")


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo at tiny scale and its accounts, seeded once; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        t0 = time.monotonic()
        call_command("seed_demo", scale="tiny", seed=1, stdout=io.StringIO())
        users = demo_accounts_create()
        print(f"\ndemo seeded in {time.monotonic() - t0:.1f}s")
        yield {u.username: u for u in users}
        transaction.set_rollback(True)


# ------------------------------------------------------------------------------------------------ the demo


@pytest.mark.django_db
def test_demo_populates_every_feature(demo):
    from fangkong.gates.models import (
        FollowUp,
        HomeInspection,
        Pass,
        PlaceCode,
        Post,
        ReturneeNotice,
        ScanEvent,
        Seal,
    )
    from fangkong.observation.models import (
        Alert,
        CareGroup,
        HealthReport,
        ObservationOrder,
        OrderStatus,
        OrderType,
        RequiredTest,
        Room,
        SickLeaveReport,
        SiteMember,
        Stay,
    )
    from fangkong.people.models import ImportBatch, Person, VulnerableEntry

    for model in (Person, VulnerableEntry, PlaceCode, Post, Pass, FollowUp, HomeInspection, Seal):
        assert model.objects.exists(), model
    for model in (HealthReport, RequiredTest, Room, SiteMember, Stay, CareGroup, SickLeaveReport):
        assert model.objects.exists(), model
    assert Pass.objects.filter(revoked_at__isnull=False).exists()
    verdicts = set(ScanEvent.objects.values_list("verdict", flat=True))
    assert {"allow", "deny", "refer"} <= verdicts
    # The demo spans a fortnight of scans, not one afternoon.
    days = {s.date() for s in ScanEvent.objects.values_list("scanned_at", flat=True)}
    assert len(days) >= 10
    assert set(ReturneeNotice.Stage.values) <= set(ReturneeNotice.objects.values_list("stage", flat=True))
    assert set(OrderType.values) <= set(ObservationOrder.objects.values_list("order_type", flat=True))
    assert set(OrderStatus.values) - {OrderStatus.TRANSFERRED} <= set(
        ObservationOrder.objects.values_list("status", flat=True)
    )
    assert set(Alert.Kind.values) - {Alert.Kind.POSITIVE} <= set(Alert.objects.values_list("kind", flat=True))
    assert Alert.objects.exclude(status=Alert.Status.OPEN).exists()
    assert {"committed", "preview"} <= set(ImportBatch.objects.values_list("state", flat=True))
    # The leadership briefing: 30 days of history and today's, one amended, decisions and tasks.
    from fangkong.briefing.models import Briefing, FigureValue, Item
    from fangkong.briefing.services import briefing_check

    current = Briefing.objects.filter(state=Briefing.State.CURRENT)
    assert current.values("date").distinct().count() >= 30
    assert Briefing.objects.filter(state=Briefing.State.SUPERSEDED, amends__isnull=True).exists()
    assert Briefing.objects.filter(version__gt=1).exists()
    assert set(FigureValue.Level.values) <= set(FigureValue.objects.values_list("level", flat=True))
    assert set(Item.Kind.values) <= set(Item.objects.values_list("kind", flat=True))
    assert {"done", "in_progress", "open"} <= set(Item.objects.values_list("state", flat=True))
    # The consistency check on the demo: every figure of the latest briefing recomputes the same.
    assert briefing_check(briefing=current.order_by("-date").first()) == []
    from django.db.models import F

    from fangkong.tracing.models import Case, CaseLink, Cluster, Contact, ScreeningTask, TimelineEntry

    for model in (Case, CaseLink, Cluster, ScreeningTask):
        assert model.objects.exists(), model
    assert {"scan", "registry", "told"} <= set(TimelineEntry.objects.values_list("source", flat=True))
    assert set(Contact.State.values) <= set(Contact.objects.values_list("state", flat=True))
    assert {"household", "copresence", "named"} <= set(Contact.objects.values_list("kind", flat=True))
    assert Contact.objects.filter(state="confirmed", order__isnull=False).exists()
    # Workplaces: every type, heads, tenants, both lists, staff matched to the registry, dormitories with
    # rooms in violation (naming their policy version), an approved and a pending plan, the demo contact.
    from fangkong.workplaces.models import Plan as WorkplacePlan
    from fangkong.workplaces.models import StaffMember, Violation, Workplace, WorkplaceType

    assert set(WorkplaceType.values) <= set(Workplace.objects.values_list("type", flat=True))
    assert Workplace.objects.exclude(head_street_name="").exclude(head_property_name="").exists()
    assert {"positive", "negative"} <= set(Workplace.objects.values_list("list_status", flat=True))
    assert StaffMember.objects.filter(person__isnull=False).exists()
    assert Violation.objects.filter(
        resolved_at__isnull=True, room__isnull=False, policy__isnull=False
    ).exists()
    assert {"approved", "submitted"} <= set(WorkplacePlan.objects.values_list("status", flat=True))
    assert Workplace.objects.filter(safety_contact_user__username="workplace_fzwm").exists()
    assert Contact.objects.exclude(area_path__startswith=F("case_area_path")).exists()  # another community
    from fangkong.screening import models as sm

    assert {"finished", "running"} <= set(sm.Campaign.objects.values_list("state", flat=True))
    for model in (sm.TargetPerson, sm.CoverageCount, sm.Site, sm.Sample, sm.Exemption, sm.HomeVisit):
        assert model.objects.exists(), model
    for model in (sm.BoxEvent, sm.LabImport, sm.LabResult, sm.RetestItem, sm.TransferTask, sm.AntigenReport):
        assert model.objects.exists(), model
    assert {"open", "closed", "boxed", "received", "resulted"} <= set(
        sm.Tube.objects.values_list("state", flat=True)
    )
    assert {"sealed", "received"} <= set(sm.Box.objects.values_list("state", flat=True))
    assert sm.LabResult.objects.filter(result="positive").exists()
    # Issue 18: a negative tube's members carry its result; a positive pool's members are to re-sample
    # (not positives) and in home observation by an order; no slot starts before its plan was made.
    assert sm.TargetPerson.objects.filter(result="negative").exists()
    pooled = set(sm.RetestItem.objects.values_list("person_id", flat=True))
    assert sm.TargetPerson.objects.filter(person_id__in=pooled, result="flagged").count() == len(pooled)
    assert ObservationOrder.objects.filter(
        person_id__in=pooled, source__startswith="screening.Tube:"
    ).exists()
    assert sum(sm.CoverageCount.objects.values_list("to_retest", flat=True)) == len(pooled)
    assert sum(sm.CoverageCount.objects.values_list("positive", flat=True)) == (
        sm.TargetPerson.objects.filter(result="preliminary_positive").count()
    )
    assert sm.SlotAssignment.objects.exists()
    for plan in sm.SchedulePlan.objects.all():
        assert not plan.slots.filter(start__lt=plan.created_at).exists(), plan
    from fangkong.support.models import (
        Closure,
        DeliveryAttempt,
        Distribution,
        DoorKnock,
        Escalation,
        Request,
        RequestState,
        RequestStep,
        SupplyLot,
        TeamMember,
    )

    for model in (Closure, TeamMember, RequestStep, DeliveryAttempt, Escalation, SupplyLot, Distribution):
        assert model.objects.exists(), model
    assert Closure.objects.filter(ended_at__isnull=True).exists()
    assert set(RequestState.values) <= set(Request.objects.values_list("state", flat=True))
    assert Request.objects.filter(state="new", deadline__lt=timezone.now()).exists()  # an overdue one
    assert set(DoorKnock.Outcome.values) <= set(DoorKnock.objects.values_list("outcome", flat=True))
    from fangkong.workforce.models import Assignment, DeploymentRequest, RegistrationLink, Worker

    assert set(Worker.Kind.values) <= set(Worker.objects.values_list("kind", flat=True))
    assert {"active", "pending", "rejected"} <= set(Worker.objects.values_list("status", flat=True))
    assert Worker.objects.filter(user__username="cadre_zgs").exists()
    assert Assignment.objects.filter(end__isnull=True, request__isnull=False).exists()
    assert {"open", "filled"} <= set(DeploymentRequest.objects.values_list("status", flat=True))
    assert RegistrationLink.objects.filter(revoked_at__isnull=False).exists()
    # The hotline's analysis: an Open311 integration, a recurring complaint become a proactive task, and
    # the three rates' rollup maintained by the transitions equal to a rebuild from the orders.
    from fangkong.hotline.models import Integration, ProactiveTask, RateRollup
    from fangkong.hotline.models_insight import COUNTERS
    from fangkong.hotline.services import rates_rebuild

    assert Integration.objects.filter(active=True).exists()
    assert ProactiveTask.objects.filter(status="open").exists()

    def rollup():
        return {
            (r.day, r.area_path, r.handler_id): tuple(getattr(r, c) for c in COUNTERS)
            for r in RateRollup.objects.all()
            if any(getattr(r, c) for c in COUNTERS)
        }

    maintained = rollup()
    assert maintained and sum(v[COUNTERS.index("rated")] for v in maintained.values()) > 0
    rates_rebuild()
    assert rollup() == maintained


@pytest.mark.django_db
def test_demo_has_workplace_reports_inspections_and_ledger(demo):
    """wp2's part of the demo: zero reports of several days (some missing, some absences), inspections,
    and ledger items in every state (an overdue one escalated)."""
    from fangkong.workplaces.models import Inspection, LedgerItem, MissingReportAlert, ReportLink, ZeroReport

    assert ZeroReport.objects.values("date").distinct().count() >= 3
    assert ZeroReport.objects.filter(absent_sick__gt=0).exists()
    assert MissingReportAlert.objects.exists() and ReportLink.objects.exists() and Inspection.objects.exists()
    assert set(LedgerItem.Status.values) <= set(LedgerItem.objects.values_list("status", flat=True))
    assert LedgerItem.objects.filter(escalated_at__isnull=False).exists()


@pytest.mark.django_db
def test_every_status_is_backed_by_its_record(demo):
    """A person under observation has the open order behind it; no one else claims a status without
    its record (the observation page and the counts page tell the same story)."""
    from fangkong.observation.models import OPEN_STATUSES, ObservationOrder, OrderStatus
    from fangkong.observation.services import PERSON_STATUS
    from fangkong.people.models import Person, PersonStatus, StatusChange

    running = {}
    for person_id, order_type in ObservationOrder.objects.filter(
        status__in=[s for s in OPEN_STATUSES if s != OrderStatus.PLANNED]
    ).values_list("person_id", "order_type"):
        running.setdefault(person_id, set()).add(PERSON_STATUS[order_type])
    assert running
    history_backed = {PersonStatus.NORMAL, PersonStatus.RECOVERED}
    from fangkong.screening.models import RetestItem, TransferTask
    from fangkong.tracing.models import Case
    from fangkong.tracing.services import CASE_STATUS

    # A positive result's status is backed by the open case (tracing), whatever order the person had.
    cases = {}
    for person_id, classification in Case.objects.values_list("person_id", "classification"):
        if classification in CASE_STATUS:
            cases.setdefault(person_id, set()).add(CASE_STATUS[classification])
    # Mass testing: a preliminary positive has its transfer task (应转尽转), with the dated status the
    # results service wrote. A member of a positive pool is on the retest list; the status the policy
    # gives them is an observation order's, so it needs that order like anyone's (no retest excuses it).
    screening_backed = {
        PersonStatus.PRELIMINARY_POSITIVE: set(TransferTask.objects.values_list("person_id", flat=True)),
    }
    retest = set(RetestItem.objects.values_list("person_id", flat=True))
    assert retest  # the demo has a positive pool, so the case below is walked
    order_backed = set(PERSON_STATUS.values())
    for person in Person.objects.exclude(status=PersonStatus.NORMAL):
        if person.pk in cases:
            assert person.status in cases[person.pk], (person.pk, person.status)
        elif person.status in order_backed:
            assert person.status in running.get(person.pk, set()), (person.pk, person.status)
        elif person.pk in screening_backed.get(person.status, set()) and person.pk not in running:
            assert StatusChange.objects.filter(
                person=person, status=person.status, source__startswith="screening."
            )
        elif person.status in history_backed:
            assert StatusChange.objects.filter(person=person, status=person.status).exists(), person
        else:
            assert person.status in running.get(person.pk, set()), (person.pk, person.status)
    for person_id, statuses in running.items():
        assert Person.objects.get(pk=person_id).status in statuses | cases.get(person_id, set())


# ------------------------------------------------------------------------------------------------ the walk


def _page_patterns() -> dict[str, str]:
    """Every named URL pattern outside the admin and the API: name -> route."""
    out = {}

    def walk(patterns, prefix="", ns=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if route.startswith(("admin/", "api/")):
                    continue
                out[f"{ns}:{p.name}" if ns else p.name] = route

    walk(get_resolver().url_patterns)
    return out


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


HIDDEN_TAGS = {"script", "style", "template", "noscript"}


def _visible_text(doc) -> list[str]:
    """Text a user reads: text nodes and the texts of placeholders, titles and buttons; code and
    elements marked with another language (the language switch) are skipped."""
    texts: list[str] = []

    def walk(el):
        if not isinstance(el.tag, str) or el.tag in HIDDEN_TAGS:
            return
        lang = el.get("lang")
        if el.tag != "html" and lang and not lang.startswith("zh"):
            return
        if el.text and el.text.strip():
            texts.append(el.text.strip())
        for attr in ("placeholder", "title", "aria-label"):
            if el.get(attr):
                texts.append(el.get(attr))
        if el.tag == "input" and el.get("type") in ("submit", "button") and el.get("value"):
            texts.append(el.get("value"))
        for child in el:
            walk(child)
            if child.tail and child.tail.strip():
                texts.append(child.tail.strip())

    walk(doc)
    return texts


def _empty_tables(doc) -> int:
    bad = 0
    for table in doc.iter("table"):
        body_rows = [tr for tr in table.iter("tr") if not any(a.tag == "thead" for a in tr.iterancestors())]
        if not any(tr.text_content().strip() for tr in body_rows):
            bad += 1
    return bad


class Walk:
    def __init__(self, client: Client, who: str, lang: str, known_words: set[str]):
        self.client, self.who, self.lang, self.known_words = client, who, lang, known_words
        self.problems: list[str] = []
        self.reached: set[str] = set()
        self.referenced: set[str] = set()
        self.pages = 0

    def problem(self, url, what):
        """`what` starts with its kind (a word), which KNOWN_GAPS entries name with the page's URL name."""
        self.problems.append(
            (_url_name(urlsplit(url).path), what.split(":")[0], f"[{self.who}/{self.lang}] {url}: {what}")
        )

    def check_page(self, url: str, html: str) -> list[str]:
        if any(marker in html for marker in DEBUG_404):
            self.problem(url, "debug: Django's debug page")
        doc = lxml.html.fromstring(html)
        texts = _visible_text(doc)
        for text in texts:
            for kind, rx in RAW_REFERENCES.items():
                m = rx.search(text)
                if m:
                    self.problem(url, f"raw: {kind} {m.group(0)!r} in {text[:80]!r}")
            if self.lang == "zh-hans":
                for m in WORD.finditer(URL.sub(" ", text)):
                    word = m.group(0)
                    if word in ALLOWED_WORDS or word in self.known_words:
                        continue
                    self.problem(url, f"English: {word!r} in the Chinese UI, in {text[:80]!r}")
        if n := _empty_tables(doc):
            self.problem(url, f"empty: {n} table(s) without an empty-state message")
        # A form's action is a way in too (review, decide, sign…): counted as reached, not fetched.
        for form in doc.iter("form"):
            action = urljoin(url, form.get("action") or url)
            if (name := _url_name(urlsplit(action).path)) is not None:
                self.referenced.add(name)
        return [a.get("href") for a in doc.iter("a") if a.get("href")]

    def run(self, start: list[str]) -> None:
        queue = deque(start)
        seen_names: set[str] = set()
        seen_urls: set[str] = set()
        while queue and self.pages < MAX_PAGES_PER_WALK:
            url, source = queue.popleft() if isinstance(queue[0], tuple) else (queue.popleft(), "start")
            path = urlsplit(url).path
            name = _url_name(path)
            if url in seen_urls:
                continue
            seen_urls.add(url)
            if name is None:
                self.problem(url, f"broken: unknown URL (linked from {source})")
                continue
            if name in seen_names and source != "start":
                continue  # bounded: the first link of each URL pattern
            seen_names.add(name)
            resp = self.client.get(url)
            self.pages += 1
            status = resp.status_code
            if status >= 500:
                self.problem(url, f"5xx: {status} (linked from {source})")
                continue
            if status in (403, 404, 405):
                self.problem(url, f"refused: {status}, linked from {source}")
                continue
            if status in (301, 302):
                self.reached.add(name)
                location = urlsplit(urljoin(url, resp["Location"]))
                if location.netloc in ("", "testserver") and not location.path.startswith(SKIP_PREFIXES):
                    queue.appendleft((location.path + (f"?{location.query}" if location.query else ""), url))
                continue
            self.reached.add(name)
            ctype = resp.get("Content-Type", "")
            if not ctype.startswith("text/html") or path.endswith(DOWNLOAD_SUFFIXES):
                continue
            for href in self.check_page(url, resp.content.decode()):
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                    continue
                if parts.path.startswith(SKIP_PREFIXES) or "export=" in parts.query or href.startswith("#"):
                    continue
                link = parts.path + (f"?{parts.query}" if parts.query else "")
                if link not in seen_urls:
                    queue.append((link, url))


def _known_words(users) -> set[str]:
    """ASCII that is data, not UI: usernames (the change log names the actor)."""
    return {u.username for u in users}


def _one_per_role() -> list[str]:
    """One demo account per role (the superuser holds no role; two workers of one role walk alike)."""
    seen, out = set(), []
    for username, _name, role, _where in DEMO_USERS:
        if role not in seen:
            seen.add(role)
            out.append(username)
    return out


WALKERS = _one_per_role()


@pytest.fixture(scope="module")
def walks(demo, django_db_blocker):
    """Walk once per role and language; the tests below read the results."""
    from django.urls import reverse

    out = []
    t0 = time.monotonic()
    with django_db_blocker.unblock():
        known = _known_words(User.objects.all())
        for username in WALKERS:
            user = User.objects.get(username=username)
            for lang in ("zh-hans", "en"):
                User.objects.filter(pk=user.pk).update(language=lang)
                client = Client()
                client.force_login(user)
                w = Walk(client, username, lang, known)
                start = [reverse("home")]
                w.run(start)
                out.append(w)
    print(f"\nwalked {sum(w.pages for w in out)} pages in {time.monotonic() - t0:.1f}s")
    return out


@pytest.mark.django_db
def test_walk_finds_no_problem(walks):
    problems = [text for w in walks for name, kind, text in w.problems if f"{name} {kind}" not in KNOWN_GAPS]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_every_page_has_a_way_in(walks):
    reached = set().union(*(w.reached | w.referenced for w in walks))
    patterns = _page_patterns()
    unreached = sorted(
        f"{name} ({route})"
        for name, route in patterns.items()
        if name not in reached
        and name not in NOT_LINKED
        and f"{name} unreached" not in KNOWN_GAPS
        and not route.endswith(DOWNLOAD_SUFFIXES)
    )
    assert not unreached, "pages no role reaches from the navigation:\n" + "\n".join(unreached)


def test_the_checks_catch_what_they_look_for():
    """The walk's own checks, on a page that has every fault (so a green walk means something)."""
    page = """<html lang="zh-hans"><body><h1>观察单</h1><label>Verdict</label>
    <p>observation.ObservationOrder:12 · observation.returnee.days · planned → active · ['a', 'b']</p>
    <form><button lang="en" name="language" value="en">English</button></form>
    <table><thead><tr><th>姓名</th></tr></thead><tbody></tbody></table>
    <p>https://example.org/r/abcDEF</p></body></html>"""
    w = Walk(client=None, who="t", lang="zh-hans", known_words=set())
    w.check_page("/people/", page)
    kinds = sorted({kind for _name, kind, _text in w.problems})
    assert kinds == ["English", "empty", "raw"]
    texts = " ".join(text for _n, _k, text in w.problems)
    for found in (
        "Verdict",
        "ObservationOrder:12",
        "observation.returnee.days",
        "planned → active",
        "['a', 'b']",
    ):
        assert found in texts, found
    assert "English'" not in texts and "example.org" not in texts  # the switch and a URL are not UI words
