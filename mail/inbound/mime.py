"""Building a message within bounds.

Python's email parser builds every part of a message before anyone can count them: 120,000
parts (4.3 MB) took 44 seconds, and parts nested a few thousand deep end in a RecursionError.
So the parts and their nesting are counted first, by a scan of the boundary lines (regular
expressions over the bytes, no objects built), and the message is cut where it goes over
INBOUND_MAX_PARTS parts or MAX_NESTING levels; what is left is fed to the parser in chunks
within INBOUND_PARSE_SECONDS. The result is a message as far as it could be read, and notes
saying what was not.

Two repairs for reading only (the stored message stays as it came): the header block as
mail readers take it (repair_headers), and a multipart's boundary as its parts use it
(rebound).
"""

import heapq
import re
import time
from dataclasses import dataclass, field
from email import _header_value_parser, policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.parser import BytesFeedParser

from django.conf import settings

MAX_NESTING = 10  # multiparts inside multiparts (forwarded messages included)
MAX_BOUNDARY_LINES = 50_000  # lines starting "--" looked at (most are a part's first line)
CHUNK = 256 * 1024
DECLARATION = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.I)
DELIMITER = re.compile(rb"^--([^\r\n]{1,202}?)[ \t]*\r?$", re.M)


class _AsWritten:
    """A header kept as its text: no encoded word decoded, nothing that can raise."""

    @classmethod
    def parse(cls, value, kwds):
        text = str(value).replace("\x00", "").replace("=?", "= ?")
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        kwds["parse_tree"] = _header_value_parser.get_unstructured(text)
        kwds["decoded"] = text


class SafeHeaders(HeaderRegistry):
    """The standard header classes, except that a header they cannot build (an encoded word
    in a codec that yields lone surrogates: `=?unicode_escape?q?\\ud800?=`) is kept as
    written instead of raising wherever it is read."""

    def __call__(self, name, value):
        try:
            return super().__call__(name, value)
        except Exception:
            return type("_AsWrittenHeader", (_AsWritten, BaseHeader), {})(name, value)


# The policy messages are read with (mail.inbound.parse).
SAFE = policy.default.clone(header_factory=SafeHeaders())


@dataclass
class Shape:
    parts: int = 0
    depth: int = 0
    cut: int | None = None  # where to stop reading the raw message
    why: str = ""


def shape(raw, *, max_parts, max_depth=MAX_NESTING):
    """Parts and nesting of a raw message from its boundary lines, without parsing it; and
    where to cut it to stay within `max_parts` and `max_depth`."""
    declarations = ((m.start(), 0, m) for m in DECLARATION.finditer(raw))
    delimiters = ((m.start(), 1, m) for m in DELIMITER.finditer(raw))
    found, stack, used = Shape(), [], set()
    for seen, (at, kind, match) in enumerate(heapq.merge(declarations, delimiters)):
        if seen > MAX_BOUNDARY_LINES:
            found.cut, found.why = at, f"more than {MAX_BOUNDARY_LINES} boundary lines"
            return found
        if kind == 0:
            boundary = match.group(1) or match.group(2)
            if boundary not in stack:
                stack.append(boundary)
            continue
        line = match.group(1)
        closing = line.endswith(b"--") and line[:-2] in stack
        boundary = line[:-2] if closing else line
        if boundary not in stack:
            continue  # a line that only looks like a delimiter ("-- " signatures, diffs)
        del stack[stack.index(boundary) + 1 :]  # parts left open end with their parent's
        if closing:
            stack.pop()
            continue
        used.add(boundary)
        depth = sum(1 for b in stack if b in used)
        if depth > max_depth:
            found.cut, found.why = at, f"parts nested more than {max_depth} deep"
            return found
        found.depth = max(found.depth, depth)
        found.parts += 1
        if found.parts > max_parts:
            found.cut, found.why = at, f"more than {max_parts} parts"
            return found
    return found


@dataclass
class Read:
    message: object
    notes: list = field(default_factory=list)
    deadline: float = 0.0

    def out_of_time(self):
        return time.monotonic() > self.deadline


