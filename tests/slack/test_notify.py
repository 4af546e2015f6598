"""What channels hear: new urgent tickets, customer replies, SLA warnings and rules' posts,
each posted to the channel's incoming webhook (a real HTTP server standing in for Slack)
after the commit, through the outbox with its retries."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from slack import delivery, notify
from slack.models import SlackChannel, SlackMessage
from tickets import services
from tickets.models import AgentGroup, SavedView, Ticket, Trigger, TriggerAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run `work` and what waits for its commit (the posting)."""

    def run(work):
        with django_capture_on_commit_callbacks(execute=True):
            return work()

    return run


def cards(server, channel=None):
    return [
        hit["json"]
        for hit in server.received
        if channel is None or hit["path"] == "/" + channel.webhook_url.split("/", 3)[3]
    ]


def test_a_new_urgent_ticket_is_posted_with_its_buttons(
    slack_server, make_channel, make_ticket, committed
):
    channel = make_channel()
    ticket = committed(lambda: make_ticket(priority=4, subject="Checkout <down> & out"))
    [card] = cards(slack_server, channel)
    assert card["text"] == f"New urgent ticket: {ticket.reference} Checkout &lt;down&gt; &amp; out"
    section, context, note, buttons = card["blocks"]
    assert (
        f"/admin/tickets/ticket/{ticket.pk}/change/|{ticket.reference}" in section["text"]["text"]
    )
    assert "Urgent · New · no group · unassigned" in context["elements"][0]["text"]
    assert note["type"] == "input" and note["block_id"] == "note"
    assert [(b["action_id"], b["value"]) for b in buttons["elements"]] == [
        ("ticket.assign", ticket.reference),
        ("ticket.note", ticket.reference),
        ("ticket.resolve", ticket.reference),
    ]
    assert ticket.email not in str(card)  # no customer's address leaves for Slack
    row = SlackMessage.objects.get()
    assert (row.state, row.event, row.ticket, row.response_status) == (
        "sent",
        "urgent",
        ticket,
        200,
    )


def test_other_tickets_and_channels_that_do_not_listen_hear_nothing(
    slack_server, make_channel, make_ticket, committed
):
    make_channel()
    make_channel("#quiet", urgent=False)
    make_channel("#off", active=False)
    committed(lambda: make_ticket(priority=2))
    committed(lambda: make_ticket(priority=4))
    assert len(slack_server.received) == 1 and SlackMessage.objects.count() == 1


def test_a_channel_of_groups_hears_only_of_their_tickets(
    slack_server, make_channel, make_ticket, committed
):
    billing, api = AgentGroup.objects.create(name="Billing"), AgentGroup.objects.create(name="API")
    channel = make_channel("#billing")
    channel.groups.add(billing)
    committed(lambda: make_ticket(priority=4, group=api))
    assert slack_server.received == []
    ticket = committed(lambda: make_ticket(priority=4, group=billing))
    [card] = cards(slack_server)
    assert ticket.reference in card["text"] and "group Billing" in str(card["blocks"][1])


def test_a_channel_of_queue_views_hears_of_tickets_in_one(
    slack_server, make_channel, make_ticket, committed, lead
):
    channel = make_channel("#billing-urgent")
    channel.views.add(
        SavedView.objects.create(owner=lead, name="Billing", query="category__exact=billing")
    )
    committed(lambda: make_ticket(priority=4, category="technical"))
    assert slack_server.received == []
    committed(lambda: make_ticket(priority=4, category="billing"))
    assert len(slack_server.received) == 1


def test_customer_replies_go_to_channels_that_want_them(
    slack_server, make_channel, make_ticket, committed
):
    make_channel()  # urgent only
    replies = make_channel("#replies", urgent=False, replies=True)
    ticket = make_ticket()
    committed(lambda: services.customer_reply(ticket, "Still broken."))
    [card] = cards(slack_server, replies)
    assert card["text"].startswith(f"The customer replied: {ticket.reference}")
    assert "Still broken" not in str(card)  # the words stay on the site


