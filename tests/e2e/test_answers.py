"""The answer card in a real browser: on the home search as you type, on /search/ (also
without JavaScript), and as "This may answer it" on the ticket form; at 1280 and 390 wide,
axe clean."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

ASKED = "how long is the password reset link valid"
QUOTED = "The link is valid for 1 hour."
CITED = "/kb/authentication-and-security/#reset-your-password"


def answer_card(page, name="Answer"):
    return page.get_by_role("region", name=name)


def fits(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_home_search_answers_as_you_type_and_takes_a_vote(page: Page, site, csp_violations):
    page.goto(site + "/")
    page.get_by_role("searchbox", name="Search guides").press_sequentially(ASKED, delay=20)
    card = answer_card(page)
    expect(card).to_contain_text(QUOTED)
    # Read as "Authentication and security, Reset your password" (the › is not read out).
    citation = card.get_by_role(
        "link", name=re.compile(r"^Authentication and security\s*, Reset your password$")
    )
    expect(citation).to_have_attribute("href", CITED)
    assert_accessible(page)
    screenshot(page, "answer-home-1280")
    assert fits(page, 390)
    screenshot(page, "answer-home-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    card.get_by_role("button", name="Yes").click()
    expect(card.get_by_role("status")).to_have_text("Thanks: your answer was sent.")
    assert csp_violations == []


def test_search_page_answer_and_honest_refusal(page: Page, site):
    page.goto(site + "/search/?q=" + ASKED.replace(" ", "+"))
    expect(answer_card(page)).to_contain_text(QUOTED)
    assert_accessible(page)
    assert fits(page, 390)
    screenshot(page, "answer-search-390")
    page.goto(site + "/search/?q=do+you+offer+refunds")
    card = answer_card(page)
    expect(card).to_contain_text("We don't have an answer to that in our guides yet.")
    expect(card.get_by_role("link", name="contact support")).to_have_attribute(
        "href", "/support/?q=do%20you%20offer%20refunds"
    )
    assert_accessible(page)


def test_ticket_form_shows_this_may_answer_it(page: Page, site):
    page.goto(site + "/support/")
    page.get_by_label("Subject").press_sequentially(ASKED, delay=20)
    card = answer_card(page, "This may answer it")
    expect(card).to_contain_text(QUOTED)
    assert_accessible(page)
    screenshot(page, "answer-ticket-form-1280")
    assert fits(page, 390)
    screenshot(page, "answer-ticket-form-390")


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page._javascript_disabled = True  # see conftest.assert_accessible
    yield page
    context.close()


def test_search_page_answers_without_javascript(page_without_javascript, site):
    page = page_without_javascript
    page.goto(site + "/")
    page.get_by_role("searchbox", name="Search guides").fill(ASKED)
    page.get_by_role("button", name="Search").click()
    expect(answer_card(page)).to_contain_text(QUOTED)
    assert_accessible(page)
    answer_card(page).get_by_role("button", name="No").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Was this answer helpful?")
