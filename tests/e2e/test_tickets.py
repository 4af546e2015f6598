"""The whole support journey in a real browser: runbook -> "Still blocked?" -> the form with
suggestions -> confirmation -> an agent answers in the admin -> the customer reads the reply
and answers -> the ticket is open again in the queue."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def private_link(ticket):
    [email] = [m for m in mail.outbox if m.to == [ticket.email] and ticket.reference in m.subject]
    return re.search(r"http://\S+/support/tickets/\S+/", email.body).group(0)


def log_in(page: Page, site):
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("Agent-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Tickets")).to_be_visible()


def test_support_journey(page: Page, browser, site, quick_form, agent_user, csp_violations):
    # A customer works through a runbook, ticks a check, and is still blocked.
    page.goto(site + "/runbooks/streaming-response-fails/")
    first_check = page.get_by_role("checkbox").first
    first_check.check()
    page.get_by_role("main").get_by_role("link", name="Contact support").click()
    expect(page).to_have_url(re.compile(r"/support/\?runbook=streaming-response-fails"))

    # The form knows where they came from, and when (in their own time zone).
    expect(page.get_by_label("Category")).to_have_value("api")
    expect(page.locator("#from-runbook li")).to_have_count(1)
    expect(page.get_by_label("When did it happen?")).not_to_have_value("")
    browser_zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    expect(page.get_by_label("Time zone")).to_have_value(browser_zone)

    # Typing the subject suggests matching guides and runbooks
    # (never the runbook they came from, which they have read).
    page.get_by_label("Subject").press_sequentially("SSE stream stops early", delay=40)
    suggestions = page.locator("#suggestions .suggestion")
    expect(suggestions.first).to_be_visible()
    # (A guide may mention the runbook in its text; no suggestion or answer is the runbook.)
    expect(page.locator("#suggestions .suggestion > a").first).to_be_visible()
    titles = page.locator("#suggestions .suggestion > a").all_inner_texts()
    assert not [t for t in titles if t.startswith("Streaming response fails")], titles
    answer_from_it = page.locator("#suggestions .answer", has_text="Streaming response fails")
    expect(answer_from_it).to_have_count(0)
    page.get_by_label("Exact error message").fill("stream_interrupted")
    expect(suggestions.first).to_be_visible()
    screenshot(page, "ticket-form-1280")
    assert_accessible(page)

    # A required field forgotten: told which, nothing lost.
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Description").fill("The stream ends after about 30 seconds.")
    page.get_by_role("button", name="Send ticket").click()
    expect(page.locator("#form-errors")).to_contain_text("Email: This field is required.")
    expect(page.get_by_label("Description")).to_have_value(
        "The stream ends after about 30 seconds."
    )
    expect(page.get_by_label("Subject")).to_have_value("SSE stream stops early")
    screenshot(page, "ticket-form-errors-1280")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Send ticket").click()

    # Confirmation with the reference and what happens next.
    expect(page.get_by_role("heading", level=1)).to_have_text("We received your ticket")
    ticket = Ticket.objects.get()
    expect(page.locator("#ticket-reference")).to_have_text(ticket.reference)
    assert ticket.runbook.slug == "streaming-response-fails" and len(ticket.checks_done) == 1
    screenshot(page, "ticket-sent-1280")
    assert_accessible(page)
    # The private link arrives by email only.
    private_url = private_link(ticket)
    page.goto(private_url)
    expect(page.locator("#ticket-status")).to_have_text("Waiting for support")

    # An agent answers in the admin.
    staff = browser.new_context()
    admin = staff.new_page()
    log_in(admin, site)
    admin.goto(site + "/admin/tickets/ticket/")
    admin.get_by_role("link", name=ticket.reference).click()
    expect(admin.locator(".ticket-conversation")).to_contain_text("about 30 seconds")
    admin.get_by_label("Reply to customer").check()
    admin.get_by_label("Message to the customer").fill("Which SDK version sends the request?")
    admin.get_by_role("button", name="Send to customer").click()
    expect(admin.locator(".messagelist")).to_contain_text("Sent to the customer on")
    screenshot(admin, "admin-queue-1280")

    # The customer sees the reply and answers.
    page.goto(private_url)
    expect(page.locator("#ticket-status")).to_have_text("Waiting for your reply")
    expect(page.locator(".message--staff")).to_contain_text("Which SDK version")
    expect(page.locator(".message--staff")).to_contain_text("Sam (support)")
    assert_accessible(page)
    page.get_by_label("Your reply").fill("SDK 4.2, Python.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#latest")).to_contain_text("SDK 4.2, Python.")
    expect(page.locator("#ticket-status")).to_have_text("Waiting for support")
    screenshot(page, "ticket-private-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "ticket-private-360")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Back in the queue, the ticket is open again and waiting on support.
    admin.goto(site + "/admin/tickets/ticket/?status__exact=open")
    row = admin.locator("#result_list tbody tr", has_text=ticket.reference)
    expect(row).to_contain_text("Open")
    expect(row.locator(".field-waiting")).not_to_have_text("—")
    staff.close()
    assert csp_violations == []


def test_lost_link_page(page: Page, site, content):
    page.goto(site + "/support/")
    page.get_by_role("link", name="See my requests").click()
    page.get_by_label("Email you used for the ticket").fill("ada@example.com")
    page.get_by_role("button", name="Email me the link").click()
    expect(page.locator("#links-sent")).to_contain_text("ada@example.com")
    assert_accessible(page)


def test_a_dead_link_says_how_to_get_a_new_one(page: Page, site, content):
    page.goto(site + "/support/tickets/an-expired-or-mistyped-link-0123456789/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This ticket link does not work")
    assert_accessible(page)
    page.get_by_label("Email you used for the ticket").fill("ada@example.com")
    page.get_by_role("button", name="Email me the link").click()
    expect(page.locator("#links-sent")).to_contain_text("ada@example.com")
