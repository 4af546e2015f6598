"""Reading one raw email: who sent it, what it answers, its new text without quotes or
signature, its files, and whether a person wrote it at all. The parts of the reading live
beside it: mime (the message within bounds, its header block mended), charsets (bytes into
text), body (text and files), kinds (mail no person wrote), replies (where the new text ends).

Everything here copes with broken input: a malformed header, an unknown charset, a truncated
base64 part or a message of thousands of parts gives a partial result and a note, never an
exception (tests/tickets/test_inbound.py feeds it such messages).
"""

import base64
import binascii
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses

from core.redaction import redact_private_links
from mail.inbound import auth, body, charsets, kinds, mime, replies
from mail.inbound.body import clean

CHARSET = re.compile(rb'charset\s*=\s*"?([A-Za-z0-9_.:-]{1,40})', re.I)


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
    bounce: kinds.Bounce | None = None  # a delivery failure (mail.inbound.kinds.classify)
    report: str = ""  # a receipt, an abuse report or a delay warning (mail.inbound.kinds)
    sender_from: str = "From"  # the header the sender was read from ("Reply-To": From had none)
    reply_unsure: bool = False  # quoted lines kept: no quote header to cut them at
    bad_from: str = ""  # why the From header names no single sender (mail.inbound.auth)
    results: list = field(default_factory=list)  # our receiving side's SPF/DKIM/DMARC
    verdicts: dict = field(default_factory=dict)  # the same, as staff see them
    notes: list = field(default_factory=list)  # what could not be read
    charset: str | None = None  # the sender's client's (for 8-bit headers)


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
    head = mime.repair_headers(raw[: mime.MAX_HEADER_BLOCK])
    message = BytesHeaderParser(policy=policy.compat32).parsebytes(head)
    hint = next(
        (
            m[1].decode()
            for m in CHARSET.finditer(raw, 0, 65536)
            if charsets.codec_for(m[1].decode())
        ),
        None,
    )
    values = {"from": [], "reply-to": [], "subject": []}
    for name, value in message.raw_items():
        if name.lower() in values:
            values[name.lower()].append(charsets.eight_bit(value, hint))
    try:
        sender = clean(auth.sender(values["from"], values["reply-to"])[1])
    except auth.BadFrom:
        sender = header(message, "From")
    subject = clean(" ".join(charsets.words(" ".join(values["subject"][:1])).split()))
    return header(message, "Message-ID")[:500], sender[:254], subject[:300]


def _sender(message, parsed):
    raw_items = list(message.raw_items())
    values = {"from": [], "reply-to": []}
    for name, value in raw_items:
        if name.lower() in values:
            values[name.lower()].append(charsets.eight_bit(value, parsed.charset))
    try:
        name, parsed.sender, parsed.sender_from = auth.sender(values["from"], values["reply-to"])
    except auth.BadFrom as error:
        parsed.bad_from = str(error)
        return
    name = charsets.words(name)
    parsed.sender_name = "" if "@" in name else name  # it reads as an address: no name
    parsed.sender_name = clean(" ".join(parsed.sender_name.split()))[:100]
    parsed.sender = clean(parsed.sender)  # an overlong one is refused whole, never cut
    parsed.results = auth.trusted_results(raw_items)
    parsed.verdicts = auth.shown(parsed.results)


def _charset(message):
    """The charset the sender's client wrote in: the first text part's (its raw 8-bit
    headers are most likely in it too)."""
    for part in message.walk():
        try:
            charset = part.get_content_maintype() == "text" and part.get_content_charset()
            if charsets.codec_for(charset):  # us-ascii says nothing of 8-bit bytes
                return charset
        except Exception:
            continue
    return None


def parse(raw):
    """A Parsed view of one raw message. Never raises for a message's content; reads no
    more of it than the bounds allow (mail.inbound.mime)."""
    parsed = Parsed()
    raw = mime.repair_headers(raw)
    try:
        read = mime.read(raw, policy=mime.SAFE)
        if body.lost_parts(read.message):
            # Parts the modern parser lost: found by their delimiter lines, read with compat32.
            read = mime.read(mime.rebound(raw) or raw, policy=policy.compat32)
    except Exception as error:  # pragma: no cover - the parser is very forgiving
        parsed.notes.append(f"The email could not be read: {type(error).__name__}")
        return parsed
    message = read.message
    parsed.notes += read.notes
    parsed.charset = _charset(message)
    parsed.message_id = header(message, "Message-ID")[:500]
    _sender(message, parsed)
    parsed.to = addresses(message, "To") + addresses(message, "Delivered-To")
    parsed.cc = addresses(message, "Cc")
    parsed.subject = clean(
        " ".join(charsets.header(_raw(message, "Subject"), parsed.charset).split())
    )[:300]
    parsed.in_reply_to = header(message, "In-Reply-To")
    parsed.references = header(message, "References")
    used = set()
    try:
        parts = body.texts(message, used) or body.forwarded_texts(message)
    except Exception as error:
        parts = []
        parsed.notes.append(f"Some text could not be read ({type(error).__name__}).")
    parsed.text = clean("\n\n".join(parts))[: body.MAX_TEXT * 2]
    found = replies.extract(parsed.text[: body.MAX_TEXT])
    parsed.reply, parsed.reply_unsure = found.text, found.unsure
    parsed.automatic = kinds.automatic(message, parsed, header)
    kinds.classify(message, parsed, body.decoded, header)
    try:
        body.files(message, used, parsed, read.out_of_time)
    except Exception as error:
        parsed.notes.append(f"Some files could not be read ({type(error).__name__}).")
    parsed.notes = list(dict.fromkeys(parsed.notes))
    return parsed


def _raw(message, name):
    """A header as written (8-bit bytes as surrogates), for charsets.header to decode."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


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
