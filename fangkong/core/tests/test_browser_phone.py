"""The phone pages measured in Chromium at 390×844 (issue 19): the gate, the sampling lane, the runner, the
household's link and the resident's health report. On each, with the menu folded and then unfolded: every
visible button, link and field is at least 44 px high, nothing is wider than the screen, and no button
says only an emoji."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

TAP = 44
WIDTH = 390

MEASURE = """() => {
  const out = {scrollWidth: document.scrollingElement.scrollWidth, small: [], emoji: [], count: 0};
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label[for]';
  for (const el of document.querySelectorAll(sel)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered (a folded menu, a hidden form)
    if (getComputedStyle(el).visibility === 'hidden') continue;
    // A label is a target of its own only when it is the control (the menu button toggles a checkbox).
    if (el.tagName === 'LABEL' && !(el.control && ['checkbox', 'radio'].includes(el.control.type))) continue;
    // A box or a file field inside its label is tapped through the label.
    const label = ['checkbox', 'radio', 'file'].includes(el.type) ? el.closest('label') : null;
    const h = (label || el).getBoundingClientRect().height;
    out.count += 1;
    const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' +
      (el.innerText || el.value || el.name || '').trim().slice(0, 30);
    if (h < 43.5) out.small.push(what + ' ' + h.toFixed(1) + 'px');
    const isButton = el.tagName === 'BUTTON' || ['submit', 'button'].includes(el.type) ||
      el.classList.contains('button') || el.tagName === 'SUMMARY';
    const text = (el.tagName === 'INPUT' ? el.value : el.innerText || '').trim();
    if (isButton && !/[\\p{L}\\p{N}]/u.test(text)) out.emoji.push(what + ' ' + JSON.stringify(text));
  }
  return out;
}"""


def _measure(page, name):
    """Measure the page folded, then with the menu and all its groups open; fail with what is wrong."""
    problems = []
    for state in ("folded", "menu open"):
        if state == "menu open":
            if not page.locator("label.nav-button").count():
                continue
            page.click("label.nav-button")
            page.evaluate("() => document.querySelectorAll('#nav details').forEach(d => d.open = true)")
        m = page.evaluate(MEASURE)
        assert m["count"] >= 3, (name, state, m)  # the measure saw the page's controls
        if m["scrollWidth"] > WIDTH:
            problems.append(f"{name} ({state}): scrollWidth {m['scrollWidth']} > {WIDTH}")
        problems += [f"{name} ({state}): under {TAP}px: {s}" for s in m["small"]]
        problems += [f"{name} ({state}): emoji-only button: {s}" for s in m["emoji"]]
    return problems


def _open_link():
    from fangkong.workforce.models import RegistrationLink

    return RegistrationLink.objects.filter(revoked_at__isnull=True, kind="volunteer").order_by("pk").first()


def test_phone_pages_have_finger_sized_targets_and_no_sideways_scroll(phone_page, live_server):
    from fangkong.accounts.demo import DEMO_PASSWORD, demo_accounts_create
    from fangkong.accounts.models import User
    from fangkong.areas.models import Level
    from fangkong.observation.documents import report_path
    from fangkong.observation.models import OPEN_STATUSES, ObservationOrder
    from fangkong.screening.models import Site
    from fangkong.support.models import Closure
    from fangkong.support.selectors import household_token
    from fangkong.workforce.models import PostCode
    from fangkong.workplaces.models import ReportLink, Workplace

    call_command("seed_demo", scale="tiny", seed=1, stdout=io.StringIO())
    demo_accounts_create()
    page = phone_page

    doctor = User.objects.get(username="doctor_lgq")
    site = Site.objects.visible_to(doctor, "screening.add_sample").order_by("pk").first()
    closure = Closure.objects.filter(ended_at__isnull=True).order_by("pk").first()
    household = closure.area.descendants().filter(level=Level.HOUSEHOLD).order_by("path").first()
    order = ObservationOrder.objects.filter(status__in=OPEN_STATUSES).order_by("pk").first()
    street = User.objects.get(username="street_lgq")
    inspected = Workplace.objects.visible_to(street, "workplaces.add_inspection").order_by("pk").first()
    from fangkong.hotline.models import WorkOrder

    rateable = WorkOrder.objects.filter(status="closed", rating="").order_by("pk").first()
    pages = [
        ("gate_zgs", "/gates/check/", "gate"),
        ("doctor_lgq", f"/screening/sites/{site.pk}/lane/", "lane"),
        ("grid_zgs1", "/support/runner/", "runner"),
        (None, f"/support/h/{household_token(closure, household)}/", "household link"),
        (None, report_path(order), "health report"),
        ("cadre_zgs", "/workforce/me/", "my duty"),
        ("cadre_zgs", "/workforce/me/health/", "worker's health report"),
        ("worker_zgs", "/workforce/care/issued/add/", "meals and equipment form"),
        (None, f"/workforce/join/{_open_link().token}/", "volunteer registration"),
        ("workplace_fzwm", "/workplaces/reports/mine/", "zero report"),
        (None, f"/workplaces/z/{ReportLink.objects.order_by('pk').first().token}/", "zero report link"),
        ("street_lgq", f"/workplaces/inspections/new/{inspected.pk}/", "inspection"),
        (
            "cadre_zgs",
            f"/workforce/c/{PostCode.objects.filter(active=True).order_by('pk').first().token}/",
            "check-in",
        ),
        ("worker_zgs", "/workforce/rosters/", "roster"),
        ("hotline", "/hotline/new/", "hotline quick entry"),
        (None, f"/hotline/r/{rateable.callback_token}/", "hotline rating link"),
    ]
    problems = []
    for username, path, name in pages:
        page.context.clear_cookies()
        if username:
            page.goto("/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(lambda url: "/login/" not in url)
        resp = page.goto(path)
        assert resp.status == 200, (name, path, resp.status)
        page.wait_for_load_state("networkidle")
        problems += _measure(page, name)
    assert not problems, "\n".join(problems)


def test_menu_folds_on_the_phone_and_drops_down_on_the_desk(page, login, tree, make_user):
    """Desktop: a group opens as a dropdown, opening another closes it, a click elsewhere closes all and an
    entry goes to its page. Phone: the whole menu sits behind one button."""
    make_user("district_admin", tree.district, username="wanglei", display_name="王磊")
    login(page, "wanglei")
    gates = page.locator("#nav li[data-group=gates] details")
    observation = page.locator("#nav li[data-group=observation] details")
    assert page.locator("#nav a[data-nav='gates:scan-list']").is_hidden()
    gates.locator("summary").click()
    assert page.locator("#nav a[data-nav='gates:scan-list']").is_visible()
    observation.locator("summary").click()
    # menu.js closes the other groups on the <details> "toggle" event, which fires after the click
    # returns: wait for it (up to the page's timeout) instead of reading the attribute at once.
    page.wait_for_function("() => !document.querySelector('#nav li[data-group=gates] details').open")
    assert observation.get_attribute("open") is not None and gates.get_attribute("open") is None
    page.click("main h1")
    page.wait_for_function("() => !document.querySelector('#nav li[data-group=observation] details').open")
    assert observation.get_attribute("open") is None
    gates.locator("summary").click()
    page.click("#nav a[data-nav='gates:scan-list']")
    page.wait_for_url("**/gates/scans/")
    assert "current" in page.locator("#nav li[data-group=gates]").get_attribute("class")

    page.set_viewport_size({"width": WIDTH, "height": 844})
    assert page.locator("#nav").is_hidden() and page.locator("label.nav-button").is_visible()
    page.click("label.nav-button")
    assert page.locator("#nav").is_visible()
    page.locator("#nav li[data-group=gates] summary").click()
    assert page.locator("#nav a[data-nav='gates:check']").is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH
