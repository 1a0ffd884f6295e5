"""Issue 9, hole 12: CSP, HSTS, no-store on personal data, and check --deploy clean in production."""

import os
import subprocess
import sys

import pytest

# A production environment like docs/deployment.md's (whose own block test_deployment_doc.py checks).
PRODUCTION_ENV = {
    "SECRET_KEY": "prod-" + "k3Y9x!vQ2w" * 6,
    "FANGKONG_FIELD_KEY": "Hc3qC8m1r0Qm1l1m0QmM0W8mJ9y3p2yq7C0cE0jS4aA=",
    "FANGKONG_HMAC_KEY": "an-hmac-key-of-at-least-thirty-two-characters",
    "ALLOWED_HOSTS": "fangkong.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://fangkong.example.gov.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "FANGKONG_TRUSTED_PROXIES": "127.0.0.1",
}


TEST_ONLY = ("FANGKONG_TEST", "FANGKONG_DEMO", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL")


# check --deploy clean with the production environment of docs/deployment.md: test_deployment_doc.py.


def test_production_without_redis_is_flagged_by_check_deploy():
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    prod = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, **prod},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))),
    )
    assert run.returncode != 0 and "REDIS_URL" in run.stdout + run.stderr


@pytest.mark.django_db
def test_pages_and_api_carry_csp_and_no_store(client, api, tree, make_user):
    user = make_user("community_worker", tree.a.community)
    client.force_login(user)
    for url in ["/", "/people/", f"/areas/{tree.a.community.pk}/"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
        csp = resp["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "no-store" in resp["Cache-Control"], url
    resp = api.as_user(user).get("/api/people/")
    assert resp.status_code == 200 and "no-store" in resp["Cache-Control"]


@pytest.mark.django_db
def test_hsts_sent_on_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    resp = client.get("/login/", secure=True)
    assert resp["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/login/")
