"""Reading one raw email: who sent it, what it answers, its new text without quotes or
signature, its files, and whether a person wrote it at all.

Everything here copes with broken input: a malformed header, an unknown charset, a truncated
base64 part or a message of thousands of parts gives a partial result and a note, never an
exception (tests/tickets/test_inbound.py feeds it such messages).
"""

import base64
import binascii
import codecs
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.utils import getaddresses

from django.conf import settings
from inscriptis import get_text
from mailparser_reply import EmailReplyParser

from core.redaction import redact_private_links
from mail.inbound import auth, mime

# Languages whose "On ... wrote:" lines and signatures the reply parser knows.
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "pt", "ja", "cs"]
# The most of a message's text that is read into a ticket: HTML converted (inscriptis takes
# about a second a megabyte), text searched for the quoted history (slower still). Staff
# keep the first 100,000 characters of the whole text.
MAX_HTML = 1_000_000
MAX_TEXT = 100_000

AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response)|auto:|"
    r"abwesenheitsnotiz|automatische antwort|réponse automatique|respuesta automática|"
    r"risposta automatica|afwezig)",
    re.IGNORECASE,
)
BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery status notification|returned mail|delivery failure|"
    r"mail delivery failed|non[- ]?delivery)",
    re.IGNORECASE,
)


@dataclass
class File:
    name: str
    content: bytes
    size: int = 0  # when the content was too big to decode

    def __post_init__(self):
        self.size = self.size or len(self.content)


@dataclass
class Parsed:
    message_id: str = ""
    sender: str = ""
    sender_name: str = ""
    to: list = field(default_factory=list)
    cc: list = field(default_factory=list)
    subject: str = ""
    in_reply_to: str = ""
    references: str = ""
    text: str = ""  # the whole text, quotes and all
    reply: str = ""  # the new text only
    files: list = field(default_factory=list)
    automatic: str = ""  # why no person wrote it (auto-reply, list, bulk), or ""
    bulk: bool = False
    bounce: dict | None = None  # {"message_ids": [...], "status": ..., "diagnostic": ...}
    bad_from: str = ""  # why the From header names no single sender (mail.inbound.auth)
    results: list = field(default_factory=list)  # our receiving side's SPF/DKIM/DMARC
    verdicts: dict = field(default_factory=dict)  # the same, as staff see them
    notes: list = field(default_factory=list)  # what could not be read


def clean(text):
    """Text fit to store on both databases: no NUL character, no lone surrogate (each
    becomes U+FFFD), whatever a header, a charset or a provider's post produced."""
    text = str(text).replace("\x00", "")
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def header(message, name):
    """A header as clean text, whatever state it is in (None becomes "")."""
    try:
        value = message.get(name)
        return "" if value is None else clean(" ".join(str(value).split()))
    except Exception:  # a header the modern parser chokes on: its text as written
        for key, value in message.raw_items():
            if key.lower() == name.lower():
                return clean(" ".join(str(value).split()))
        return ""


def addresses(message, name):
    try:
        values = message.get_all(name, failobj=[])
        pairs = getaddresses([str(v) for v in values])
    except Exception:
        return []
    return [clean(address) for _, address in pairs if "@" in address][:50]


def headers_only(raw):
    """Message-ID, sender and subject, read cheaply before the message is stored (a From
    that names no single sender is kept as written, for staff to see)."""
    message = BytesHeaderParser(policy=policy.compat32).parsebytes(raw[: 256 * 1024])
    try:
        sender = clean(auth.sender(message.get_all("From", failobj=[]))[1])
    except auth.BadFrom:
        sender = header(message, "From")
    return header(message, "Message-ID")[:500], sender[:254], header(message, "Subject")[:300]


# Text codecs that are no charset of any mail: they read escapes or domain names, and
# raise or produce NUL characters and lone surrogates from what a sender wrote.
NOT_CHARSETS = {
    "idna",
    "punycode",
    "unicode_escape",
    "raw_unicode_escape",
    "undefined",
    "mbcs",
    "oem",
}


def codec_for(charset):
    """The codec to read a declared charset with: utf-8 for an unknown one, a codec that
    is not a text encoding (base64, zlib, rot13...) or one in NOT_CHARSETS."""
    try:
        info = codecs.lookup(str(charset or "utf-8"))
    except (LookupError, ValueError, TypeError):
        return "utf-8"
    name = info.name.replace("-", "_")
    if not getattr(info, "_is_text_encoding", True) or name in NOT_CHARSETS:
        return "utf-8"
    return info.name


