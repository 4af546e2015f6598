"""/api/v1/tickets/{id}/files and .../attachments/{id}: a reply or note with files
(multipart/form-data), and each file back. Files are checked as the ticket page checks them
(tickets.attachments: the kind by content, the size, the ticket's room) and given only as
downloads, never rendered."""

from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import File, Form, Status, UploadedFile
from pydantic import Field

from api import tickets
from api.auth import require
from api.main import ERRORS, ProblemOut
from api.problems import Problem
from api.routes.tickets import router, scope
from api.schemas import MessageIn, MessageOut, PathSlug
from core.parsing import row_id
from tickets import attachments

# A file is served for download only: nothing in it may run, even opened in a browser.
FILE_CSP = {"default-src": [CSP.NONE], "sandbox": True}
MAX_FILES = 10


class MessageForm(MessageIn):
    """The reply or note the files come with: a JSON message's fields, sent as form fields
    (where `internal` comes as the text "true" or "false")."""

    internal: bool = Field(False, description="An internal note, never shown to the customer.")


@router.post(
    "{slug:ticket_id}/files",
    response={201: MessageOut, ERRORS: ProblemOut},
    url_name="ticket-files-create",
    summary="Reply to the customer, or add an internal note, with files",
    openapi_extra=scope("tickets:write"),
)
def ticket_files_create(
    request, ticket_id: PathSlug, data: Form[MessageForm], file: File[list[UploadedFile]]
):
    """`multipart/form-data`: `body`, `internal`, `status` as in a JSON message, and one or
    more `file` parts. A file of a kind we do not take, too big, or more than the ticket
    has room for is a 422 naming it; nothing is kept then."""
    require(request, "tickets:write")
    if len(file) > MAX_FILES:
        raise Problem(422, f"Send at most {MAX_FILES} files with one message.", kind="validation")
    ticket = tickets.find(ticket_id)
    message = tickets.add_message(ticket, data, by=request.auth.user, uploads=file)
    return Status(201, tickets.message_json(message))


@router.get(
    "{slug:ticket_id}/attachments/{slug:attachment_id}",
    response={ERRORS: ProblemOut},
    url_name="ticket-attachment",
    summary="Download a file of the ticket's conversation",
    openapi_extra={
        **scope("tickets:read"),
        "responses": {
            "200": {
                "description": "The file, as a download.",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    },
)
@csp_override(FILE_CSP)
def ticket_attachment(request, ticket_id: PathSlug, attachment_id: PathSlug):
    require(request, "tickets:read")
    ticket = tickets.find(ticket_id)
    pk = row_id(attachment_id)
    found = ticket.files.filter(pk=pk, message__isnull=False).first() if pk else None
    if found is None:
        raise Problem(404, "This ticket has no file with this id.", kind="not-found")
    return attachments.response(found)
