import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings
from django.urls import path

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/kb/quickstart/", "/runbooks/cannot-sign-in/", "/support/"])
def test_pages_send_a_strict_csp(client, content, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    # Scripts only as files from this origin: no nonce, which would make every page's HTML
    # unique and so uncacheable, and no inline script or style to need one.
    assert "script-src 'self';" in csp and "nonce" not in csp
    assert "style-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    html = response.content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert "nonce" not in html
    scripts = html.split("<script")[1:]
    assert scripts
    for tag in scripts:
        assert 'src="/static/' in tag.split(">")[0]
        assert tag.split(">")[1].startswith("</script"), "inline script found"


@pytest.mark.django_db
def test_guide_with_hostile_markdown_has_nothing_live(client, make_guide):
    guide = make_guide(
        body="<script>alert(1)</script><a href='javascript:x()' onclick='y()'>a</a>"
        "<button hx-get='/admin/' hx-trigger='load'>b</button><iframe src='https://x'></iframe>"
        "[d](data:text/html,hi)"
    )
    html = client.get(guide.get_absolute_url()).content.decode()
    body = html.split('<div class="prose" data-hx-disable>')[1].split("</div>")[0]
    for bad in ["<script", "javascript:", "onclick", "hx-get", "hx-trigger", "<iframe", "data:"]:
        assert bad not in body


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_is_a_styled_page_without_traceback():
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "RuntimeError" not in html and "Traceback" not in html


def production_env(**overrides):
    """Production values (plus overrides; None unsets)."""
    # The browser tests' conftest allows sync DB calls under Playwright's loop; production won't.
    # pytest-django exports the test settings module; production runs the real one.
    skip = ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env |= {
        "DEBUG": "0",
        "SECURE_SSL": "1",
        "SECRET_KEY": "x7#kLq!vP2@zR9$wT4^yU6&iO8*pA1(sD3)fG5-hJ0+lZ_cVbN4mQ8wE2",
        "ALLOWED_HOSTS": "help.example.com",
        "SITE_URL": "https://help.example.com",
        "EMAIL_HOST": "smtp.example.com",
        "STAFF_2FA_REQUIRED": "1",
    }
    env |= overrides
    return {k: v for k, v in env.items() if v is not None}


def check_deploy(**overrides):
    """`manage.py check --deploy` with production values (plus overrides; None unsets)."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
def test_without_a_secret_key_debug_off_refuses_to_start():
    # It ran with the key published in this repository: anyone could forge sessions, CSRF
    # tokens and signed values.
    result = check_deploy(SECRET_KEY=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set and DEBUG is off" in result.stderr
    development = check_deploy(SECRET_KEY=None, DEBUG="1")
    assert "ImproperlyConfigured" not in development.stderr
    assert "security.W018" in development.stderr  # runs, and check --deploy names DEBUG


def test_a_process_that_imports_pytest_still_needs_a_secret_key():
    # The guard used to be off in any process that had imported pytest.
    result = subprocess.run(
        [sys.executable, "-c", "import pytest, django; django.setup()"],
        cwd=ROOT,
        env=production_env(SECRET_KEY=None, DJANGO_SETTINGS_MODULE="helpcenter.settings"),
        capture_output=True,
        text=True,
    )
    assert "SECRET_KEY is not set and DEBUG is off" in result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_refuses_to_run_without_a_mail_server():
    result = check_deploy(EMAIL_HOST=None)
    # Tickets would be stored but nobody told: production must name a mail server.
    assert result.returncode != 0 and "mail.E001" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("site_url", "check"),
    [(None, "helpcenter.W001"), ("http://help.example.com", "helpcenter.W002")],
)
def test_check_deploy_wants_the_public_address_in_site_url(site_url, check):
    # The status API, feeds and emails link to SITE_URL, whatever host a request names.
    result = check_deploy(SITE_URL=site_url)
    assert result.returncode != 0 and check in result.stderr


@pytest.mark.slow
def test_check_deploy_refuses_several_workers_without_a_shared_cache():
    # Each process would keep its own rate-limit counters: every limit times the workers.
    result = check_deploy(WEB_CONCURRENCY="4")
    assert result.returncode != 0 and "helpcenter.E001" in result.stderr
    assert "REDIS_URL" in result.stderr
    shared = check_deploy(WEB_CONCURRENCY="4", REDIS_URL="redis://127.0.0.1:6379/0")
    assert shared.returncode == 0, shared.stdout + shared.stderr


def test_gunicorn_refuses_to_start_several_workers_without_a_shared_cache():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [gunicorn, "helpcenter.wsgi", "--bind", "127.0.0.1:0", "--workers", "2"],
        cwd=ROOT,  # where gunicorn finds gunicorn.conf.py
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,  # started anyway: the test fails instead of waiting for ever
    )
    assert result.returncode == 1
    assert "2 worker processes but no shared cache" in result.stderr


@pytest.mark.parametrize(
    ("workers", "cache", "refused"),
    [
        (1, "locmem.LocMemCache", False),
        (3, "locmem.LocMemCache", True),
        (3, "redis.RedisCache", False),
    ],
)
def test_gunicorn_starts_one_worker_or_several_with_a_shared_cache(
    settings, workers, cache, refused
):
    location = "redis://127.0.0.1:6379/0" if cache.startswith("redis") else ""
    settings.CACHES = {
        "default": {"BACKEND": f"django.core.cache.backends.{cache}", "LOCATION": location}
    }
    on_starting = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["on_starting"]
    server = SimpleNamespace(cfg=SimpleNamespace(workers=workers))
    if refused:
        with pytest.raises(RuntimeError, match="no shared cache"):
            on_starting(server)
    else:
        on_starting(server)
