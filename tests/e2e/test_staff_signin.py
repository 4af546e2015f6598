"""Staff sign-in in a real browser: setting up two-factor sign-in from the page alone (the code
computed from the key shown), recovery codes, the code step, and the paused-sign-in page.
Every page passes axe and the Nu Html Checker."""

import time
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.vnu import html_errors

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Staff-pass-123"


@pytest.fixture
def sam(db):
    return get_user_model().objects.create_user("sam", "sam@example.com", PASSWORD, is_staff=True)


def code_from_key(key):
    """What an authenticator app shows for the key typed from the page."""
    return f"{totp(b32decode(key.replace(' ', ''))):06d}"


def log_in(page, site, username="sam", password=PASSWORD):
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def save(page, folder, name):
    (folder / f"{name}.html").write_text(page.content())


def test_setting_up_two_factor_sign_in(
    page: Page, live_server, sam, settings, tmp_path, csp_violations
):
    settings.STAFF_2FA_REQUIRED = True
    site = live_server.url
    log_in(page, site)

    # Sent to set it up, with nothing else of the admin in view.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.locator("#nav-sidebar")).to_have_count(0)
    qr = page.get_by_role("img", name="QR code")
    expect(qr).to_be_visible()
    # Visible is laid out, not loaded: wait for the picture itself (a slow machine drew the
    # page before the QR code arrived).
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth > 100)")
    key = page.locator(".setup-key-value").inner_text()
    assert_accessible(page)
    screenshot(page, "admin-2fa-setup-1280")
    save(page, tmp_path, "setup")

    # A wrong code first: said next to the field.
    field = page.get_by_label("6-digit code from the app")
    field.fill("000000" if code_from_key(key) != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".errorlist")).to_contain_text("That code is not right")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    save(page, tmp_path, "setup-error")

    time.sleep(1.1)  # each wrong code pauses checking a little (1 s after the first)
    field.fill(code_from_key(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # Recovery codes, until saved.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery_codes = codes.all_inner_texts()
    assert_accessible(page)
    screenshot(page, "admin-2fa-recovery-codes-1280")
    save(page, tmp_path, "recovery-codes")
    page.get_by_label("I have saved these codes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content and support")

    # The two-factor page in the user tools.
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.locator("#two-factor-state")).to_contain_text("On.")
    expect(page.get_by_text("Recovery codes left")).to_be_visible()
    assert_accessible(page)
    save(page, tmp_path, "status")

    # Next time: password, then a code; a recovery code does it without the phone.
    page.get_by_role("button", name="Log out").click()
    log_in(page, site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    assert_accessible(page)
    screenshot(page, "admin-2fa-code-1280")
    save(page, tmp_path, "code")
    page.get_by_label("Code").fill(recovery_codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content and support")
    assert csp_violations == []

    # Pages a browser journey does not pass: turning off (not required), the paused login.
    settings.STAFF_2FA_REQUIRED = False
    client = Client(HTTP_HOST="127.0.0.1")
    client.post("/admin/login/", {"username": "sam", "password": PASSWORD})
    client.post("/admin/two-factor/code/", {"code": recovery_codes[1]})
    (tmp_path / "turn-off.html").write_text(
        client.get("/admin/two-factor/turn-off/").content.decode()
    )
    assert html_errors(tmp_path) == []


def test_paused_sign_in_page(page: Page, live_server, sam, tmp_path):
    for n in range(5):
        log_in(page, live_server.url, password=f"wrong-{n}")
    expect(page.get_by_role("alert")).to_contain_text("Sign-in is paused")
    expect(page.get_by_role("alert")).to_contain_text("Try again in 15 minutes")
    expect(page.get_by_label("Username")).to_have_value("sam")
    assert_accessible(page)
    screenshot(page, "admin-signin-paused-1280")
    save(page, tmp_path, "paused")
    assert html_errors(tmp_path) == []


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page._javascript_disabled = True  # see conftest.assert_accessible
    yield page
    context.close()


def test_setting_up_without_javascript(no_js_page, live_server, sam, settings):
    """The same forms and links, no script needed (axe audits these pages above: its
    no-JavaScript audit opens a fresh, signed-out browser context)."""
    page = no_js_page
    settings.STAFF_2FA_REQUIRED = True
    log_in(page, live_server.url)
    key = page.locator(".setup-key-value").inner_text()
    page.get_by_label("6-digit code from the app").fill(code_from_key(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("button", name="Copy the codes")).to_be_hidden()  # needs a script
    page.get_by_label("I have saved these codes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content and support")
