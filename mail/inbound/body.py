"""What a person reads in an email and the files they would call its attachments.

The text is every text part a mail client shows, in order: the best of each alternative
(the plain text unless it is blank, then the HTML), every inline text part of a mixed
message (Apple Mail's text, picture, more text), the root of a related one. An email
forwarded as a whole (message/rfc822, a digest) with no text of its own shows the text of
what it forwards. The files are every other leaf part: named as the sender named them
(Content-Disposition's filename, else Content-Type's name), unnamed ones after their type
(`image-1.png`), and an attached email kept whole as an `.eml`.

Only the API of the compat32 message is used, so that a message re-read with that policy
(Outlook Express boundaries with `=`, which the modern policy cuts short) reads the same.
"""

import mimetypes
import re
from dataclasses import dataclass
from email.policy import compat32

from django.conf import settings
from inscriptis import get_text

from mail.inbound import charsets

MAX_HTML = 1_000_000  # inscriptis takes about a second a megabyte
MAX_TEXT = 100_000
CLOSING_HTML = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
FORWARDED = "---------- Forwarded message ----------"
EXTENSIONS = {"image/jpeg": ".jpg", "text/plain": ".txt", "message/rfc822": ".eml"}


@dataclass
class File:
    name: str
    content: bytes
    size: int = 0  # when the content was too big to decode

    def __post_init__(self):
        self.size = self.size or len(self.content)


def clean(text):
    """Text fit to store on both databases: no NUL character, no lone surrogate (each
    becomes U+FFFD), whatever a header, a charset or a provider's post produced."""
    text = str(text).replace("\x00", "")
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def decoded(part):
    """A text part's content as clean text (mail.inbound.charsets); nothing here raises."""
    try:
        payload = part.get_payload(decode=True) or b""
    except Exception:
        payload = b""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return clean(charsets.text(payload, charset))


def html_to_text(html):
    """HTML mail as plain text: no markup, no scripts or styles, no remote images. Content
    a client appended after `</html>` (a footer, the rest of the reply) is still shown."""
    html = CLOSING_HTML.sub(" ", html)
    try:
        return get_text(html)
    except Exception:
        return re.sub(r"<[^>]*>", " ", html)


LOST = {
    "StartBoundaryNotFoundDefect",
    "MultipartInvariantViolationDefect",
    "NoBoundaryInMultipartDefect",
}


def lost_parts(message):
    """Whether the parser lost the parts of a multipart: a boundary missing, not the one the
    parts use, or with `=` in it unquoted (the modern policy cuts it there)."""
    return any(type(defect).__name__ in LOST for part in message.walk() for defect in part.defects)


def filename(part):
    try:
        name = part.get_filename(failobj=None) or part.get_param("name", header="content-type")
    except Exception:
        return ""
    if isinstance(name, tuple):  # an RFC 2231 value the parser left undecoded
        name = charsets.text(bytes(name[2] or "", "latin-1", "replace"), name[0])
    return clean(charsets.header(name)).strip().replace("/", "_")[:200] if name else ""


def _disposition(part):
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _type(part):
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def is_text(part):
    """A part the mail client shows as text: plain or HTML, not offered as an attachment
    (named or not: mail clients show a named inline text part as text)."""
    return _type(part) in {"text/plain", "text/html"} and _disposition(part) != "attachment"


def _children(part):
    payload = part.get_payload()
    return payload if isinstance(payload, list) else []


def _part_text(part):
    text = decoded(part)
    if _type(part) == "text/html":
        text = clean(html_to_text(text[:MAX_HTML]))
    return text.replace("\r\n", "\n").strip()


def _forwarded(message):
    """An attached email's text, under the header lines a person needs to read it."""
    head = [
        f"{name}: {clean(charsets.header(message.get(name, '')))}"
        for name in ("From", "Date", "Subject")
        if message.get(name)
    ]
    inner = texts(message, set())
    return "\n".join([FORWARDED, *head, "", *inner]).strip() if inner else ""