def read(raw, *, policy, max_parts=None, seconds=None):
    """The message as far as the bounds allow (Read.message), never more parts than
    INBOUND_MAX_PARTS nor deeper than MAX_NESTING, parsed within INBOUND_PARSE_SECONDS."""
    max_parts = settings.INBOUND_MAX_PARTS if max_parts is None else max_parts
    seconds = settings.INBOUND_PARSE_SECONDS if seconds is None else seconds
    started = time.monotonic()
    found = shape(raw, max_parts=max_parts)
    notes = []
    if found.cut is not None:
        raw = raw[: found.cut]
        notes.append(f"The email has {found.why}; the rest were not read.")
    parser = BytesFeedParser(policy=policy)
    for start in range(0, len(raw), CHUNK):
        if start and time.monotonic() - started > seconds:  # the headers are always read
            notes.append(f"Reading the email took over {seconds} seconds; the rest was not read.")
            break
        parser.feed(raw[start : start + CHUNK])
    return Read(parser.close(), notes, deadline=started + seconds)


BOM = b"\xef\xbb\xbf"
HEADER_LINE = re.compile(rb"^([!-9;-~]+)[ \t]*:")  # a field name, then its colon (RFC 5322)
BLANK = re.compile(rb"\r?\n\r?\n")
MAX_HEADER_BLOCK = 256 * 1024


def repair_headers(raw):
    """The header block as mature mail readers take it, for reading only (the stored message
    stays as it came): no byte-order mark before the first header, no junk line before the
    first header, `From  :` (obsolete RFC 2822 syntax) read as `From:`, and a line that is no
    header but is followed by more headers taken as the continuation it was meant to be
    (unindented, it would end the header block and turn the rest of the headers into text)."""
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    found = BLANK.search(raw, 0, MAX_HEADER_BLOCK)
    end = found.start() if found else min(len(raw), MAX_HEADER_BLOCK)
    lines = raw[:end].split(b"\n")
    if lines and lines[0].startswith(b"From ") and not HEADER_LINE.match(lines[0]):
        unixfrom, lines = [lines[0]], lines[1:]  # the mbox separator line
    else:
        unixfrom = []
    heads = [bool(HEADER_LINE.match(line)) for line in lines]
    if len(lines) > 1 and not heads[0] and heads[1] and lines[0][:1] not in b" \t":
        lines, heads = lines[1:], heads[1:]  # junk before the first header
    last_header = max((i for i, is_header in enumerate(heads) if is_header), default=-1)
    mended = []
    for i, line in enumerate(lines):
        if heads[i]:
            line = HEADER_LINE.sub(lambda m: m[1] + b":", line, count=1)
        elif i and i < last_header and line.strip() and line[:1] not in b" \t":
            line = b" " + line
        mended.append(line)
    head = b"\n".join(unixfrom + mended)
    if head == raw[:end]:
        return raw  # as it came (no copy of a 25 MB message for nothing)
    return head + raw[end:]


USED_DELIMITER = re.compile(rb"^--([^\s\"]{1,200})[ \t]*\r?\n[!-9;-~]+[ \t]*:", re.M)
TOP_MULTIPART = re.compile(
    rb"^Content-Type:[ \t]*multipart/([A-Za-z0-9.+-]+)[^\n]*(?:\n[ \t][^\n]*)*", re.I | re.M
)


def rebound(raw):
    """The raw message with its top-level boundary declared as its parts use it, or None:
    for a multipart whose declared boundary is missing, differs from the one its parts use
    (`BOUNDARY_` declared, `--BOUNDARY` used) or is cut short by the parser (`=` unquoted).
    Mail clients find the parts by their delimiter lines; so does this."""
    blank = BLANK.search(raw, 0, MAX_HEADER_BLOCK)
    if blank is None:
        return None
    head, rest = raw[: blank.start()], raw[blank.start() :]
    top = TOP_MULTIPART.search(head)
    used = USED_DELIMITER.search(rest)
    if top is None or used is None or used[1].endswith(b"--"):
        return None
    declared = b"Content-Type: multipart/" + top[1] + b'; boundary="' + used[1] + b'"'
    return head[: top.start()] + declared + head[top.end() :].lstrip(b"\r") + rest
