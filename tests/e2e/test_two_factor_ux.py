"""Two-factor sign-in in a real browser, the person's side: new recovery codes copied to the
clipboard and downloaded as a file, the "I have saved these codes" step, the same without
JavaScript, and "Remember this browser" at the code step (its cookie as the browser keeps
it: sent to the admin only). Every page passes axe and the Nu Html Checker, with no CSP
violation."""

import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.twofactor import make_recovery_codes
from tests.accounts.conftest import code_now
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.vnu import html_errors

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Staff-pass-123"


@pytest.fixture
def sam(db):
    user = get_user_model().objects.create_user("sam", "sam@example.com", PASSWORD, is_staff=True)
    user.app = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    make_recovery_codes(user=user)
    return user


def log_in(page, site, code=None, remember=False):
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if code is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
        page.get_by_label("Code").fill(code)
        if remember:
            page.get_by_label("Remember this browser for 30 days").check()
        page.get_by_role("button", name="Verify").click()


def new_codes(page, site):
    page.goto(site + "/admin/two-factor/")
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    return page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()


def save(page, folder, name):
    (folder / f"{name}.html").write_text(page.content())


def test_saving_new_recovery_codes(page: Page, live_server, sam, tmp_path, csp_violations):
    site = live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    log_in(page, site, code_now(sam.app))
    codes = new_codes(page, site)
    assert len(codes) == 10 and all(len(code) == 19 for code in codes)
    assert_accessible(page)
    screenshot(page, "admin-2fa-new-codes-1280")
    save(page, tmp_path, "codes")

    # Copy: the whole list, one code a line, said in the live region.
    page.get_by_role("button", name="Copy the codes").click()
    expect(page.get_by_role("status")).to_have_text(
        "Copied: paste them into your password manager."
    )
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(codes) + "\n"

    # Download: a text file with the same codes.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    assert download.value.suggested_filename == "help-center-recovery-codes-sam.txt"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line in codes] == codes

    # Continue without ticking: said by the box, the codes still there.
    page.get_by_role("button", name="Continue").click()
    box = page.get_by_label("I have saved these codes")
    expect(page.locator(".errorlist")).to_contain_text("Tick the box once the codes are saved")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert (
        page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
        == codes
    )
    assert_accessible(page)
    screenshot(page, "admin-2fa-new-codes-unconfirmed-1280")
    save(page, tmp_path, "codes-error")

    box.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".messagelist")).to_contain_text("Recovery codes saved")
    # Gone for good: the page and the file send back to the two-factor page.
    page.goto(site + "/admin/two-factor/recovery-codes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    expect(page.get_by_text("Recovery codes left")).to_be_visible()
    assert csp_violations == []
    assert html_errors(tmp_path) == []


def test_remember_this_browser(page: Page, live_server, sam, tmp_path, csp_violations):
    site = live_server.url
    log_in(page, site)
    expect(page.get_by_label("Remember this browser for 30 days")).not_to_be_checked()
    assert_accessible(page)
    screenshot(page, "admin-2fa-code-remember-1280")
    save(page, tmp_path, "code")
    page.get_by_label("Code").fill(code_now(sam.app))
    page.get_by_label("Remember this browser for 30 days").check()
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content and support")

    [cookie] = [c for c in page.context.cookies() if c["name"] == "staff_browser"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/admin/"
    assert 29 * 86400 < cookie["expires"] - time.time() <= 30 * 86400

    # Next sign-in: the password alone, straight to the admin.
    page.get_by_role("button", name="Log out").click()
    log_in(page, site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Content and support")

    # The two-factor page says so and forgets this browser on request.
    page.goto(site + "/admin/two-factor/")
    expect(page.locator("#browser-remembered")).to_contain_text("skips the code step until")
    assert_accessible(page)
    screenshot(page, "admin-2fa-status-remembered-1280")
    save(page, tmp_path, "status")
    page.get_by_role("button", name="Forget this browser").click()
    expect(page.locator(".messagelist")).to_contain_text("will ask for your code")
    page.get_by_role("button", name="Log out").click()
    log_in(page, site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    assert csp_violations == []
    assert html_errors(tmp_path) == []


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page._javascript_disabled = True  # see conftest.assert_accessible
    yield page
    context.close()


def test_saving_codes_without_javascript(no_js_page, live_server, sam):
    """The codes on the page, the download link and the confirmation: no script needed."""
    page, site = no_js_page, live_server.url
    log_in(page, site, code_now(sam.app))
    codes = new_codes(page, site)
    expect(page.get_by_role("button", name="Copy the codes")).to_be_hidden()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line in codes] == codes
    screenshot(page, "admin-2fa-new-codes-no-js-1280")
    page.get_by_label("I have saved these codes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".messagelist")).to_contain_text("Recovery codes saved")
