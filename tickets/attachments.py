"""Files on tickets: what is accepted (by content, not by name), where it is stored, and how
it is served (only as a download, never rendered by the browser, except images for staff).

The allowlist is six formats whose first bytes are fixed by their specifications, plus text.
A general detector (puremagic was tried) guesses among thousands of formats, calling a zip of
zeros a Word document; for an allowlist the exact signatures are stricter and clearer.
"""

import hashlib
import os
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import ngettext

from core.parsing import row_id
from tickets.models import Attachment
from tickets.models.attachments import expiry

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


def store(name, content, *, kind, content_type, ticket=None, message=None, intake="", network=""):
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
        network=network,
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


def for_form(intake, accepted, keep=(), *, now=None):
    """The files a message takes now: those stored with an earlier send of the same form
    (it came back with errors) that the customer kept ticked (`keep`, ids), plus the uploads
    `accepted` now, as far as the ticket has room. Earlier files no longer ticked, or that
    waited too long, are deleted."""
    kept, _ = _earlier(intake, keep, now or timezone.now())
    room = settings.TICKET_ATTACHMENTS_MAX_BYTES - sum(a.size for a in kept)
    for upload, kind, content_type in accepted:
        if upload.size > room:
            break
        room -= upload.size
        kept.append(store(upload.name, upload, kind=kind, content_type=content_type, intake=intake))
    return kept


@dataclass
class SetAside:
    """What a form that came back with errors keeps for its next send."""

    files: list = field(default_factory=list)  # kept: shown ticked on the form
    refused: list = field(default_factory=list)  # names of uploads not kept
    full: str = ""  # why not: "network", "everyone" or "ticket" (its own room)
    gone: int = 0  # files ticked to keep that waited too long and were deleted

    def messages(self):
        said = []
        if self.gone:
            said.append(
                ngettext(
                    "%(n)d file you attached earlier waited more than %(minutes)d minutes "
                    "and was removed: attach it again.",
                    "%(n)d files you attached earlier waited more than %(minutes)d minutes "
                    "and were removed: attach them again.",
                    self.gone,
                )
                % {"n": self.gone, "minutes": settings.TICKET_PENDING_UPLOAD_MINUTES}
            )
        if self.refused:
            names = ", ".join(self.refused)
            why = {
                "network": "too many files of unsent forms are waiting from your network",
                "everyone": "too many files of unsent forms are waiting right now",
                "ticket": (
                    f"a ticket takes {filesizeformat(settings.TICKET_ATTACHMENTS_MAX_BYTES)} "
                    "of files in all"
                ),
            }[self.full]
            it = ngettext("it", "them", len(self.refused))
            said.append(
                f"We could not keep {names} while you correct the form: {why}. "
                f"Attach {it} again when you send the form"
                + (f", or make {it} smaller." if self.full == "ticket" else ".")
            )
        return said


def set_aside(intake, accepted, keep=(), *, network, now=None):
    """Keep a form's files until it is sent again (its intake id names them): the earlier
    ones still ticked (`keep`), and the uploads `accepted` now as far as there is room in
    the ticket, for the network (TICKET_PENDING_UPLOAD_BYTES_PER_NETWORK) and for everyone
    (TICKET_PENDING_UPLOAD_BYTES). They wait TICKET_PENDING_UPLOAD_MINUTES at most."""
    now = now or timezone.now()
    sweep_expired(now, limit=SWEEP_BATCH)  # what no cron swept yet never blocks anyone
    kept, gone = _earlier(intake, keep, now)
    result = SetAside(files=kept, gone=gone)
    if not accepted:
        return result
    waiting = Attachment.objects.waiting(now)
    rooms = {
        "ticket": settings.TICKET_ATTACHMENTS_MAX_BYTES - sum(a.size for a in kept),
        "network": settings.TICKET_PENDING_UPLOAD_BYTES_PER_NETWORK
        - waiting.filter(network=network).total_size(),
        "everyone": settings.TICKET_PENDING_UPLOAD_BYTES - waiting.total_size(),
    }
    for upload, kind, content_type in accepted:
        full = next((name for name, room in rooms.items() if upload.size > room), "")
        if full:
            result.refused.append(clean_name(upload.name))
            result.full = result.full or full
            continue
        for name in rooms:
            rooms[name] -= upload.size
        kept.append(
            store(
                upload.name,
                upload,
                kind=kind,
                content_type=content_type,
                intake=intake,
                network=network,
            )
        )
    return result


def _earlier(intake, keep, now):
    """(files of earlier sends still ticked, how many ticked ones are gone); deletes the
    others of this form."""
    if not intake:
        return [], 0
    pending = Attachment.objects.pending(intake)
    wanted = _ids(keep)
    kept = list(pending.filter(pk__in=wanted, uploaded_at__gte=expiry(now)))
    delete(pending.exclude(pk__in=[a.pk for a in kept]))
    return kept, len(wanted) - len(kept)


def gone(intake, keep, now=None):
    """How many files ticked to keep are no longer kept (they waited too long)."""
    if not intake or not keep:
        return 0
    wanted = _ids(keep)
    still = Attachment.objects.pending(intake).waiting(now or timezone.now())
    return len(wanted) - still.filter(pk__in=wanted).count()


def _ids(values):
    """The ids among `values` (what the form posted: anything), as core.parsing reads them."""
    return {row_id(v) for v in values} - {None}


SWEEP_BATCH = 100


def sweep_expired(now=None, *, limit=None):
    """Delete the files of unsent forms that waited TICKET_PENDING_UPLOAD_MINUTES (file and
    row). Run by `manage.py ticket_automations`, and a batch at a time whenever a form's
    files are set aside, so the caps hold even where no cron runs. Returns how many."""
    stale = Attachment.objects.expired(now or timezone.now()).order_by("pk")
    return delete(stale[:limit] if limit else stale)


def delete(attachments):
    count = 0
    for attachment in attachments:
        attachment.file.delete(save=False)
        attachment.delete()
        count += 1
    return count
