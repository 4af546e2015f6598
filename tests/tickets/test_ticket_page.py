"""The ticket page as an agent works it: the reply box's audience, macros, the buttons,
the side panel and who else is on the ticket."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from status.models import Incident
from tickets import emails, merging, presence
from tickets.models import EmailKind, Macro, OutboundEmail, Ticket, TicketMessage

CHANGELIST = "/admin/tickets/ticket/"


def change_url(ticket):
    return f"{CHANGELIST}{ticket.pk}/change/"


@pytest.fixture
def agent_client(client, agent):
    agent.first_name, agent.last_name = "Sam", "Rivera"
    agent.save()
    client.force_login(agent)
    return client


@pytest.fixture
def kim(db):
    user = get_user_model().objects.create_user("kim", first_name="Kim", is_staff=True)
    user.groups.add(Group.objects.get(name="Support agents"))
    return user


def form_data(ticket, **fields):
    ticket.refresh_from_db()
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        "category": ticket.category,
        "reply_kind": "public",
        "reply": "",
        "seen_version": ticket.updated_at.isoformat(),
        **fields,
    }


def checked_audience(html):
    return re.search(r'<input[^>]*name="reply_kind"[^>]*value="(\w+)"[^>]*checked', html)[1]


# The reply box.
def test_the_reply_box_says_who_will_read_it(agent_client, make_ticket):
    html = agent_client.get(change_url(make_ticket(email="ada@example.com"))).content.decode()
    assert "Reply to customer" in html and "emailed to ada@example.com" in html
    assert "Internal note" in html and "never emailed" in html
    assert "Send to customer" in html and "Add note" in html
    assert checked_audience(html) == "public"


def test_the_audience_is_remembered_per_agent(agent_client, kim, make_ticket):
    ticket = make_ticket()
    response = agent_client.post(
        change_url(ticket), form_data(ticket, reply_kind="internal", reply="Quota?", _send="")
    )
    assert response.status_code == 302
    other = make_ticket()
    assert checked_audience(agent_client.get(change_url(other)).content.decode()) == "internal"
    client = Client()
    client.force_login(kim)
    assert checked_audience(client.get(change_url(other)).content.decode()) == "public"


def test_an_empty_reply_is_never_sent(
    agent_client, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    mail.outbox.clear()
    for button in ("_send", "_send_next", "_send_resolve"):
        with django_capture_on_commit_callbacks(execute=True):
            response = agent_client.post(
                change_url(ticket), form_data(ticket, reply="   \n ", priority=4, **{button: ""})
            )
        assert response.status_code == 200
        assert "Write the reply before sending it" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.priority == 2 and ticket.first_response_at is None
    assert mail.outbox == [] and not ticket.messages.filter(author_kind="staff").exists()


def test_save_changes_alone_needs_no_text(agent_client, make_ticket):
    ticket = make_ticket()
    response = agent_client.post(change_url(ticket), form_data(ticket, priority=4, _save=""))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == 4


@pytest.mark.parametrize("button", ["_send", "_send_next", "_send_resolve", "_save"])
def test_an_internal_note_never_reaches_the_customer(
    agent_client, make_ticket, django_capture_on_commit_callbacks, button
):
    """Whatever button sends it, and whatever is emailed to the customer afterwards (a
    resolution, a later public reply), the note's words are in no email to them."""
    ticket = make_ticket(email="ada@example.com")
    note = "SECRET-NOTE: customer is on the legacy plan"
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            change_url(ticket),
            form_data(ticket, reply_kind="internal", reply=note, **{button: ""}),
        )
        agent_client.post(
            change_url(ticket), form_data(ticket, reply="Here is the answer.", _send="")
        )
    assert TicketMessage.objects.get(ticket=ticket, is_internal=True).body == note
    to_customer = OutboundEmail.objects.filter(to="ada@example.com")
    assert to_customer.filter(kind=EmailKind.STAFF_REPLY).exists()
    assert not [e for e in to_customer if "SECRET-NOTE" in e.subject + e.body]
    assert not [m for m in mail.outbox if "SECRET-NOTE" in m.subject + m.body]
    assert "SECRET-NOTE" not in agent_client.get(f"/support/tickets/{'x' * 30}/").content.decode()


