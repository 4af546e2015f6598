"""Files on tickets: what is accepted (by content, not by name), where it is stored, and how
it is served (only as a download, never rendered by the browser, except images for staff).

The allowlist is six formats whose first bytes are fixed by their specifications, plus text.
A general detector (puremagic was tried) guesses among thousands of formats, calling a zip of
zeros a Word document; for an allowlist the exact signatures are stricter and clearer.
"""

import hashlib
import os
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

from core.parsing import row_id
from tickets.models import Attachment

Kind = Attachment.Kind

SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", Kind.IMAGE, "image/png"),
    (b"\xff\xd8\xff", Kind.IMAGE, "image/jpeg"),
    (b"GIF87a", Kind.IMAGE, "image/gif"),
    (b"GIF89a", Kind.IMAGE, "image/gif"),
    (b"%PDF-", Kind.PDF, "application/pdf"),
    (b"PK\x03\x04", Kind.ARCHIVE, "application/zip"),
    (b"PK\x05\x06", Kind.ARCHIVE, "application/zip"),  # an empty zip
]
TEXT_TYPE = "text/plain; charset=utf-8"
TEXT_CONTROLS = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32), 127])
SNIFF_BYTES = 64 * 1024
ACCEPTED = (
    "images (PNG, JPEG, GIF, WebP), PDF, text and log files (.txt, .log, .har, .json, .csv) "
    "and zip archives"
)


def sniff(head):
    """(kind, content type) of a file from its first bytes, or None if it is not accepted."""
    for signature, kind, content_type in SIGNATURES:
        if head.startswith(signature):
            return kind, content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind.IMAGE, "image/webp"
    if head.translate(None, TEXT_CONTROLS) != head:
        return None  # binary: text has no control characters (but tab, newlines, escape)
    try:
        # A multi-byte character may be cut at the end of the sample.
        head.decode("utf-8") if len(head) < SNIFF_BYTES else head[:-4].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Kind.TEXT, TEXT_TYPE


def clean_name(name):
    """The file's own name, safe to show and to put in a header: no path, no control
    characters, at most 150 characters with its extension kept."""
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 150:
        stem, ext = os.path.splitext(name)
        name = stem[: 150 - len(ext[:20])] + ext[:20]
    return name or "file"


def check(name, head, size):
    """(kind, content type) for a file that may be kept, else ValidationError saying why."""
    limit = settings.TICKET_ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"{clean_name(name)} is {filesizeformat(size)}; files can be up to "
            f"{filesizeformat(limit)}.",
            code="too_big",
        )
    if size == 0:
        raise ValidationError(f"{clean_name(name)} is empty.", code="empty")
    found = sniff(head)
    if found is None:
        raise ValidationError(
            f"{clean_name(name)} is not a kind of file we take: we take {ACCEPTED}.",
            code="type",
        )
    return found


def check_upload(upload):
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return check(upload.name, head, upload.size)


def room_left(ticket):
    """Bytes a ticket may still take (TICKET_ATTACHMENTS_MAX_BYTES in all)."""
    used = sum(ticket.files.values_list("size", flat=True)) if ticket else 0
    return settings.TICKET_ATTACHMENTS_MAX_BYTES - used


def store(name, content, *, kind, content_type, ticket=None, message=None, intake=""):
    """Keep one checked file. `content` is bytes or a File."""
    if isinstance(content, bytes):
        size = len(content)
        content = ContentFile(content)
    else:
        size = content.size
    stored_name = hashlib.sha256(os.urandom(16)).hexdigest()[:32]  # never the customer's name
    attachment = Attachment(
        ticket=ticket,
        message=message,
        name=clean_name(name),
        kind=kind,
        content_type=content_type,
        size=size,
        intake=intake,
    )
    attachment.file.save(stored_name, content, save=False)
    attachment.save()
    return attachment


def response(attachment, *, inline=False):
    """A download; inline only for images (staff thumbnails), never for anything a browser
    would run. The CSP of the response is set by the views (`default-src 'none'; sandbox`)."""
    inline = inline and attachment.is_image
    served = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    served["Cache-Control"] = "private, no-store"
    served["X-Content-Type-Options"] = "nosniff"
    return served


def for_form(intake, accepted, keep=()):
    """The files of a form that may be sent several times (it comes back on an error):
    those stored with an earlier send that the customer kept ticked (`keep`, ids), plus the
    uploads `accepted` now, stored under the form's intake id until a ticket takes them.
    Files of earlier sends no longer ticked are deleted."""
    pending = Attachment.objects.pending(intake) if intake else Attachment.objects.none()
    wanted = {row_id(pk) for pk in keep} - {None}
    for dropped in pending.exclude(pk__in=wanted):
        dropped.file.delete(save=False)
        dropped.delete()
    kept = list(pending.filter(pk__in=wanted))
    room = settings.TICKET_ATTACHMENTS_MAX_BYTES - sum(a.size for a in kept)
    for upload, kind, content_type in accepted:
        if upload.size > room:
            break
        room -= upload.size
        kept.append(store(upload.name, upload, kind=kind, content_type=content_type, intake=intake))
    return kept