def test_an_sla_about_to_breach_is_told_once_per_due_time(
    slack_server, make_channel, make_ticket, committed, settings
):
    settings.TICKET_BUSINESS_HOURS = None  # round the clock
    channel = make_channel()
    now = timezone.now()
    at_risk, fine = make_ticket(), make_ticket()
    Ticket.objects.filter(pk=at_risk.pk).update(
        waiting_since=now - timedelta(hours=3), sla_due_at=now + timedelta(minutes=30)
    )
    Ticket.objects.filter(pk=fine.pk).update(waiting_since=now, sla_due_at=now + timedelta(hours=8))
    assert committed(lambda: notify.warn_sla(now)) == {"warned": 1}
    [card] = cards(slack_server, channel)
    assert card["text"].startswith(f"SLA about to breach: {at_risk.reference}")
    assert committed(lambda: notify.warn_sla(now + timedelta(minutes=5))) == {"warned": 0}
    # A new due time (the customer wrote again) is worth a new warning.
    Ticket.objects.filter(pk=at_risk.pk).update(sla_due_at=now + timedelta(minutes=20))
    assert committed(lambda: notify.warn_sla(now)) == {"warned": 1}


def test_a_rule_posts_to_the_channel_it_names(slack_server, make_channel, make_ticket, committed):
    channel = make_channel("#vip", urgent=False)
    trigger = Trigger.objects.create(name="VIP words")
    action = TriggerAction(
        trigger=trigger, action="slack", value=" #vip ", text="VIP: {{ ticket.subject }}"
    )
    action.full_clean()
    action.save()
    ticket = committed(lambda: make_ticket(subject="Contract renewal"))
    [card] = cards(slack_server, channel)
    assert card["text"] == f"VIP: Contract renewal: {ticket.reference} Contract renewal"
    assert ticket.events.filter(
        field="trigger", new_value__contains="posted to Slack #vip"
    ).exists()


def test_a_rule_names_a_channel_that_exists(make_channel):
    make_channel("#vip")
    action = TriggerAction(trigger=Trigger.objects.create(name="R"), action="slack", value="#nope")
    with pytest.raises(ValidationError, match="Name a Slack channel: #vip"):
        action.full_clean()


def test_a_failed_post_is_tried_again_on_the_outbox_schedule(
    slack_server, make_channel, make_ticket, committed
):
    make_channel()
    slack_server.answer = 500
    committed(lambda: make_ticket(priority=4))
    row = SlackMessage.objects.get()
    assert (row.state, row.attempts, row.last_error) == ("failed", 1, "HTTP 500")
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)  # in a minute
    slack_server.answer = 200
    assert delivery.send_due() == {"sent": 0, "failed": 0}  # not yet
    SlackMessage.objects.update(next_attempt_at=timezone.now())  # a minute later
    assert delivery.send_due() == {"sent": 1, "failed": 0}
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert len(slack_server.received) == 2  # the same card, again


def test_a_webhook_on_a_private_address_is_refused(settings):
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = False
    channel = SlackChannel(name="#x", webhook_url="http://127.0.0.1:9/services/x")
    with pytest.raises(ValidationError, match="public internet"):
        channel.full_clean()


def test_a_ticket_a_rule_makes_urgent_is_posted_as_urgent(
    slack_server, make_channel, make_ticket, committed
):
    """Channels hear of a new ticket once the rules on creation have run."""
    make_channel()
    trigger = Trigger.objects.create(name="Everything is urgent")
    TriggerAction.objects.create(trigger=trigger, action="priority", value="4")
    ticket = committed(lambda: make_ticket(priority=2))
    assert ticket.priority == 4
    [card] = cards(slack_server)
    assert card["text"].startswith(f"New urgent ticket: {ticket.reference}")
