"""What the API's operations take and give, as typed schemas (the OpenAPI document is made
from them)."""

import re
from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from api.models import EVENTS
from core.categories import SupportCategory
from core.parsing import moment
from tickets.models import TicketStatus


def _storable(text):
    """Text both databases store: no NUL, no lone surrogate (JSON can escape both)."""
    if "\x00" in text:
        raise ValueError("must not contain a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (no lone surrogates)") from None
    return text


def _email(text):
    try:
        validate_email(text)
    except DjangoValidationError:
        raise ValueError("must be an email address") from None
    return text


def _iso_time(value):
    """An ISO 8601 time, as an instant Python and both databases hold (core.parsing.moment:
    pydantic would also read a number as a Unix time, and keep year 1 at +14:00, which
    cannot be converted to UTC)."""
    found = moment(value) if isinstance(value, str) and ISO_DATE.match(value) else None
    if found is None:
        raise ValueError("must be an ISO 8601 time, e.g. 2026-12-01T09:30:00Z")
    return found


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
Text = Annotated[str, AfterValidator(_storable)]
IsoTime = Annotated[datetime, BeforeValidator(_iso_time)]
Email = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"format": "email"}),
    AfterValidator(_storable),
    AfterValidator(_email),
]
TicketStatusName = Literal[tuple(TicketStatus.values)]
PriorityName = Literal["low", "normal", "high", "urgent"]
Category = Literal[tuple(SupportCategory.values)]
TagName = Annotated[Text, Field(min_length=1, max_length=50)]
# What Django's slug converter takes: an id (123), a reference (HC-000123), a slug.
PathSlug = Annotated[str, Field(max_length=200, pattern=r"^[-a-zA-Z0-9_]+$")]


class Person(Schema):
    name: str
    email: str


class Staff(Schema):
    id: int
    username: str
    name: str


class TicketOut(Schema):
    """A ticket as lists show it."""

    id: int
    reference: str
    subject: str
    status: TicketStatusName
    priority: PriorityName
    category: Category
    channel: str
    requester: Person
    assignee: Staff | None
    group: str | None
    tags: list[str]
    fields: dict[str, str] = Field(
        description="Custom field values by key, as stored: text, a number, a date "
        "(YYYY-MM-DD), a dropdown's choice, or `true` for a ticked checkbox."
    )
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    sla_due_at: datetime | None
    admin_url: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str = Field(description="Found from the file's content, not its name.")
    size: int
    url: str = Field(description="Where the API gives the file (tickets:read).")


class MessageOut(Schema):
    id: int
    author_kind: Literal["customer", "staff", "system"]
    author: str
    body: str
    internal: bool
    via: str
    created_at: datetime
    attachments: list[AttachmentOut]


class TicketDetail(TicketOut):
    """A ticket with its description and whole conversation (internal notes marked)."""

    description: str
    allowed_statuses: list[TicketStatusName]
    messages: list[MessageOut]


class TicketPage(Schema):
    data: list[TicketOut]
    has_more: bool
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class Input(Schema):
    """A body: a field this API does not know is refused (a typo must not be ignored)."""

    model_config = ConfigDict(extra="forbid")


class TicketIn(Input):
    """A ticket opened on behalf of a customer (its channel is `api`)."""

    email: Email
    name: Annotated[Text, Field(max_length=100)] = ""
    subject: Annotated[Text, Field(min_length=1, max_length=200)]
    description: Annotated[Text, Field(min_length=1, max_length=5000)]
    category: Category = "other"
    priority: PriorityName = "normal"
    tags: Annotated[list[TagName], Field(max_length=20)] = []
    notify_customer: StrictBool = Field(
        True, description="Email the customer that their request was received."
    )


FieldKey = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
FieldValue = (
    StrictBool | StrictInt | StrictFloat | Annotated[StrictStr, Field(max_length=500)] | None
)


