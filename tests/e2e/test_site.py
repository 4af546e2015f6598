"""The main customer flows in a real browser, with axe checks on every page visited."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = re.compile(r"^(\d+) resources? found")


def result_count(page: Page) -> int:
    return int(COUNT.match(page.locator("#result-count").inner_text()).group(1))


def cards(page: Page):
    return page.locator("#kb-results .card")


def test_home_shows_the_seed_page(page: Page, site, csp_violations):
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Troubleshoot faster. Ship without blockers."
    )
    expect(page.get_by_text("Platform status: All Systems Operational")).to_be_visible()
    expect(page.locator("#result-count")).to_have_text("6 resources found")
    expect(cards(page)).to_have_count(6)
    expect(
        page.get_by_role("heading", name="Comprehensive troubleshooting runbooks")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Frequently asked questions")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "home-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_violations == []


def test_live_search_narrows_cards_and_updates_url(page: Page, site, csp_violations):
    page.goto(site + "/")
    page.get_by_role("searchbox", name="Search guides").press_sequentially("2fa", delay=50)
    expect(page.locator("#result-count")).not_to_have_text("6 resources found")
    expect(page).to_have_url(re.compile(r"\?q=2fa"))
    n = result_count(page)
    assert 1 <= n < 6
    expect(cards(page)).to_have_count(n)
    expect(cards(page).get_by_role("heading", name="Authentication and security")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("searchbox", name="Search guides").fill("")
    expect(page.locator("#result-count")).to_have_text("6 resources found")
    expect(page).to_have_url(site + "/")
    assert csp_violations == []


def test_tag_chip_filters_without_reload(page: Page, site):
    page.goto(site + "/")
    page.evaluate("window.notReloaded = true")
    page.locator("summary", has_text="Filter by tag").click()  # the chips are folded
    page.get_by_role("radio", name="billing").check()
    expect(page).to_have_url(re.compile(r"tag=billing"))
    expect(page.locator("#result-count")).to_contain_text("tagged billing")
    n = result_count(page)
    expect(cards(page)).to_have_count(n)
    for card in cards(page).all():
        expect(card.locator(".tag-line")).to_contain_text("billing")
    assert page.evaluate("window.notReloaded") is True


def test_open_a_guide_and_vote(page: Page, site, csp_violations):
    page.goto(site + "/")
    page.get_by_role("link", name="Open guide: Authentication and security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authentication and security")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_visible()
    expect(page.get_by_role("heading", name="On this page")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "guide-1280")

    # The page is the same for everyone (cached); htmx fetched this visitor's CSRF token.
    expect(page.locator('#feedback input[name="csrfmiddlewaretoken"]')).to_be_attached()
    page.get_by_label("What could be better? (optional)").fill("More on recovery codes")
    settled = "document.addEventListener('htmx:afterSettle', () => window.settled = true)"
    page.evaluate(f"window.settled = false; {settled}")
    page.get_by_role("button", name="No", exact=True).click()
    page.wait_for_function("() => window.settled")  # the new form is live (htmx processed it)
    expect(page.get_by_role("status").filter(has_text="Thanks for your feedback")).to_contain_text(
        "You answered No"
    )
    no = page.get_by_role("button", name="No", exact=True)
    expect(no).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Yes", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".feedback__status")).to_contain_text("You answered Yes")
    # The keyboard stays where it was, and a reason can be added after the vote.
    expect(page.get_by_role("button", name="Yes", exact=True)).to_be_focused()
    page.get_by_label("What could be better? (optional)").fill("Also cover SSO.")
    page.get_by_role("button", name="Send with my answer (Yes)").click()
    expect(page.locator(".feedback__status")).to_contain_text("You answered Yes and told us why")
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "guide-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_violations == []


def test_runbook_checklist_shows_progress(page: Page, site, csp_violations):
    page.goto(site + "/runbooks/cannot-sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cannot sign in")
    boxes = page.get_by_role("checkbox")
    expect(boxes).to_have_count(7)
    expect(page.locator(".checklist-progress__text")).to_have_text("0 of 7 steps done")
    page.get_by_label(re.compile("^Confirm email/password are correct")).check()
    page.get_by_label(re.compile("^If error is email_not_verified")).check()
    expect(page.locator(".checklist-progress__text")).to_have_text("2 of 7 steps done")
    expect(page.locator("progress")).to_have_attribute("value", "2")
    contact = page.get_by_role("main").get_by_role("link", name="Contact support")
    expect(contact).to_have_attribute(
        "href", re.compile(r"runbook=cannot-sign-in&checked=check-1%2Ccheck-2")
    )
    assert_accessible(page)
    screenshot(page, "runbook-1280")

    page.reload()
    expect(page.locator(".checklist-progress__text")).to_have_text("2 of 7 steps done")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "runbook-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_violations == []


def test_search_by_keyboard_only(page: Page, site):
    page.goto(site + "/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "kb-q":
            break
    else:
        pytest.fail("the search box cannot be reached with Tab")
    page.keyboard.type("billing")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=billing"))
    expect(cards(page).first).to_be_visible()
    n = result_count(page)
    expect(cards(page)).to_have_count(n)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#kb-results a')"):
            break
    else:
        pytest.fail("no result link reachable with Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/(kb|runbooks)/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_support_and_not_found_pages(page: Page, site):
    page.goto(site + "/support/?runbook=cannot-sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact support")
    assert_accessible(page)
    response = page.goto(site + "/kb/no-such-guide/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    assert_accessible(page)


@pytest.mark.parametrize("slug", ["quickstart", "api-integration"])
@pytest.mark.parametrize("width", [1280, 390])
def test_code_blocks_scroll_by_keyboard(page: Page, site, slug, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(site + f"/kb/{slug}/")
    assert_accessible(page)  # axe's scrollable-region-focusable among the rules
    wide = (
        page.locator("pre")
        .filter(has=page.locator("code"))
        .evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth).length")
    )
    if width == 390:
        assert wide > 0  # on a phone some code is wider than the page
        block = page.get_by_role("group", name="Code example").first
        block.focus()
        expect(block).to_be_focused()