def decoded(part):
    """A text part's content as clean text: unknown charsets and broken encodings degrade
    to replacement characters; nothing here raises."""
    try:
        payload = part.get_payload(decode=True) or b""
    except Exception:
        payload = b""
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "surrogateescape")
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    try:
        return clean(payload.decode(codec_for(charset), errors="replace"))
    except Exception:  # a codec that fails even so
        return clean(payload.decode("utf-8", errors="replace"))


def html_to_text(html):
    """HTML mail as plain text: no markup, no scripts or styles, no remote images."""
    try:
        return get_text(html)
    except Exception:
        return re.sub(r"<[^>]*>", " ", html)


def strip_reply(text):
    """The new text of a reply, without the quoted history and the signature."""
    try:
        parsed = EmailReplyParser(languages=REPLY_LANGUAGES).read(text)
        reply = parsed.replies[0].body if parsed.replies else text
    except Exception:
        reply = text
    return reply.strip() or text.strip()


def _body_text(message, body):
    if body is None:
        if message.get_content_maintype() == "text":
            body = message
        else:
            return ""
    text = decoded(body)
    if body.get_content_subtype() == "html":
        text = clean(html_to_text(text[:MAX_HTML]))
    return text[: MAX_TEXT * 2].replace("\r\n", "\n")


