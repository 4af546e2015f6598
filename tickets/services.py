"""Everything that changes a ticket goes through here, so the audit trail, the clocks and
the emails are the same whether a change comes from the customer page or the admin."""

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from core.addresses import address_key_or_raw
from mail.models import InboundEmail
from status.services import active_incidents
from tickets import emails, events, macros, organizations, routing, triggers
from tickets.models import (
    FINISHED,
    AgentPreference,
    Channel,
    CustomFieldValue,
    EmailKind,
    Event,
    SuggestionOpen,
    Ticket,
    TicketMessage,
    TicketStatus,
)


def attach(files, message):
    """Link stored files (tickets.attachments.store) to the message they came with."""
    for attachment in files:
        attachment.ticket, attachment.message = message.ticket, message
        attachment.intake = attachment.network = ""  # no longer waiting for a form
        attachment.save(update_fields=["ticket", "message", "intake", "network"])


def _received(inbound, ticket, outcome):
    """Mark the email a ticket change came from, before any email answers it (the answer
    threads to it)."""
    if inbound is not None:
        inbound.owner, inbound.outcome = ticket, outcome
        inbound.save(update_fields=["owner_type", "owner_id", "outcome"])


@transaction.atomic
def create_ticket(
    ticket,
    *,
    intake="",
    files=(),
    inbound=None,
    acknowledge=True,
    field_values=None,
    channel=None,
    first_note=False,
):
    """Store a new ticket with its reference; emails go out once it is committed. From the
    form, or from an email (`inbound`; `acknowledge=False` when the acknowledgements to
    its network are capped: tickets.inbound), or by an agent (`ticket.created_by`:
    open_for_customer). `field_values`: {CustomField: value} the customer gave on the
    form. `channel`: how it came in (by default email with `inbound`, else the web form).
    `first_note`: the description is the agent's internal note, not the customer's words.
    The rules on creation run, then the group's assignment."""
    now = timezone.now()
    ticket.channel = channel or (Channel.EMAIL if inbound else Channel.WEB)
    ticket.intake = intake
    ticket.created_at = ticket.last_activity_at = ticket.waiting_since = now
    ticket.status_changed_at = ticket.customer_message_at = now
    ticket.open_incidents = [incident["name"] for incident in active_incidents()]
    organizations.join(ticket)
    ticket.recompute_sla()
    ticket.save()
    ticket.reference = Ticket.reference_for(ticket.pk)
    ticket.save(update_fields=["reference"])
    CustomFieldValue.objects.bulk_create(
        CustomFieldValue(ticket=ticket, field=field, value=value)
        for field, value in (field_values or {}).items()
        if value
    )
    agent = ticket.created_by
    via = TicketMessage.Via.EMAIL if inbound else TicketMessage.Via.WEB
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=TicketMessage.Author.STAFF if first_note else TicketMessage.Author.CUSTOMER,
        author=agent,
        body=ticket.description,
        is_internal=first_note,
        created_at=now,
        via=TicketMessage.Via.AGENT if agent and not first_note else via,
        inbound=inbound,
    )
    attach(files, message)
    _received(inbound, ticket, InboundEmail.Outcome.NEW_TICKET)
    events.ticket_created.send(sender=Ticket, ticket=ticket)
    if intake:
        SuggestionOpen.objects.filter(intake=intake, ticket__isnull=True).update(ticket=ticket)
    by_agent = agent is not None or ticket.channel == Channel.AGENT
    triggers.run(
        ticket, event=Event.CREATED, actor_kind="staff" if by_agent else "customer", message=message
    )
    routing.route(ticket)
    ticket.refresh_search_text()
    events.ticket_opened.send(sender=Ticket, ticket=ticket)
    if acknowledge:
        extra = {"opened_by": agent.first_name or "A support engineer"} if agent else {}
        emails.queue(ticket, "ticket_received", ticket.email, extra=extra)
    emails.queue(ticket, "staff_new_ticket", settings.SUPPORT_EMAIL)
    return ticket


# How an agent heard from the customer, as they choose it on "New ticket".
AGENT_CHANNELS = (Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.OTHER)


