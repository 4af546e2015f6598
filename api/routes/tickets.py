"""/api/v1/tickets/: list, open, read, change (custom fields too), reply, note and merge."""

from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import Field

from api import tickets
from api.auth import require
from api.main import ERRORS, ProblemOut
from api.schemas import (
    Email,
    IsoTime,
    MergeIn,
    MessageIn,
    MessageOut,
    PathSlug,
    PriorityName,
    TagName,
    Text,
    TicketDetail,
    TicketIn,
    TicketPage,
    TicketPatch,
    TicketStatusName,
)

router = Router()


def scope(name):
    return {"x-scope": name}


class TicketFilters(Schema):
    status: TicketStatusName | None = None
    priority: PriorityName | None = None
    assignee: Annotated[Text, Field(max_length=150)] | None = Field(
        None, description="A staff username, or `none` for unassigned tickets."
    )
    tag: TagName | None = None
    email: Email | None = Field(None, description="The customer's address (any spelling).")
    updated_since: IsoTime | None = None
    created_since: IsoTime | None = None
    cursor: Annotated[Text, Field(max_length=100)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


@router.get(
    "",
    response={200: TicketPage, ERRORS: ProblemOut},
    url_name="ticket-list",
    summary="List tickets",
    openapi_extra=scope("tickets:read"),
)
def ticket_list(request, filters: Query[TicketFilters]):
    """Newest first. Pages follow `next_cursor`: tickets opened while you page through
    come before the first page, never inside a page you have not read yet."""
    require(request, "tickets:read")
    query = filters.dict(exclude={"cursor", "limit"})
    return tickets.page(tickets.filtered(**query), cursor=filters.cursor, limit=filters.limit)


@router.post(
    "",
    response={201: TicketDetail, ERRORS: ProblemOut},
    url_name="ticket-create",
    summary="Open a ticket for a customer",
    openapi_extra=scope("tickets:write"),
)
def ticket_create(request, data: TicketIn):
    """As if the customer had written in (channel `api`): rules and routing run, and the
    customer gets the usual acknowledgement unless `notify_customer` is false."""
    require(request, "tickets:write")
    ticket = tickets.create(data, by=request.auth.user)
    return Status(201, tickets.detail_json(tickets.find(str(ticket.pk))))


@router.get(
    "{slug:ticket_id}",
    response={200: TicketDetail, ERRORS: ProblemOut},
    url_name="ticket-detail",
    summary="Read a ticket and its conversation",
    openapi_extra=scope("tickets:read"),
)
def ticket_detail(request, ticket_id: PathSlug):
    """`ticket_id` is the id (123) or the reference (HC-000123)."""
    require(request, "tickets:read")
    return tickets.detail_json(tickets.find(ticket_id))


@router.patch(
    "{slug:ticket_id}",
    response={200: TicketDetail, ERRORS: ProblemOut},
    url_name="ticket-update",
    summary="Change status, priority, category, assignee, group, tags or custom fields",
    openapi_extra=scope("tickets:write"),
)
def ticket_update(request, ticket_id: PathSlug, data: TicketPatch):
    """A status the ticket cannot move to from its own is a 409 whose `allowed` lists the
    statuses it can move to."""
    require(request, "tickets:write")
    ticket = tickets.update(tickets.find(ticket_id), data, by=request.auth.user)
    return tickets.detail_json(tickets.find(str(ticket.pk)))


@router.post(
    "{slug:ticket_id}/messages",
    response={201: MessageOut, ERRORS: ProblemOut},
    url_name="ticket-message-create",
    summary="Reply to the customer, or add an internal note",
    openapi_extra=scope("tickets:write"),
)
def ticket_message_create(request, ticket_id: PathSlug, data: MessageIn):
    """A reply is emailed to the customer and, unless `status` says otherwise, the ticket
    then waits on them (pending); a note changes no status."""
    require(request, "tickets:write")
    message = tickets.add_message(tickets.find(ticket_id), data, by=request.auth.user)
    return Status(201, tickets.message_json(message))


@router.post(
    "{slug:ticket_id}/merge",
    response={200: TicketDetail, ERRORS: ProblemOut},
    url_name="ticket-merge",
    summary="Merge a ticket into another of the same requester",
    openapi_extra=scope("tickets:write"),
)
def ticket_merge(request, ticket_id: PathSlug, data: MergeIn):
    """The conversation is copied into the ticket kept (`into`), which this answer shows;
    this ticket is closed with a pointer to it. Tickets of different requesters, or one
    merged already, are a 409 saying why."""
    require(request, "tickets:write")
    ticket = tickets.find(ticket_id)
    kept = tickets.merge(ticket, data.into, notify=data.notify_customer, by=request.auth.user)
    return tickets.detail_json(tickets.find(str(kept.pk)))
