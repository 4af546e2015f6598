"""Tickets as the API gives and takes them: the list's filters and cursor, the JSON of a
ticket, and the changes, each made through tickets.services (the state machine, triggers,
emails and the audit trail are the admin's)."""

import base64
import binascii

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from api.problems import Problem
from core.parsing import row_id
from core.people import staff_name
from mail.links import absolute
from tickets import attachments, merging, services
from tickets.models import (
    AgentGroup,
    Channel,
    CustomField,
    CustomFieldValue,
    Priority,
    Ticket,
    TicketStatus,
)
from tickets.models.groups import InvalidAssignment
from tickets.models.workflow import IllegalTransition

PRIORITY_NAMES = {p.value: p.name.lower() for p in Priority}
PRIORITIES = {name: value for value, name in PRIORITY_NAMES.items()}
CURSOR_PREFIX = "t1."


# The list: newest first by id, so new tickets land before the first page, never inside a
# page already read (a cursor is "ids below this one").


def encode_cursor(pk):
    return CURSOR_PREFIX + base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def decode_cursor(cursor):
    if not cursor.startswith(CURSOR_PREFIX):
        raise Problem(422, "This cursor was not given by this API.", kind="validation")
    text = cursor[len(CURSOR_PREFIX) :]
    try:
        pk = row_id(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pk = None
    if pk is None:
        raise Problem(422, "This cursor was not given by this API.", kind="validation")
    return pk


def staff_user(username):
    user = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
    if user is None:
        raise Problem(422, f"No active staff user is called {username[:150]!r}.", kind="validation")
    return user


def filtered(
    *,
    status=None,
    priority=None,
    assignee=None,
    tag=None,
    email=None,
    updated_since=None,
    created_since=None,
):
    tickets = Ticket.objects.all()
    if status:
        tickets = tickets.filter(status=status)
    if priority:
        tickets = tickets.filter(priority=PRIORITIES[priority])
    if assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee__username=assignee)
    if tag:
        tickets = tickets.filter(tags__name=tag)
    if email:
        tickets = tickets.for_address(email)
    if updated_since:
        tickets = tickets.filter(updated_at__gte=updated_since)
    if created_since:
        tickets = tickets.filter(created_at__gte=created_since)
    return tickets


def page(tickets, *, cursor=None, limit=25):
    if cursor:
        tickets = tickets.filter(pk__lt=decode_cursor(cursor))
    rows = list(
        tickets.select_related("assignee", "group")
        .prefetch_related("tags", FIELD_VALUES)
        .order_by("-pk")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "data": [ticket_json(t) for t in rows],
        "has_more": more,
        "next_cursor": encode_cursor(rows[-1].pk) if more else None,
    }


# A ticket's custom field values, with their definitions (active ones shown).
FIELD_VALUES = Prefetch(
    "field_values", CustomFieldValue.objects.select_related("field").order_by("field__position")
)


def find(ticket_id):
    """A ticket by id (123) or reference (HC-000123); a 404 problem otherwise."""
    pk = row_id(ticket_id)
    found = Ticket.objects.filter(pk=pk) if pk else Ticket.objects.filter(reference=ticket_id)
    found = found.select_related("assignee", "group").prefetch_related(FIELD_VALUES)
    ticket = found.first() if ticket_id else None
    if ticket is None:
        raise Problem(404, "There is no ticket with this id or reference.", kind="not-found")
    return ticket


def ticket_json(ticket):
    return {
        "id": ticket.pk,
        "reference": ticket.reference or "",
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": PRIORITY_NAMES[ticket.priority],
        "category": ticket.category,
        "channel": ticket.channel,
        "requester": {"name": ticket.name, "email": ticket.email},
        "assignee": staff_json(ticket.assignee),
        "group": ticket.group.name if ticket.group else None,
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "fields": {v.field.key: v.value for v in ticket.field_values.all() if v.field.active},
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "last_activity_at": ticket.last_activity_at,
        "sla_due_at": ticket.sla_due_at,
        "admin_url": absolute(reverse("admin:tickets_ticket_change", args=[ticket.pk])),
    }


def staff_json(user):
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": staff_name(user)}


def message_json(message):
    return {
        "id": message.pk,
        "author_kind": message.author_kind,
        "author": message.staff_author_name,
        "body": message.body,
        "internal": message.is_internal,
        "via": message.via,
        "created_at": message.created_at,
        "attachments": [attachment_json(a) for a in message.attachments.all()],
    }


def attachment_json(attachment):
    where = reverse("api:ticket-attachment", args=[attachment.ticket_id, attachment.pk])
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": absolute(where),
    }


