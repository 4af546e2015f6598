"""A customer after support answered: the satisfaction survey from the resolution email, and
My requests from the help center."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tickets import emails, services
from tickets.models import SatisfactionRating, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_survey_from_the_resolution_email(page: Page, site, quick_form, agent_user):
    ticket = services.create_ticket(
        Ticket(email="ada@example.com", subject="Invite link expired", description="x")
    )
    services.staff_update(ticket, actor=agent_user, assignee=agent_user, status="resolved")
    emails.deliver(ticket.emails.get(kind="ticket_resolved").pk)  # (sent already, on commit)
    [resolved] = [m for m in mail.outbox if "Resolved" in m.subject]
    good = re.search(r"Good: +(http://\S+)", resolved.body).group(1)
    page.goto(good)
    expect(page.get_by_role("heading", level=1)).to_have_text("How did we do?")
    assert not SatisfactionRating.objects.exists()  # opening the link records nothing
    assert_accessible(page)
    page.get_by_role("button", name="Good").click()
    expect(page.locator("#survey-thanks")).to_contain_text("you rated our help good")
    page.get_by_label("Anything to add? (optional)").fill("Quick and clear, thanks.")
    page.get_by_role("button", name="Send comment").click()
    expect(page.locator("#survey-thanks")).to_contain_text("Thank you for telling us.")
    screenshot(page, "survey-thanks-1280")
    rated = SatisfactionRating.objects.get()
    assert (rated.rating, rated.comment, rated.agent) == (
        "good",
        "Quick and clear, thanks.",
        agent_user,
    )


def emails_with_subject(subject, wait=10):
    """The emails sent with `subject`, waiting up to `wait` seconds for the first."""
    deadline = time.monotonic() + wait
    while True:
        found = [m for m in mail.outbox if m.subject == subject]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_my_requests_lists_and_opens_every_ticket(page: Page, site, quick_form):
    for subject in ("Invite link expired", "Stream stops early"):
        services.create_ticket(Ticket(email="ada@example.com", subject=subject, description="x"))
    page.goto(site + "/support/")
    page.get_by_role("link", name="See my requests").click()
    page.get_by_label("Email you used for the ticket").fill("ADA@example.com")
    page.get_by_role("button", name="Email me the link").click()
    expect(page.locator("#links-sent")).to_contain_text("ADA@example.com")
    # The link is looked up and sent once the answer has gone (the same answer, in the same
    # time, whether or not the address has tickets): it arrives a moment later.
    [email] = emails_with_subject("Your support requests")
    assert email.to == ["ada@example.com"]
    page.goto(re.search(r"http://\S+/support/requests/\S+/", email.body).group(0))
    expect(page.locator(".request")).to_have_count(2)
    screenshot(page, "my-requests-1280")
    assert_accessible(page)
    page.locator(".request", has_text="Invite link expired").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite link expired")
    page.set_viewport_size({"width": 360, "height": 800})
    page.go_back()
    screenshot(page, "my-requests-360")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