def open_for_customer(ticket, *, agent, channel, as_note=False, acknowledge=False):
    """An agent opens a ticket for a customer (a phone call, a chat, on their behalf):
    recorded as opened by the agent, the first message (`ticket.description`) the
    customer's words as the agent took them down, or an internal note; the customer hears
    of it, with their private link, only when the agent asks (`acknowledge`)."""
    if channel not in AGENT_CHANNELS:
        raise ValueError(f"Agents open tickets by {AGENT_CHANNELS}, not {channel!r}.")
    ticket.created_by = agent
    if not ticket.name:
        ticket.name = Ticket.objects.known_name(ticket.email)
    with transaction.atomic():
        create_ticket(
            ticket, acknowledge=acknowledge, channel=channel, first_note=as_note, intake=""
        )
        ticket.events.create(
            actor=agent,
            field="ticket",
            new_value=f"Opened for the customer ({Channel(channel).label})",
            reason="acknowledgement emailed" if acknowledge else "",
        )
    return ticket


@transaction.atomic
def staff_update(
    ticket,
    *,
    actor,
    status=None,
    reply="",
    internal=False,
    files=(),
    macro=None,
    remember_audience=False,
    add_tags=(),
    remove_tags=(),
    field_values=None,
    **triage,
):
    """An agent's changes to a ticket: triage fields (priority, assignee, category), tags,
    custom fields ({CustomField: value}), a status and a reply or internal note. A public
    reply hands the ticket to the customer (Pending) unless the agent chose another status;
    assigning a new ticket opens it. `macro`: the macro whose text the reply came from (its
    note is added, its use counted). `remember_audience`: the reply box opens on this
    audience next time, for this agent. Fields are saved before the status moves, so a
    field required to resolve can be filled in the same save."""
    if remember_audience:
        AgentPreference.remember_reply_kind(actor, "internal" if internal else "public")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    status = None if status in (None, "", ticket.status) else TicketStatus(status)
    changed = ticket.change_triage(by=actor, **triage)
    if "group" in changed:
        routing.route(ticket, by=actor)
    ticket.set_field_values(field_values or {}, by=actor)
    ticket.change_tags(add=add_tags, remove=remove_tags, by=actor)
    public = bool(reply) and not internal
    if public and actor is not None:  # a rule's reply (no agent) is not signed by anyone
        reply = AgentPreference.signed(reply, actor)
    if reply:
        message = TicketMessage.objects.create(
            ticket=ticket,
            author_kind=TicketMessage.Author.STAFF,
            author=actor,
            body=reply,
            is_internal=internal,
        )
        attach(files, message)
        if macro is not None:
            macros.record_use(macro, ticket=ticket, by=actor)
    if public:
        ticket.record_staff_reply(by=actor, status=status)
        # A reply that resolves the ticket is the resolution email (it says how to reopen).
        kind = "ticket_resolved" if status in FINISHED else "staff_reply"
        emails.queue(ticket, kind, ticket.email, message=message)
    else:
        move_after_change(ticket, status, by=actor, reason="assigned" if not reply else "")
    triggers.run(ticket, event=Event.UPDATED, actor_kind="staff")
    ticket.refresh_search_text()
    return ticket


def move_after_change(ticket, status, *, by, reason=""):
    """The status move that follows a staff change without a public reply (one ticket or
    many): `status` as chosen (None: none), else assigning a new ticket opens it; a
    resolution is told to the customer. Returns whether the ticket moved; an illegal move
    raises IllegalTransition."""
    if status is None and ticket.status == TicketStatus.NEW and ticket.assignee_id:
        status, reason = TicketStatus.OPEN, reason or "assigned"
    if status is None:
        return False
    moved = ticket.transition(status, by=by, reason=reason)
    if moved and status == TicketStatus.RESOLVED:
        tell_customer_resolved(ticket)
    return moved


def tell_customer_resolved(ticket):
    """Staff resolved the ticket without writing: the customer still hears of it."""
    ticket.last_activity_at = timezone.now()
    ticket.save(update_fields=["last_activity_at"])
    emails.queue(ticket, "ticket_resolved", ticket.email)