def test_the_email_builder_refuses_a_note_for_the_customer(make_ticket, agent):
    ticket = make_ticket()
    note = TicketMessage.objects.create(
        ticket=ticket, author_kind="staff", author=agent, body="internal", is_internal=True
    )
    for kind in (EmailKind.STAFF_REPLY, EmailKind.TICKET_RESOLVED):
        with pytest.raises(ValueError, match="never sent to the customer"):
            emails.queue(ticket, kind, ticket.email, message=note)
    assert not OutboundEmail.objects.filter(body__contains="internal", kind=EmailKind.STAFF_REPLY)


def test_a_merged_ticket_has_no_reply_box(agent_client, agent, make_ticket):
    kept = make_ticket(email="ada@example.com")
    dup = make_ticket(email="ada@example.com")
    merging.merge([kept, dup], actor=agent, keep=kept)
    html = agent_client.get(change_url(dup)).content.decode()
    assert 'name="reply"' not in html and "Send to customer" not in html
    assert "merged into" in html and kept.reference in html
    response = agent_client.post(change_url(dup), form_data(dup, reply="Hello", _save=""))
    assert response.status_code == 200 and "reply there" in response.content.decode()


# Macros on the ticket page.
def test_a_macro_fills_the_box_for_review_and_acts_on_send(
    agent_client, agent, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket(name="Ada Lovelace")
    macro = Macro.objects.create(
        title="Need request ID",
        body="Hi {{ customer.first_name }}, could you send the request ID? {{ agent.name }}",
        set_status="pending",
        set_priority=3,
        internal_note="Asked for the request ID.",
    )
    url = f"{CHANGELIST}{ticket.pk}/macro/"
    response = agent_client.post(
        url, {"macro": macro.pk, "reply": ""}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Hi Ada, could you send the request ID? Sam Rivera" in html
    assert 'hx-swap-oob="true"' in html and 'id="id_priority"' in html
    assert "priority High" in html and "adds an internal note" in html
    ticket.refresh_from_db()
    assert ticket.priority == 2 and not ticket.messages.filter(is_internal=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            change_url(ticket),
            form_data(
                ticket,
                reply="Hi Ada, could you send the request ID? Sam Rivera",
                status="pending",
                priority=3,
                applied_macro=macro.pk,
                _send="",
            ),
        )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("pending", 3)
    assert ticket.messages.get(is_internal=True).body == "Asked for the request ID."
    assert Macro.objects.get(pk=macro.pk).usage_count == 1


def test_a_macro_works_without_javascript(agent_client, make_ticket):
    ticket = make_ticket(name="Ada")
    macro = Macro.objects.create(
        title="Hello", body="Hello {{ customer.first_name }}", set_priority=4
    )
    response = agent_client.post(
        f"{CHANGELIST}{ticket.pk}/macro/", {"macro": macro.pk, "reply": "Kept."}
    )
    assert response.status_code == 302
    html = agent_client.get(response["Location"]).content.decode()
    assert "Kept.\n\nHello Ada</textarea>" in html
    assert re.search(r'<option value="4" selected>Urgent', html)
    # Once: a reload shows the ticket as stored.
    assert "Hello Ada</textarea>" not in agent_client.get(change_url(ticket)).content.decode()


def test_unknown_variables_are_shown_before_sending(agent_client, make_ticket):
    ticket = make_ticket()
    macro = Macro.objects.create(title="Odd", body="{% load static %} {{ x.__class__ }}")
    html = agent_client.post(
        f"{CHANGELIST}{ticket.pk}/macro/", {"macro": macro.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Not filled in" in html and "{% load static %}" in html.replace("&#x27;", "'")


def test_another_agents_personal_macro_cannot_be_applied(agent_client, kim, make_ticket):
    ticket = make_ticket()
    theirs = Macro.objects.create(title="Kim's", body="Private text", owner=kim)
    html = agent_client.get(change_url(ticket)).content.decode()
    assert "Kim&#x27;s" not in html and "Kim's" not in html
    response = agent_client.post(
        f"{CHANGELIST}{ticket.pk}/macro/", {"macro": theirs.pk}, headers={"HX-Request": "true"}
    )
    assert "Private text" not in response.content.decode()
    assert "Choose a macro" in response.content.decode()


# Buttons.
def test_assign_to_me(agent_client, agent, make_ticket):
    ticket = make_ticket()
    response = agent_client.post(f"{CHANGELIST}{ticket.pk}/assign-to-me/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent and ticket.status == "open"
    assert agent_client.get(f"{CHANGELIST}{ticket.pk}/assign-to-me/").status_code == 405


def test_send_and_next_opens_the_next_ticket_of_the_same_view(agent_client, agent, make_ticket):
    urgent = [make_ticket(priority=4, subject=f"urgent {n}") for n in range(3)]
    make_ticket(priority=2, subject="normal, not in the view")
    filters = "priority__exact=4"
    order = re.findall(
        r'href="/admin/tickets/ticket/(\d+)/change/\?_changelist_filters',
        agent_client.get(f"{CHANGELIST}?{filters}").content.decode(),
    )
    assert sorted(int(pk) for pk in dict.fromkeys(order)) == sorted(t.pk for t in urgent)
    first, second = (int(pk) for pk in list(dict.fromkeys(order))[:2])
    ticket = Ticket.objects.get(pk=first)
    response = agent_client.post(
        change_url(ticket) + "?_changelist_filters=priority__exact%3D4",
        form_data(ticket, reply="Done.", _send_next=""),
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{CHANGELIST}{second}/change/?_changelist_filters=priority__exact%3D4"
    )


def test_send_and_next_at_the_end_goes_back_to_the_queue(agent_client, make_ticket):
    ticket = make_ticket(priority=4)
    response = agent_client.post(
        change_url(ticket) + "?_changelist_filters=priority__exact%3D4",
        form_data(ticket, reply="Done.", _send_next=""),
    )
    assert response["Location"] == f"{CHANGELIST}?priority__exact=4"


def test_send_and_resolve(agent_client, make_ticket, django_capture_on_commit_callbacks):
    ticket = make_ticket(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            change_url(ticket), form_data(ticket, reply="Fixed now.", _send_resolve="")
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.first_response_at is not None
    assert any("Fixed now." in m.body for m in mail.outbox)


# The side panel.
def test_side_panel_shows_the_customers_other_tickets_incidents_and_runbook_steps(
    agent_client, make_ticket
):
    before = Incident.objects.create(
        name="API errors in eu-west",
        status="investigating",
        started_at=timezone.now() - timedelta(hours=1),
    )
    Incident.objects.create(
        name="Long fixed",
        status="resolved",
        started_at=timezone.now() - timedelta(days=3),
        resolved_at=timezone.now() - timedelta(days=2),
    )
    older = make_ticket(email="Ada@Example.com", subject="Earlier problem")
    make_ticket(email="someone@example.com", subject="Not theirs")
    ticket = make_ticket(email="ada@example.com", checks_done=["Checked the API key"])
    Incident.objects.create(name="Started after", status="investigating")
    html = agent_client.get(change_url(ticket)).content.decode()
    side = html[html.index('class="ticket-side"') :]
    assert older.reference in side and "Earlier problem" in side and "Not theirs" not in side
    assert before.name in side and "Long fixed" not in side and "Started after" not in side


# Presence.
def test_who_else_is_on_the_ticket(agent_client, kim, make_ticket):
    ticket = make_ticket()
    client = Client()
    client.force_login(kim)
    client.get(f"{CHANGELIST}{ticket.pk}/presence/", headers={"HX-Request": "true"})
    url = f"{CHANGELIST}{ticket.pk}/presence/"
    html = agent_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and "Kim</strong> is viewing" in html
    client.get(url, {"state": "replying"}, headers={"HX-Request": "true"})
    assert "Kim</strong> is replying" in agent_client.get(change_url(ticket)).content.decode()
    # Nobody sees themselves.
    own_view = client.get(url).content.decode()
    assert "Sam Rivera</strong> is viewing" in own_view and "Kim</strong>" not in own_view
    presence.leave(ticket.pk, kim)
    assert "Nobody else" in agent_client.get(url).content.decode()
    # Opening the page is enough to be seen.
    client.get(change_url(ticket))
    assert "Kim</strong> is viewing" in agent_client.get(url).content.decode()


def test_presence_expires(kim, agent, make_ticket, monkeypatch):
    import time

    ticket = make_ticket()
    monkeypatch.setattr(presence, "TTL", 1)
    presence.mark(ticket.pk, kim)
    assert [p["name"] for p in presence.others(ticket.pk, agent)] == ["Kim"]
    time.sleep(1.1)
    assert presence.others(ticket.pk, agent) == []


def test_presence_is_for_staff_who_may_see_the_ticket(client, make_ticket):
    ticket = make_ticket()
    response = client.get(f"{CHANGELIST}{ticket.pk}/presence/")
    assert response.status_code == 302 and "/login/" in response["Location"]
