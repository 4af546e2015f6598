"""Rough edges customers met (issue 25, item 14): the ticket form on a phone with
suggestions, multi-line errors on the private page, the home page's contact block, and My
requests from the header."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
TOKEN = "sk_live_" + "A1b2C3d4E5" * 12  # one long unbroken string, as keys and URLs are


def test_suggestions_with_long_strings_never_widen_the_form_on_a_phone(
    page: Page, site, make_guide
):
    make_guide(
        "Rotating a leaked key",
        body=f"Keys look like `{TOKEN}`: rotate a leaked key at once.",
        summary=f"A leaked key such as {TOKEN} must be rotated.",
    )
    page.set_viewport_size(PHONE)
    page.goto(site + "/support/")
    page.get_by_label("Subject").press_sequentially("leaked key rotate", delay=30)
    expect(page.locator("#suggestions .suggestion").first).to_contain_text("Rotating")
    expect(page.locator("#suggestions")).to_contain_text(TOKEN[:20])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "ticket-form-suggestions-390")


def test_a_multi_line_error_keeps_its_lines_on_the_private_page(page: Page, site):
    error = 'Traceback (most recent call last):\n  File "app.py", line 3\nStreamError: closed'
    services.create_ticket(
        Ticket(email="ada@example.com", subject="Stream", description="It stops.",
               error_message=error)
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    [email] = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    page.goto(site + re.search(r"/support/tickets/\S+/", email.body).group(0))
    page.get_by_text("Details you sent").click()
    shown = page.locator("code", has_text="Traceback (most recent call last):")
    assert shown.inner_text().splitlines() == error.splitlines()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "ticket-page-error-390")


def test_the_home_contact_block_speaks_to_customers_and_lines_up(page: Page, site):
    page.goto(site + "/")
    contact = page.locator("#contact")
    expect(contact).to_contain_text(re.compile("our support team", re.IGNORECASE))
    expect(contact).not_to_contain_text("admin")
    left = {
        section: page.locator(f"#{section} h2").bounding_box()["x"]
        for section in ("contact", "faq", "runbooks")
    }
    assert len(set(left.values())) == 1, left
    screenshot(page, "home-contact-1280")


def test_my_requests_is_in_the_header(page: Page, site):
    page.set_viewport_size(PHONE)
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My requests").click()
    expect(page).to_have_url(re.compile(r"/support/tickets/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
