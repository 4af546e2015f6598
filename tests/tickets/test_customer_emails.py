"""What customers read in ticket emails: the agent's reply as the body with their signature,
the conversation quoted below it, a resolution that says so, an acknowledgement that names
the request, and the same status words as the pages (issue 25, item 5)."""

import pytest
from django.core import mail

from tests.html import texts
from tests.tickets.links import emailed_link, requests_link_in
from tickets import emails, services
from tickets.models import AgentPreference, TicketStatus


def _sent(ticket, kind):
    email = ticket.emails.filter(kind=kind).order_by("-pk").first()
    assert emails.deliver(email.pk) == "sent"
    return mail.outbox[-1]


@pytest.fixture
def kim(agent):
    agent.first_name, agent.last_name = "Kim", "Lee"
    agent.save()
    return agent


def test_the_reply_is_the_body_with_one_greeting_and_the_agents_signature(make_ticket, kim):
    ticket = make_ticket(name="Dana Whitfield", email="dana@example.com")
    services.staff_update(ticket, actor=kim, reply="Hi Dana,\n\nPlease update the SDK.")
    body = _sent(ticket, "staff_reply").body
    assert body.startswith("Hi Dana,\n\nPlease update the SDK.\n\nKim\nThe support team\n")
    assert "Hello" not in body and "replied to" not in body


def test_an_agent_signs_with_their_own_signature_once(make_ticket, kim, settings):
    settings.TICKET_SIGNATURE = "{name} at Example\nsupport@example.com"
    ticket = make_ticket()
    services.staff_update(ticket, actor=kim, reply="First.")
    assert _sent(ticket, "staff_reply").body.startswith("First.\n\nKim at Example\nsupport@")
    AgentPreference.objects.create(user=kim, signature="Kim L.\nPlatform support")
    services.staff_update(ticket, actor=kim, reply="Second.\n\nKim L.\nPlatform support")
    body = _sent(ticket, "staff_reply").body
    assert body.startswith("Second.\n\nKim L.\nPlatform support\n")
    assert body.count("Platform support") == 1  # written by hand: not signed twice


def test_an_internal_note_is_not_signed(make_ticket, kim):
    ticket = make_ticket()
    services.staff_update(ticket, actor=kim, reply="Check the quota.", internal=True)
    assert ticket.messages.get(is_internal=True).body == "Check the quota."


def test_a_reply_that_resolves_is_the_resolution_email(make_ticket, kim):
    ticket = make_ticket(subject="Stream stops")
    services.staff_update(ticket, actor=kim, reply="Fixed on our side.", status="resolved")
    assert not ticket.emails.filter(kind="staff_reply").exists()
    sent = _sent(ticket, "ticket_resolved")
    assert sent.subject == f"[{ticket.reference}] Resolved: Stream stops"
    assert sent.body.startswith("Fixed on our side.\n\nKim\nThe support team")
    assert f"Your request {ticket.reference} (Stream stops) is resolved." in sent.body
    assert "Reply to this email" in sent.body and "opens again" in sent.body
    assert "mark it as solved" not in sent.body and "New reply" not in sent.subject


def test_the_conversation_is_quoted_below_the_new_message(make_ticket, kim):
    ticket = make_ticket(description="My stream stops after 30 seconds.")
    services.staff_update(ticket, actor=kim, reply="Which SDK version?")
    services.staff_update(ticket, actor=kim, reply="Legacy plan.", internal=True)
    services.customer_reply(ticket, "Version 2.1.")
    services.staff_update(ticket, actor=kim, reply="Please update to 2.2.")
    body = _sent(ticket, "staff_reply").body
    new, _, quoted = body.partition("\n----\n")
    assert new.startswith("Please update to 2.2.") and "Version 2.1." not in new
    assert quoted.index("> Version 2.1.") < quoted.index("> Which SDK version?")
    assert quoted.index("> Which SDK version?") < quoted.index("> My stream stops")
    assert "Kim (support)" in quoted and "Legacy plan" not in body
    assert "Please update to 2.2." not in quoted


def test_the_acknowledgement_repeats_the_subject_so_two_requests_differ(make_ticket):
    first = make_ticket(email="ada@example.com", subject="Stream stops")
    second = make_ticket(email="ada@example.com", subject="Invoice is wrong")
    sent = [_sent(t, "ticket_received") for t in (first, second)]
    assert [email.subject for email in sent] == [
        f"[{first.reference}] We received your request: Stream stops",
        f"[{second.reference}] We received your request: Invoice is wrong",
    ]
    assert f'We received your support request {first.reference}: "Stream stops".' in sent[0].body


@pytest.mark.parametrize(
    ("subject", "shown"),
    [
        ("Claim your prize at evil.example now", "Claim your prize at … now"),
        ("See https://x.y/z or mail eve@example.com", "See … or mail …"),
        ("evil .example", "evil …"),
        ("evil。example", ""),
        ("Error 2.1 on upload", "Error 2.1 on upload"),
        ("x" * 200, "x" * 79 + "…"),
    ],
)
def test_the_acknowledgement_repeats_no_link_a_stranger_typed(subject, shown):
    assert emails.subject_for_unverified(subject) == shown


def test_one_status_vocabulary_on_the_page_my_requests_and_emails(
    client, content, make_ticket, kim, django_capture_on_commit_callbacks
):
    ticket = make_ticket(email="ada@example.com")
    page = client.get(emailed_link(ticket)).content.decode()
    assert texts(page, "ticket-status")[0].startswith("Status: Waiting for support ·")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/support/tickets/", {"email": "ada@example.com"})
    [links] = mail.outbox
    assert f"{ticket.reference}, opened" in links.body and "(Waiting for support)" in links.body
    assert "(New)" not in links.body
    listed = client.get(requests_link_in(links.body)).content.decode()
    assert texts(listed, "meta")[0].startswith("Waiting for support ·")
    services.staff_update(ticket, actor=kim, reply="Which SDK?")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    assert ticket.customer_status_label == "Waiting for your reply"


def test_an_agent_writes_their_own_signature_and_sees_no_one_elses(client, kim, lead):
    AgentPreference.objects.create(user=lead, signature="The lead's")
    client.force_login(kim)
    listing = client.get("/admin/tickets/agentpreference/").content.decode()
    assert "The lead&#x27;s" not in listing and "The lead's" not in listing
    added = client.post("/admin/tickets/agentpreference/add/", {"signature": "Kim\nAPI team"})
    assert added.status_code == 302
    assert AgentPreference.signature_for(kim) == "Kim\nAPI team"
    assert client.get("/admin/tickets/agentpreference/add/").status_code == 403  # one each
    theirs = AgentPreference.objects.get(user=lead)
    assert client.get(f"/admin/tickets/agentpreference/{theirs.pk}/change/").status_code == 302