def _files(message, parsed, body, read):
    count = 0
    for part in message.walk():
        count += 1
        if count > settings.INBOUND_MAX_PARTS:
            parsed.notes.append(
                f"The email has more than {settings.INBOUND_MAX_PARTS} parts; "
                "the rest were not read."
            )
            return
        if read.out_of_time():
            parsed.notes.append("Reading the email took too long; some files were not read.")
            return
        if part is body or part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        name = part.get_filename(failobj=None) if disposition or part.get("Content-ID") else None
        if part.get_content_type() == "message/rfc822":
            name = name or "attached-message.eml"
        if not name and disposition != "attachment":
            continue
        encoded = part.get_payload() if not part.is_multipart() else ""
        if (
            isinstance(encoded, str)
            and len(encoded) * 3 // 4 > settings.TICKET_ATTACHMENT_MAX_BYTES
        ):
            # Too big to keep: not even decoded (the check names it with its size).
            parsed.files.append(
                File(name=clean(name or "attachment"), content=b"", size=len(encoded) * 3 // 4)
            )
            continue
        try:
            if part.get_content_type() == "message/rfc822":
                content = part.get_payload(0).as_bytes() if part.get_payload() else b""
            else:
                content = part.get_payload(decode=True) or b""
        except Exception:
            parsed.notes.append(f"The file {name or 'without a name'} could not be decoded.")
            continue
        parsed.files.append(File(name=clean(name or "attachment"), content=content))


def _automatic(message, parsed):
    """Why nobody wrote this by hand, or "" (RFC 3834, the usual vendor headers)."""
    auto_submitted = header(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if header(message, name):
            return f"{name} header"
    precedence = header(message, "Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        parsed.bulk = precedence != "auto_reply"
        return f"Precedence: {precedence}"
    if header(message, "List-Id") or header(message, "List-Unsubscribe"):
        parsed.bulk = True
        return "mailing list (List-Id or List-Unsubscribe)"
    if AUTO_SUBJECT.search(parsed.subject):
        return "out-of-office subject"
    return ""


def _delivery_report(message):
    """Whether the message is a well-formed delivery status notification (RFC 3464): a
    multipart/report of report-type delivery-status holding a message/delivery-status part."""
    if message.get_content_type() != "multipart/report":
        return False
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        return False
    parts = message.get_payload()
    return isinstance(parts, list) and any(
        part.get_content_type() == "message/delivery-status" for part in parts
    )


def _bounce(message, parsed):
    """A delivery failure: the Message-IDs of the email that bounced and why, from a
    well-formed delivery report only. Mail that merely looks like a bounce (from
    MAILER-DAEMON, "Undelivered ..."), or a report of another shape, names nothing."""
    report = _delivery_report(message)
    looks_like = BOUNCE_SENDER.search(parsed.sender) and BOUNCE_SUBJECT.search(parsed.subject)
    if not report:
        if looks_like or message.get_content_type() == "multipart/report":
            return {"message_ids": [], "status": "", "diagnostic": "", "report": False}
        return None
    ids, status, diagnostic = [], "", ""
    for part in message.get_payload():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            text = "\n".join(str(block) for block in part.get_payload() or [])
            status = (re.search(r"^Status:\s*(.+)$", text, re.M | re.I) or [None, ""])[1]
            found = re.search(r"^Diagnostic-Code:\s*(.+)$", text, re.M | re.I)
            diagnostic = found[1].strip() if found else diagnostic
        elif kind in {"message/rfc822", "text/rfc822-headers"}:
            # The returned message (or its headers): its own Message-ID, nothing else.
            source = part.get_payload(0) if kind == "message/rfc822" else None
            text = str(source) if source is not None else decoded(part)
            head = text.replace("\r\n", "\n").split("\n\n", 1)[0]
            found_ids = re.findall(r"^Message-ID:\s*(<[^>\s]+>)", head, re.M | re.I)[:1]
            ids += [clean(message_id) for message_id in found_ids]
    return {
        "message_ids": ids[:5],
        "status": clean(status).strip()[:50],
        "diagnostic": clean(diagnostic)[:500],
        "report": True,
    }


def _sender(message, parsed):
    raw_items = list(message.raw_items())
    try:
        name, parsed.sender = auth.sender([v for n, v in raw_items if n.lower() == "from"])
    except auth.BadFrom as error:
        parsed.bad_from = str(error)
        return
    try:
        parsed.sender_name = str(make_header(decode_header(name)))
    except Exception:  # an encoded word that does not decode: the name as written
        parsed.sender_name = name
    if "@" in parsed.sender_name:
        parsed.sender_name = ""  # decoded, it reads as an address: not a name to show
    parsed.sender_name = clean(" ".join(parsed.sender_name.split()))[:100]
    parsed.sender = clean(parsed.sender)[:254]
    parsed.results = auth.trusted_results(raw_items)
    parsed.verdicts = auth.shown(parsed.results)


def parse(raw):
    """A Parsed view of one raw message. Never raises for a message's content; reads no
    more of it than the bounds allow (mail.inbound.mime)."""
    parsed = Parsed()
    try:
        read = mime.read(raw, policy=mime.SAFE)
    except Exception as error:  # pragma: no cover - the parser is very forgiving
        parsed.notes.append(f"The email could not be read: {type(error).__name__}")
        return parsed
    message = read.message
    parsed.notes += read.notes
    parsed.message_id = header(message, "Message-ID")[:500]
    _sender(message, parsed)
    parsed.to = addresses(message, "To") + addresses(message, "Delivered-To")
    parsed.cc = addresses(message, "Cc")
    parsed.subject = header(message, "Subject")[:300]
    parsed.in_reply_to = header(message, "In-Reply-To")
    parsed.references = header(message, "References")
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    parsed.text = _body_text(message, body)
    parsed.reply = strip_reply(parsed.text[:MAX_TEXT])
    parsed.automatic = _automatic(message, parsed)
    parsed.bounce = _bounce(message, parsed)
    try:
        _files(message, parsed, body, read)
    except Exception as error:
        parsed.notes.append(f"Some files could not be read ({type(error).__name__}).")
    parsed.notes = list(dict.fromkeys(parsed.notes))
    return parsed


def redacted_raw(raw):
    """The raw message with the token of every private link we issue redacted: in its
    headers and unencoded parts (a pass over the bytes), and in its quoted-printable and
    base64 parts (decoded, redacted, encoded again). Byte for byte the same elsewhere.
    None for a message beyond the parsing limits: its encoded parts cannot all be read,
    so it cannot be known to be clean."""
    raw = redact_private_links(raw.decode("latin-1")).encode("latin-1")
    read = mime.read(raw, policy=policy.compat32)
    if read.notes:
        return None
    message = read.message
    changed = False
    for part in message.walk():
        if part.is_multipart():
            continue
        encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        if encoding not in {"base64", "quoted-printable"}:
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except (binascii.Error, ValueError):
            continue
        text = payload.decode("latin-1")  # the links are ASCII in any ASCII-based charset
        redacted = redact_private_links(text)
        if redacted == text:
            continue
        data = redacted.encode("latin-1")
        if encoding == "base64":
            part.set_payload(base64.encodebytes(data).decode("ascii"))
        else:
            part.set_payload(quopri.encodestring(data).decode("latin-1"))
        changed = True
    return message.as_bytes(policy=policy.compat32) if changed else raw