@transaction.atomic
def customer_reply(ticket, body, *, files=(), inbound=None, sender=""):
    """The customer answers, on the private page or by email (`inbound`; `sender` when it
    is someone the requester copied); a resolved or pending ticket opens again."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=TicketMessage.Author.CUSTOMER,
        body=body,
        via=TicketMessage.Via.EMAIL if inbound else TicketMessage.Via.WEB,
        inbound=inbound,
        sender=sender,
    )
    attach(files, message)
    _received(inbound, ticket, InboundEmail.Outcome.REPLY)
    ticket.record_customer_message(now=message.created_at)
    triggers.run(ticket, event=Event.UPDATED, actor_kind="customer", message=message)
    ticket.refresh_search_text()
    emails.queue(ticket, "staff_customer_reply", _staff_address(ticket), message=message)
    events.customer_replied.send(sender=Ticket, ticket=ticket, message=message)
    return ticket


def _staff_address(ticket):
    """Who hears of the customer: the assignee, or the support address."""
    if ticket.assignee and ticket.assignee.email:
        return ticket.assignee.email
    return settings.SUPPORT_EMAIL


@transaction.atomic
def email_note(ticket, body, *, inbound, sender, files=()):
    """An email on a ticket from someone who is not its customer: kept as an internal note
    for an agent to read (and forward to the customer, or not). It changes no status."""
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=TicketMessage.Author.CUSTOMER,
        body=body,
        is_internal=True,
        via=TicketMessage.Via.EMAIL,
        inbound=inbound,
        sender=sender,
    )
    attach(files, message)
    _received(inbound, ticket, InboundEmail.Outcome.NOTE)
    ticket.refresh_search_text()
    emails.queue(ticket, "staff_customer_reply", _staff_address(ticket), message=message)
    return message


class NotAnEmailNote(ValueError):
    pass


@transaction.atomic
def accept_email_note(message, *, by):
    """An agent vouches for an email kept as an internal note (unverified, or from someone
    else): it becomes the customer's message, shown to them, without the note's heading, as
    if it had come in as their reply (the ticket waits on support again)."""
    ticket = Ticket.objects.select_for_update().get(pk=message.ticket_id)
    message = TicketMessage.objects.select_for_update().get(pk=message.pk)
    if not message.is_email_note:
        raise NotAnEmailNote("Only an email kept as an internal note can be accepted.")
    heading, _, text = message.body.partition("\n\n")
    message.body = text or heading
    message.is_internal = False
    if address_key_or_raw(message.sender) == ticket.email_key:
        message.sender = ""  # the requester: shown under their own name
    message.save(update_fields=["body", "is_internal", "sender"])
    if message.inbound_id:
        InboundEmail.objects.filter(pk=message.inbound_id).update(
            outcome=InboundEmail.Outcome.REPLY
        )
    ticket.events.create(
        actor=by,
        field="message",
        new_value="Email accepted as the customer's",
        reason=f"from {message.sender or ticket.email}"[:200],
    )
    ticket.record_customer_message(reason="email accepted as the customer's")
    triggers.run(ticket, event=Event.UPDATED, actor_kind="customer", message=message)
    ticket.refresh_search_text()
    events.customer_replied.send(sender=Ticket, ticket=ticket, message=message)
    return message


@transaction.atomic
def customer_solved(ticket):
    """The customer marked the ticket solved on its page: resolved, and the assignee (or
    the support address) is told."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.is_finished:
        return ticket
    ticket.transition(TicketStatus.RESOLVED, reason="marked solved by the customer")
    ticket.last_activity_at = timezone.now()
    ticket.save(update_fields=["last_activity_at"])
    TicketMessage.objects.create(
        ticket=ticket,
        author_kind=TicketMessage.Author.SYSTEM,
        body="Marked as solved on the ticket's page.",
    )
    triggers.run(ticket, event=Event.UPDATED, actor_kind="customer")
    emails.queue(ticket, EmailKind.STAFF_SOLVED, _staff_address(ticket))
    return ticket


@task
def send_ticket_links(email):
    return send_links(email)


def send_links(address):
    """The "My requests" form: email a link to the list of this address's tickets. Runs as
    a task, so the form answers in the same time whether or not there are any.

    Tickets are found by the address's normal form, and each email goes to the address
    stored on its tickets, never to the address as typed. Links sent before keep their own
    expiry: a request revives none of them."""
    tickets = list(Ticket.objects.for_address(address).order_by("-created_at"))
    by_address = {}
    for ticket in tickets:
        by_address.setdefault(ticket.email, []).append(ticket)
    with transaction.atomic():
        for stored_address, own in by_address.items():
            emails.queue_requests_link(own, stored_address)
    return len(tickets)
