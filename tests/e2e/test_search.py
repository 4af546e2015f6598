"""Live search as a customer types, and the full results page, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_USER_AGENT
from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_character_by_character_shows_sensible_results(page: Page, site, csp_violations):
    page.goto(site + "/")
    box = page.get_by_role("searchbox", name="Search guides")
    cards = page.locator("#kb-results .card")
    typed = ""
    for char in "streaming":
        typed += char
        box.press_sequentially(char)
        expect(page).to_have_url(re.compile(rf"\?q={typed}(&|$)"))
        if len(typed) == 1:  # no word yet: said, rather than the guides shown as results
            expect(page.locator("#result-count")).to_contain_text("Nothing to search for")
            continue
        n = int(page.locator("#result-count").inner_text().split()[0])
        expect(cards).to_have_count(min(n, 12))
        if len(typed) >= 4:  # "stre" onwards: the runbook for broken streams leads
            expect(cards.first.get_by_role("heading")).to_have_text("Streaming response fails")
        if typed == "stre":
            screenshot(page, "live-search-stre")
    assert csp_violations == []


def test_results_page_with_correction_and_pages(page: Page, site):
    page.goto(site + "/search/?q=biling")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the help center")
    expect(page.get_by_text("Showing results for")).to_contain_text("billing")
    n = int(page.locator("#search-count").inner_text().split()[0])
    expect(page.locator(".results-list .card")).to_have_count(min(n, 10))
    assert_accessible(page)
    screenshot(page, "search-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "search-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator(".results-list .card a").first.click()
    expect(page).to_have_url(re.compile(r"/runbooks/billing-required/"))


@pytest.mark.browser_context_args(user_agent=BROWSER_USER_AGENT)  # not "HeadlessChrome"
def test_a_sent_live_search_is_logged_and_the_typing_is_not(page: Page, site):
    from insights.models import SearchQuery

    page.goto(site + "/")
    box = page.get_by_role("searchbox", name="Search guides")
    box.press_sequentially("zzqxv webhok", delay=30)
    expect(page.locator("#result-count")).to_contain_text("zzqxv webhok")
    assert not SearchQuery.objects.exists()  # typing is not searching
    with page.expect_response(lambda r: "hx-search-submitted" in r.request.headers):
        box.press("Enter")
    [logged] = SearchQuery.objects.all()
    assert (logged.text, logged.zero_results) == ("zzqxv webhok", 1)


@pytest.fixture
def bfcache_page(playwright, browser_type_launch_args):
    """A page in a chromium that keeps pages for Back and Forward, as people's browsers do
    (Playwright turns that off by default)."""
    browser = playwright.chromium.launch(
        **browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"]
    )
    context = browser.new_context(user_agent=BROWSER_USER_AGENT)
    yield context.new_page()
    context.close()
    browser.close()


def test_typing_replaces_the_address_and_back_leaves_the_search(bfcache_page: Page, site):
    """One history entry per search: Back does not walk through each pause in typing, and a
    page that Back or Forward brings back is no new search in Content gaps."""
    from insights.models import SearchQuery

    page = bfcache_page
    # Start on the site: Back to the new tab's about:blank swaps the page's process, and
    # Playwright loses the page (seen as "Not attached to an active page").
    page.goto(site + "/status/")
    page.goto(site + "/kb/quickstart/")
    page.goto(site + "/")
    entries = page.evaluate("history.length")
    box = page.get_by_role("searchbox", name="Search guides")
    for word in ("zzq", "xv", " webhok"):  # three pauses, three live searches
        with page.expect_response(lambda r: "q=" in r.url):
            box.press_sequentially(word)
    expect(page).to_have_url(site + "/?q=zzqxv+webhok")  # the search's own address
    with page.expect_response(lambda r: "hx-search-submitted" in r.request.headers):
        box.press("Enter")
    assert page.evaluate("history.length") == entries
    assert list(SearchQuery.objects.values_list("text", "searches")) == [("zzqxv webhok", 1)]

    page.go_back(wait_until="commit")
    expect(page).to_have_url(site + "/kb/quickstart/")
    page.go_forward(wait_until="commit")
    expect(page).to_have_url(site + "/?q=zzqxv+webhok")
    expect(page.locator("#result-count")).to_contain_text("zzqxv webhok")
    page.go_back(wait_until="commit")
    page.go_back(wait_until="commit")  # and the page before
    expect(page).to_have_url(site + "/status/")
    page.go_forward(wait_until="commit")
    page.go_forward(wait_until="commit")
    expect(page.locator("#result-count")).to_contain_text("zzqxv webhok")
    assert list(SearchQuery.objects.values_list("text", "searches")) == [("zzqxv webhok", 1)]


def test_an_faq_link_opens_its_entry(page: Page, site):
    page.goto(site + "/search/?q=request+id")
    results = page.get_by_role("list").filter(has=page.locator(".card"))
    results.get_by_role("link", name="Where do I find a request ID?").click()
    expect(page.locator("#faq-find-request-id")).to_have_attribute("open", "")
    # The direct answer's citation opens the same entry.
    page.goto(site + "/search/?q=which+header+has+the+request+id")
    page.locator(".answer").get_by_role("link", name="Where do I find a request ID?").click()
    expect(page.locator("#faq-find-request-id")).to_have_attribute("open", "")
    # A link to an entry within the page opens it too.
    page.goto(site + "/#faq")
    entry = page.locator("#faq-rotate-api-key")
    expect(entry).not_to_have_attribute("open", "")
    page.evaluate("location.hash = '#faq-rotate-api-key'")
    expect(entry).to_have_attribute("open", "")
    expect(entry).to_be_in_viewport()


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["laptop", "phone"])
def test_results_are_in_view_while_typing(page: Page, site, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(site + "/")
    box = page.get_by_role("searchbox", name="Search guides")
    box.click()
    box.press_sequentially("api key", delay=60)
    # The first thing found (the direct answer, else the first result) shows its text in the
    # upper part of the screen (where a phone's keyboard leaves room), below the box.
    first = page.locator("#kb-results :is(.answer, .card)").first
    expect(first).to_contain_text("API")
    try:
        page.wait_for_function(
            "() => document.querySelector('#kb-results :is(.answer, .card)')"
            ".getBoundingClientRect().top"
            f" < {height * 0.6}",
            timeout=3000,
        )
    finally:
        screenshot(page, f"live-search-typing-{width}")
    expect(box).to_be_in_viewport()
    expect(first).to_be_in_viewport()
    assert 0 <= first.bounding_box()["y"] < height * 0.6
    # A chosen tag is shown unfolded.
    page.goto(site + "/?tag=billing")
    expect(page.get_by_role("radio", name="billing")).to_be_checked()
    expect(page.get_by_role("radio", name="billing")).to_be_visible()


def test_a_section_result_lands_on_its_heading(page: Page, site, make_guide):
    filler = "\n\n".join(f"Paragraph {n} about passwords and sessions." for n in range(40))
    make_guide(
        "Account security",
        slug="security",
        body=f"Intro.\n\n## Passwords\n\n{filler}\n\n## Recovery codes\n\nStore them offline.\n",
    )
    page.goto(site + "/search/?q=recovery+codes+offline")
    link = page.get_by_role("link", name=re.compile(r"^Account security\W+section Recovery codes$"))
    link.click()
    expect(page).to_have_url(re.compile(r"/kb/security/#recovery-codes$"))
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_in_viewport()
