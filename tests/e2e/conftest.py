"""Real-browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Without chromium these tests are skipped with a clear reason, unless REQUIRE_BROWSER=1
(set by CI), which turns a missing browser into a failure.
"""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import sync_roles

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "artifacts/screenshots"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.browser)
            if not HAVE_CHROMIUM and not REQUIRE_BROWSER:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"browser tests skipped: chromium not found at {CHROMIUM} "
                        "(install Debian's chromium, see README)"
                    )
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not HAVE_CHROMIUM:
        pytest.fail(f"REQUIRE_BROWSER=1 but chromium is missing at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(live_server, content):
    """The live site with the shipped content loaded."""
    return live_server.url


@pytest.fixture
def csp_violations(page):
    """Collects console errors (CSP violations show up there) for a test to assert on."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


_axe = Axe()


def assert_accessible(page):
    if _javascript_disabled(page):
        return _assert_accessible_as_rendered_without_javascript(page)
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def _javascript_disabled(page):
    return getattr(page, "_javascript_disabled", False)


def _assert_accessible_as_rendered_without_javascript(page):
    """axe needs JavaScript to run, so audit the same URL in a context whose own scripts are
    blocked: the DOM is then the one a no-JavaScript visitor gets."""
    context = page.context.browser.new_context()
    try:
        audited = context.new_page()
        audited.route("**/*.js", lambda route: route.abort())
        audited.goto(page.url)
        results = _axe.run(audited)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret injects a <style>, which our CSP (rightly) blocks.
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, caret="initial")


@pytest.fixture
def quick_form(settings, live_server):
    settings.TICKET_MIN_FILL_SECONDS = 1
    settings.SITE_URL = live_server.url  # links in emails point at this server


@pytest.fixture
def agent_user(db):
    # Transactional tests flush the tables, groups from the migration included.
    sync_roles(django_apps)
    user = get_user_model().objects.create_user(
        "agent", "agent@example.com", "Agent-pass-123", is_staff=True, first_name="Sam"
    )
    user.groups.add(Group.objects.get(name="Support agents"))
    return user
