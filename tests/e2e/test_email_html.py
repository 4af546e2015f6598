"""Customer and subscriber emails as mail clients show them: the HTML alternative validates
with the Nu Html Checker, reads well at phone width in light and dark mode (screenshots),
and passes axe (issue 25, item 4)."""

import pytest
from django.core import mail

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.vnu import html_errors
from tickets import emails, services

pytestmark = pytest.mark.django_db


def _customer_emails(make_ticket, agent):
    """One of each email a customer reads, from a conversation as it happens."""
    agent.first_name = "Kim"
    agent.save()
    ticket = make_ticket(
        name="Dana Whitfield", email="dana@example.com", subject="Stream stops",
        description="My stream stops after 30 seconds.\nEvery time, since Monday: "
        "https://app.example.com/streams/" + "x" * 120,
    )  # fmt: skip
    services.staff_update(ticket, actor=agent, reply="Hi Dana,\n\nWhich SDK version?")
    services.customer_reply(ticket, "Version 2.1.\n\n- on Android\n- on iOS")
    services.staff_update(
        ticket, actor=agent, reply="Hi Dana,\n\n2.2 fixes it: please update.", status="resolved"
    )
    services.send_links("dana@example.com")
    found = {}
    for email in ticket.emails.filter(kind__in=["ticket_received", "staff_reply",
                                                 "ticket_resolved"]).order_by("pk"):  # fmt: skip
        emails.deliver(email.pk)
        found[email.kind] = mail.outbox[-1]
    links = emails.due_for_retry().filter(kind="ticket_links").first()
    emails.deliver(links.pk)
    found["ticket_links"] = mail.outbox[-1]
    return {kind: message.alternatives[0][0] for kind, message in found.items()}


def test_customer_emails_validate_and_read_well_in_light_and_dark(
    make_ticket, agent, page, tmp_path
):
    htmls = _customer_emails(make_ticket, agent)
    assert set(htmls) == {"ticket_received", "staff_reply", "ticket_resolved", "ticket_links"}
    for kind, html in htmls.items():
        (tmp_path / f"{kind}.html").write_text(html)
    assert html_errors(tmp_path) == []

    page.set_viewport_size({"width": 390, "height": 800})
    page.set_content(htmls["ticket_resolved"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    quote = page.locator("blockquote").first
    assert "Version 2.1." in quote.inner_text()
    assert_accessible(page)
    screenshot(page, "email-resolved-light-390")
    page.emulate_media(color_scheme="dark")
    page.set_content(htmls["ticket_resolved"])
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(17, 20, 24)"  # the dark palette, not white
    assert_accessible(page)
    screenshot(page, "email-resolved-dark-390")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 800, "height": 800})
    page.set_content(htmls["ticket_received"])
    screenshot(page, "email-received-light-800")
