"""Files and email replies, as a customer and an agent meet them in a browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from mail import inbound
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_tickets import log_in, private_link
from tests.tickets.inbound import fixture
from tests.tickets.test_attachments import PNG
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_files_survive_a_form_error_and_reach_the_ticket(
    page: Page, site, quick_form, tmp_path, csp_violations
):
    screenshot_file = tmp_path / "screenshot.png"
    screenshot_file.write_bytes(PNG)
    page.goto(site + "/support/")
    page.get_by_label("Subject").fill("Dashboard shows a blank chart")
    page.get_by_label("Description").fill("The usage chart is blank since this morning.")
    page.get_by_label("Add files").set_input_files(screenshot_file)
    page.get_by_role("button", name="Send ticket").click()

    # The email was forgotten: the file waits, ticked, with everything typed.
    expect(page.locator("#form-errors")).to_contain_text("Email: This field is required.")
    kept = page.get_by_label(re.compile(r"screenshot\.png \(70"))
    expect(kept).to_be_checked()
    screenshot(page, "ticket-form-kept-file-1280")
    assert_accessible(page)
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Send ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We received your ticket")

    ticket = Ticket.objects.get()
    page.goto(private_link(ticket))
    files = page.get_by_role("list", name="Files")
    expect(files).to_contain_text("screenshot.png")
    with page.expect_download() as download:
        files.get_by_role("link", name="screenshot.png").click()
    assert download.value.suggested_filename == "screenshot.png"
    assert_accessible(page)
    assert csp_violations == []


def test_a_customer_answers_by_email_and_the_agent_sees_it(
    page: Page, site, quick_form, agent_user
):
    ticket = services.create_ticket(
        Ticket(
            email="ada.lovelace@gmail.com",
            subject="Streaming stops after 30 seconds",
            description="It stops.",
        )
    )
    services.staff_update(
        ticket,
        actor=agent_user,
        reply="Which SDK version do you use?",
    )
    sent = ticket.emails.get(kind="staff_reply")
    inbound.receive(
        fixture("gmail_reply.eml", IN_REPLY_TO=sent.message_id, REFERENCES=sent.message_id),
        source="pipe",
    )
    log_in(page, site)
    page.goto(f"{site}/admin/tickets/ticket/{ticket.pk}/change/")
    last = page.locator(".ticket-message").last
    expect(last).to_contain_text("By email")
    expect(last).to_contain_text("Setting stream=true with the new SDK fixed it")
    expect(last.locator(".ticket-message__body")).not_to_contain_text("Which SDK version")
    last.get_by_text("The whole email").click()
    expect(last.locator(".ticket-email__text")).to_contain_text("Which SDK version do you use?")
    screenshot(page, "admin-email-reply-1280")
    assert_accessible(page)
    assert mail.outbox  # the assignee-less reply notified the support address
