"""What each outgoing webhook event carries (`data`, stored as the event's JSON payload) and
the body every delivery POSTs. TypedDicts, not classes: they are stored and sent as plain
JSON, and nothing about them may change on the wire.

A ticket, message, guide or runbook inside `data` is the API's own JSON of it (api.tickets,
api.content), whose fields the API's schemas already name (api.schemas.TicketOut,
MessageOut, GuideOut, RunbookOut): they are not repeated here."""

from typing import Any, Literal, TypedDict

from status.payloads import IncidentNotification

# The API's JSON of one record (api.tickets.ticket_json, message_json; api.content.guide_json,
# runbook_json): the fields of the api.schemas class named beside each use.
type RecordJSON = dict[str, Any]


class TicketCreated(TypedDict):
    ticket: RecordJSON  # api.schemas.TicketOut


class MessageAdded(TypedDict):
    ticket: RecordJSON  # api.schemas.TicketOut
    message: RecordJSON  # api.schemas.MessageOut


# "from" is a keyword: the functional form.
StatusChanged = TypedDict(
    "StatusChanged",
    {"ticket": RecordJSON, "from": str, "to": str, "reason": str},
)
Change = TypedDict("Change", {"from": str, "to": str})


class TicketUpdated(TypedDict):
    ticket: RecordJSON  # api.schemas.TicketOut
    changes: dict[str, Change]  # by field name (one per event)


class TicketRated(TypedDict):
    ticket: RecordJSON  # api.schemas.TicketOut
    rating: str  # tickets.models.Rating: "good" or "bad"
    comment: str


class GuidePublished(TypedDict):
    kind: Literal["guide"]
    guide: RecordJSON  # api.schemas.GuideOut


class RunbookPublished(TypedDict):
    kind: Literal["runbook"]
    runbook: RecordJSON  # api.schemas.RunbookOut


class IncidentUpdated(IncidentNotification):
    """status's notification payload (page, incident) and the notification's event."""

    event: str  # status.models.Event


type EventData = (
    TicketCreated
    | MessageAdded
    | StatusChanged
    | TicketUpdated
    | TicketRated
    | GuidePublished
    | RunbookPublished
    | IncidentUpdated
)

# What each event of api.models.EVENTS carries.
EVENT_DATA: dict[str, Any] = {
    "ticket.created": TicketCreated,
    "ticket.updated": TicketUpdated,
    "ticket.status_changed": StatusChanged,
    "ticket.message_added": MessageAdded,
    "ticket.rated": TicketRated,
    "content.published": GuidePublished | RunbookPublished,
    "incident.updated": IncidentUpdated,
}


class WebhookDocument(TypedDict):
    """The request body (Standard Webhooks' shape): the same bytes on every try."""

    type: str  # the event, one of api.models.EVENTS
    timestamp: str  # when it happened, ISO 8601 in UTC ("...Z")
    data: EventData  # as stored: times as ISO 8601 strings
