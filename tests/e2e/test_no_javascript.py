"""The same main flows with JavaScript turned off: plain forms and links do the work."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tickets.models import Ticket, TicketLink

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page._javascript_disabled = True  # see conftest.assert_accessible
    yield page
    context.close()


def test_search_and_tag_without_javascript(page, site):
    page.goto(site + "/")
    page.get_by_role("searchbox", name="Search guides").fill("2fa")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?q=2fa"))
    count = page.locator("#result-count").inner_text()
    n = int(count.split()[0])
    assert 1 <= n < 6
    expect(page.locator("#kb-results .card")).to_have_count(n)

    page.get_by_role("searchbox", name="Search guides").fill("")
    page.locator("summary", has_text="Filter by tag").click()  # the chips are folded
    page.get_by_role("radio", name="billing").check()
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"tag=billing"))
    expect(page.locator("#result-count")).to_contain_text("tagged billing")
    assert_accessible(page)


def test_vote_without_javascript(page, site):
    page.goto(site + "/kb/quickstart/")
    reason = page.get_by_label("What could be better? (optional)")
    reason.fill("Needs a diagram")
    page.get_by_role("button", name="No", exact=True).click()
    # The guide page is the same for everyone (cached, no token in it): the answer is sent
    # from the feedback page, which has this visitor's form, keeping what they typed.
    expect(page).to_have_url(re.compile(r"/kb/quickstart/feedback/\?.*#feedback$"))
    expect(page.locator(".feedback__status")).to_contain_text("Not sent yet")
    expect(reason).to_have_value("Needs a diagram")
    page.get_by_role("button", name="No", exact=True).click()
    expect(page).to_have_url(re.compile(r"/kb/quickstart/feedback/\?voted=1#feedback$"))
    expect(page.locator(".feedback__status")).to_contain_text("You answered No and told us why")
    expect(reason).to_have_value("Needs a diagram")

    page.get_by_role("button", name="Yes", exact=True).click()
    # The No's reason, still in the box, is not claimed by the Yes.
    expect(page.locator(".feedback__status")).to_have_text(
        "Thanks for your feedback. You answered Yes."
    )
    expect(reason).to_have_value("")


def test_runbook_is_a_plain_ordered_list_without_javascript(page, site):
    page.goto(site + "/runbooks/streaming-response-fails/")
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.locator("ol.checklist").first.locator("li")).to_have_count(3)
    expect(page.locator(".checklist-progress")).to_be_hidden()
    page.get_by_role("main").get_by_role("link", name="Contact support").click()
    expect(page).to_have_url(re.compile(r"/support/\?runbook=streaming-response-fails"))
    assert_accessible(page)


def test_ticket_by_keyboard_without_javascript(page, site, settings):
    settings.TICKET_MIN_FILL_SECONDS = 0
    page.goto(site + "/support/?q=billing+required")
    # Suggestions for the search are there without JavaScript.
    expect(page.locator("#suggestions .suggestion").first).to_contain_text("Billing required")

    def tab_to(element_id):
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        pytest.fail(f"#{element_id} not reachable with Tab")

    tab_to("id_name")
    page.keyboard.type("Ada")
    tab_to("id_email")
    page.keyboard.type("ada@example.com")
    tab_to("id_description")
    page.keyboard.type("Every request fails with billing_required.")
    tab_to("id_reproducibility_0")
    page.keyboard.press("Space")
    tab_to("send-ticket")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("We received your ticket")
    assert_accessible(page)
    ticket = Ticket.objects.get()
    page.goto(site + TicketLink.objects.mint(ticket))
    expect(page.locator(".message--customer")).to_contain_text("billing_required")
    assert_accessible(page)


def test_an_faq_result_opens_its_entry_without_javascript(page, site):
    page.goto(site + "/search/?q=request+id")
    results = page.get_by_role("list").filter(has=page.locator(".card"))
    results.get_by_role("link", name="Where do I find a request ID?").click()
    entry = page.locator("#faq-find-request-id")
    expect(entry).to_have_attribute("open", "")
    expect(entry.get_by_text("Every API response carries").first).to_be_visible()
    expect(page.locator("details.faq[open]")).to_have_count(1)