class TicketPatch(Input):
    """Only the fields given change. `status` moves through the ticket's workflow."""

    status: TicketStatusName | None = None
    priority: PriorityName | None = None
    category: Category | None = None
    assignee: Annotated[Text, Field(max_length=150)] | None = Field(
        None, description="A staff username; an empty string unassigns."
    )
    group: Annotated[Text, Field(max_length=60)] | None = Field(
        None, description="An agent group's name; an empty string removes the group."
    )
    add_tags: Annotated[list[TagName], Field(max_length=20)] = []
    remove_tags: Annotated[list[TagName], Field(max_length=20)] = []
    fields: Annotated[dict[FieldKey, FieldValue], Field(max_length=50)] | None = Field(
        None,
        description="Custom field values by key; null or an empty string clears one. Each "
        "is checked as the ticket page checks it (a number, a date, one of the choices).",
    )


class MergeIn(Input):
    """Merge this ticket into another one of the same requester."""

    into: Annotated[Text, Field(min_length=1, max_length=30)] = Field(
        description="The ticket kept: its id (123) or reference (HC-000123)."
    )
    notify_customer: StrictBool = Field(
        True, description="Email the customer where the conversation continues."
    )


class MessageIn(Input):
    """A public reply (emailed to the customer) or an internal note."""

    body: Annotated[Text, Field(min_length=1, max_length=10000)]
    internal: StrictBool = Field(
        False, description="An internal note, never shown to the customer."
    )
    status: TicketStatusName | None = Field(
        None, description="The status after a reply (by default a reply waits on the customer)."
    )


# Content.


class ContentOut(Schema):
    slug: str
    title: str
    url: str
    markdown_url: str = Field(description="The same page as Markdown.")
    updated_at: datetime


class GuideOut(ContentOut):
    summary: str
    tags: list[str]


class GuideDetail(GuideOut):
    body_markdown: str
    body_html: str = Field(description="Sanitised HTML, as the page shows it.")


class RunbookOut(ContentOut):
    summary: str
    tags: list[str]
    error_codes: list[str]
    category: str


class RunbookDetail(RunbookOut):
    body_markdown: str = Field(description="The whole runbook as Markdown.")
    body_html: str
    checks: list[str]
    fix_steps: list[str]
    escalation: str


class FAQOut(ContentOut):
    pass


class FAQDetail(FAQOut):
    body_markdown: str
    body_html: str


class SearchHit(Schema):
    kind: str
    title: str
    section: str
    url: str
    codes: list[str]


class SearchOut(Schema):
    query: str
    corrected: str | None = Field(description="The words searched for instead, if corrected.")
    total: int
    results: list[SearchHit]


class AnswerSentence(Schema):
    text: str
    citation: int | None


class AnswerCitation(Schema):
    url: str
    title: str
    section: str


class AnswerBody(Schema):
    text: str
    mode: str
    sentences: list[AnswerSentence]
    citations: list[AnswerCitation]


class AnswerIncident(Schema):
    name: str
    status: str
    status_label: str
    impact: str
    url: str
    updated_at: str | None
    last_update: str


class AnswerResult(Schema):
    title: str
    section: str
    url: str
    kind: str


class AnswerOut(Schema):
    query: str
    answer: AnswerBody | None
    incident: AnswerIncident | None
    results: list[AnswerResult]


# Webhooks.

EventName = Literal[tuple(EVENTS)]


class WebhookIn(Input):
    url: Annotated[Text, Field(min_length=1, max_length=500)]
    events: Annotated[list[EventName], Field(min_length=1, max_length=len(EVENTS))]
    description: Annotated[Text, Field(max_length=200)] = ""
    include_internal: StrictBool = Field(
        False, description="ticket.message_added for internal notes too."
    )


class WebhookOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    include_internal: bool
    created_at: datetime
    disabled_at: datetime | None
    disabled_reason: str


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret (whsec_...), shown this once.")