def texts(part, used, depth=0):
    """The texts a person reads in `part`, in order; the parts read go into `used`."""
    kind = _type(part)
    if depth > 20:
        return []
    if kind.startswith("message/"):
        return []  # an attached email is a file (its text read only when the email has
        # none of its own); a report's status or an external body's access is no text
    children = _children(part)
    if kind == "multipart/alternative" and children:
        # The plain text unless it is blank, else the richest other alternative with text.
        ordered = sorted(children, key=lambda c: _type(c) != "text/plain")
        for child in ordered:
            found = texts(child, used, depth + 1)
            if any(found):
                return found
        return []
    if kind in {"multipart/related", "multipart/signed"} and children:
        return texts(children[0], used, depth + 1)
    if part.is_multipart():
        return [text for child in children for text in texts(child, used, depth + 1)]
    if kind.startswith("multipart/"):  # no part found at all: the body is its text
        text = part.get_payload()
        text = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else b""
        text = clean(charsets.text(text, None)).replace("\r\n", "\n").strip()
        return [text] if text else []
    if not is_text(part):
        return []
    text = _part_text(part)
    if text:
        used.add(id(part))
    return [text] if text else []


def forwarded_texts(message, depth=0):
    """The texts of the emails a message forwards whole (message/rfc822, digests)."""
    if _type(message) == "message/rfc822":
        return [text for text in map(_forwarded, _children(message)) if text]
    found = []
    for part in _children(message) if message.is_multipart() else []:
        if depth > 5:
            break
        if _type(part) == "message/rfc822":
            found += [_forwarded(inner) for inner in _children(part)]
        elif part.is_multipart():
            found += forwarded_texts(part, depth + 1)
    return [text for text in found if text]


def leaves(part, depth=0):
    """Every part a file can come from: leaf parts and attached emails, not their insides."""
    if _type(part) == "message/rfc822" or not part.is_multipart():
        yield part
        return
    if depth > 50:
        return
    for child in _children(part):
        yield from leaves(child, depth + 1)


def _unnamed(part, counts):
    kind = _type(part)
    extension = EXTENSIONS.get(kind) or mimetypes.guess_extension(kind) or ""
    if not extension:
        extension = ".txt" if kind.startswith("text/") else ".bin"
    stem = {"image": "image", "message": "attached-message"}.get(kind.partition("/")[0], "file")
    counts[stem] = counts.get(stem, 0) + 1
    number = "" if stem == "attached-message" and counts[stem] == 1 else f"-{counts[stem]}"
    return f"{stem}{number}{extension}"


def files(message, used, parsed, out_of_time):
    """The files of `message` into parsed.files (notes for what could not be read)."""
    counts = {}
    for count, part in enumerate(leaves(message), start=1):
        if count > settings.INBOUND_MAX_PARTS:
            parsed.notes.append(
                f"The email has more than {settings.INBOUND_MAX_PARTS} parts; "
                "the rest were not read."
            )
            return
        if out_of_time():
            parsed.notes.append("Reading the email took too long; some files were not read.")
            return
        kind = _type(part)
        if (
            id(part) in used
            or kind.startswith("multipart/")
            or kind
            in {
                "message/delivery-status",
                "message/disposition-notification",
                "message/feedback-report",
            }
        ):
            continue
        if is_text(part):
            continue  # the alternative not shown, or an inline text part with nothing in it
        name = filename(part) or _unnamed(part, counts)
        if kind == "message/rfc822" and not name.lower().endswith(".eml"):
            name += ".eml"
        encoded = part.get_payload()
        if (
            isinstance(encoded, str)
            and len(encoded) * 3 // 4 > settings.TICKET_ATTACHMENT_MAX_BYTES
        ):
            # Too big to keep: not even decoded (the check names it with its size).
            parsed.files.append(File(name=name, content=b"", size=len(encoded) * 3 // 4))
            continue
        try:
            if kind == "message/rfc822":
                inner = _children(part)
                content = inner[0].as_bytes(policy=compat32) if inner else b""
            else:
                content = part.get_payload(decode=True) or b""
        except Exception:
            parsed.notes.append(f"The file {name} could not be decoded.")
            continue
        if content:
            parsed.files.append(File(name=name, content=content))
