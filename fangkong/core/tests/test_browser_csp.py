"""Issue 9, hole 12 in Chromium: under the Content-Security-Policy the pages still work (the gate page,
the area chart, the API docs, the admin) and the browser reports no violation."""

import pytest

from fangkong.gates.tests.factories import make_gate

pytestmark = pytest.mark.browser


def test_pages_run_under_the_content_security_policy(page, login, tree, make_user):
    from fangkong.accounts.models import User

    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    make_gate(tree.a.community, name="镇国寺北门")
    make_user("street_coordinator", tree.street1, username="csp-street")
    login(page, "csp-street")
    page.goto(f"/areas/{tree.street1.pk}/")
    page.wait_for_selector("#children-chart canvas")  # the chart script ran from its static file
    page.goto("/gates/check/")
    page.wait_for_selector("#post")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info")  # Swagger UI runs from its own script URL
    page.context.clear_cookies()
    User.objects.create_superuser("csp-root", password="csp-root-password-1")
    login(page, "csp-root", "csp-root-password-1")
    page.goto("/admin/accounts/user/add/")
    page.wait_for_selector("#id_username")
    assert violations == []