def detail_json(ticket):
    messages = ticket.messages.select_related("author", "ticket").prefetch_related("attachments")
    return {
        **ticket_json(ticket),
        "description": ticket.description,
        "allowed_statuses": [
            s.value for s in TicketStatus if s in Ticket.allowed_moves(ticket.status)
        ],
        "messages": [message_json(m) for m in messages],
    }


# Changes.


@transaction.atomic
def create(data, *, by):
    ticket = Ticket(
        email=data.email,
        name=data.name,
        subject=data.subject,
        description=data.description,
        category=data.category,
        priority=PRIORITIES[data.priority],
    )
    services.create_ticket(ticket, channel=Channel.API, acknowledge=data.notify_customer)
    if data.tags:
        ticket.change_tags(add=data.tags, by=by)
    return ticket


def _illegal(ticket, error):
    allowed = [s.value for s in TicketStatus if s in Ticket.allowed_moves(ticket.status)]
    return Problem(409, str(error), kind="illegal-transition", allowed=allowed)


def update(ticket, data, *, by):
    triage = {}
    if data.priority is not None:
        triage["priority"] = PRIORITIES[data.priority]
    if data.category is not None:
        triage["category"] = data.category
    if data.assignee is not None:
        triage["assignee"] = staff_user(data.assignee) if data.assignee else None
    if data.group is not None:
        triage["group"] = _group(data.group) if data.group else None
    try:
        return services.staff_update(
            ticket,
            actor=by,
            status=data.status,
            add_tags=data.add_tags,
            remove_tags=data.remove_tags,
            field_values=field_values(data.fields or {}),
            **triage,
        )
    except IllegalTransition as error:
        raise _illegal(ticket, error) from None
    except InvalidAssignment as error:
        raise Problem(422, str(error), kind="validation") from None


def field_values(given):
    """{CustomField: normal form} of {key: value} as a client sends them (null or "" clears
    one); a key no active field has, or a value its field refuses, is a 422 that says
    which (the same check as the forms': CustomField.normalize)."""
    definitions = {f.key: f for f in CustomField.objects.active().filter(key__in=list(given))}
    unknown = [key for key in given if key not in definitions]
    if unknown:
        raise Problem(422, f"No custom field has the key {', '.join(unknown)}.", kind="validation")
    values = {}
    for key, value in given.items():
        raw = "" if value is None or value is False else "true" if value is True else str(value)
        try:
            values[definitions[key]] = definitions[key].normalize(raw)
        except ValidationError as error:
            raise Problem(422, f"{key}: {' '.join(error.messages)}", kind="validation") from None
    return values


def merge(ticket, into, *, notify, by):
    """Merge `ticket` into `into` (its conversation copied over, it closed with a pointer):
    the merging rules' refusal (another requester, a merged ticket) is a 409 saying why."""
    kept = find(into)
    if kept.pk == ticket.pk:
        raise Problem(422, "A ticket cannot be merged into itself.", kind="validation")
    try:
        with transaction.atomic():
            return merging.merge([ticket, kept], actor=by, keep=kept, notify=notify)
    except merging.MergeRefused as error:
        raise Problem(409, str(error), kind="conflict") from None


def _group(name):
    group = AgentGroup.objects.filter(name=name).first()
    if group is None:
        raise Problem(422, f"No agent group is called {name[:60]!r}.", kind="validation")
    return group


def add_message(ticket, data, *, by, uploads=()):
    """A reply or note through the staff service, with `uploads` (files sent with it)
    checked as the ticket page checks them: kind by content, size, the ticket's room."""
    with transaction.atomic():
        files = _stored(ticket, uploads)
        try:
            services.staff_update(
                ticket,
                actor=by,
                reply=data.body,
                internal=data.internal,
                status=data.status,
                files=files,
            )
        except IllegalTransition as error:
            raise _illegal(ticket, error) from None
    latest = ticket.messages.select_related("author", "ticket").prefetch_related("attachments")
    return latest.order_by("-pk").first()


def _stored(ticket, uploads):
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, *attachments.check_upload(upload)))
        except ValidationError as error:
            raise Problem(422, " ".join(error.messages), kind="validation") from None
    room = attachments.room_left(ticket)
    if sum(upload.size for upload, _, _ in checked) > room:
        raise Problem(
            422,
            f"The ticket has room for {filesizeformat(max(room, 0))} more of files.",
            kind="validation",
        )
    return [
        attachments.store(upload.name, upload, kind=kind, content_type=content_type)
        for upload, kind, content_type in checked
    ]
