"""Bytes of an email into text, as mail clients and browsers read them.

A charset label in mail is a hint, not a promise: "GB2312" mail is written in GBK, "Shift_JIS"
in Windows' cp932, "ISO-2022-JP" carries NEC's circled digits (①), "us-ascii" or no label at
all stands above 8-bit Windows text, and "UTF-8" above a stray Latin-1 byte. So a label is
read with the superset codec clients use for it (the WHATWG Encoding Standard's table, and
cp50221 for ISO-2022-JP), and when the bytes do not fit it, UTF-8 is tried, then a guess
from the bytes themselves (charset-normalizer), and only last the label with replacement
characters. Nothing here raises.
"""

import base64
import binascii
import codecs
import quopri
import re

from charset_normalizer import from_bytes

# Labels read with the codec that is their superset (what mail clients do).
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-gb2312": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "cp936": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "iso-8859-8-i": "iso8859-8",
}
# Labels that say nothing about 8-bit bytes: the bytes are guessed.
NO_CHARSET = {"", "us-ascii", "ascii", "ansi_x3.4-1968", "us", "unknown-8bit", "x-unknown"}
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
GUESS_MIN_BYTES = 8  # fewer than this and a guess is noise


def label(charset):
    return str(charset or "").strip().strip("\"'").lower()


def codec_for(charset):
    """The codec to read a declared charset with (its superset), or None for a label that
    names no charset we can use: unknown, no text encoding (base64, rot13...), NOT_CHARSETS."""
    name = label(charset)
    name = SUPERSETS.get(name, name)
    if name in NO_CHARSET:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in NOT_CHARSETS:
        return None
    return SUPERSETS.get(info.name, info.name)


def _jis_to_cp932(data):
    """ISO-2022-JP as Windows reads it (cp50221): its JIS X 0208 rows mapped to cp932,
    which has NEC's row 13 (①, ㈱) and the IBM extensions the strict codec refuses."""
    out, double, kana = bytearray(), False, False
    i = 0
    while i < len(data):
        if data[i] == 0x1B:
            escape = data[i + 1 : i + 3]
            if escape in (b"$B", b"$@"):
                double, kana, i = True, False, i + 3
                continue
            if escape in (b"(B", b"(J"):
                double, kana, i = False, False, i + 3
                continue
            if escape == b"(I":
                double, kana, i = False, True, i + 3
                continue
        byte = data[i]
        if double and 0x21 <= byte <= 0x7E and i + 1 < len(data):
            j1, j2 = byte, data[i + 1]
            s1 = (j1 + 1) // 2 + 0x70
            s1 += 0x40 if s1 >= 0xA0 else 0
            s2 = j2 + (0x1F + (j2 + 0x1F >= 0x7F) if j1 % 2 else 0x7E)
            out += bytes((s1, s2))
            i += 2
            continue
        out.append(byte + 0x80 if kana and 0x21 <= byte <= 0x5F else byte)
        i += 1
    return bytes(out).decode("cp932")


def _strict(data, codec):
    try:
        if codec == "iso2022_jp":
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return _jis_to_cp932(data)
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError, IndexError):
        return None


def _guess(data):
    if len(data) < GUESS_MIN_BYTES:
        return None
    try:
        best = from_bytes(data[:65536]).best()
    except Exception:  # pragma: no cover - the detector copes with any bytes
        return None
    return _strict(data, best.encoding) if best is not None else None


ESCAPED = re.compile("[\udc80-\udcff]+")


def _utf8_with_stray_bytes(data):
    """UTF-8 text with a few bytes of another charset pasted in: the UTF-8 read as UTF-8,
    the stray bytes as Windows-1252 (what they nearly always are). None for bytes with no
    UTF-8 sequence at all: a whole text in another charset, for the guess."""
    read = data.decode("utf-8", "surrogateescape")
    if not any(ord(c) > 0x7F and not 0xDC80 <= ord(c) <= 0xDCFF for c in read):
        return None
    return ESCAPED.sub(
        lambda m: m[0].encode("utf-8", "surrogateescape").decode("cp1252", "replace"), read
    )


def text(data, charset=None, *, fallback="cp1252"):
    """`data` (bytes) as text, read as a mail client would with the declared `charset`."""
    if isinstance(data, str):
        return data
    codec = codec_for(charset)
    if codec in {"utf_7", "iso2022_jp", "iso2022_jp_2", "iso2022_kr", "hz"}:
        return _strict(data, codec) or data.decode(codec, errors="replace")
    if data.isascii():
        return data.decode("ascii")
    # Valid UTF-8 wins over any label: its multi-byte sequences are all but impossible
    # in text of another charset, and a wrong label above UTF-8 is the commonest mislabel.
    found = _strict(data, "utf-8") or (codec and _strict(data, codec))
    if found is not None:
        return found
    if codec in {None, "utf-8"}:
        found = _utf8_with_stray_bytes(data)
        if found is not None:
            return found
    found = _guess(data)
    if found is not None:
        return found
    return data.decode(codec or fallback, errors="replace")


ENCODED_WORD = re.compile(r"=\?([^?\s]{1,80})\?([QqBb])\?([^?\s]*)\?=")
BETWEEN_WORDS = re.compile(r"(\?=)[ \t\r\n]+(=\?)")


def _word_bytes(encoding, payload):
    if encoding in "Bb":
        payload += "=" * (-len(payload) % 4)
        try:
            return base64.b64decode(payload.encode("ascii", "replace"))
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "replace")
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)


def eight_bit(value, hint=None):
    """A header as the parser gives it (8-bit bytes as surrogates) with those bytes read as
    text: RFC 6532 UTF-8, or a client's local charset (`hint`, the message's)."""
    value = str(value)
    if not any("\udc80" <= c <= "\udcff" for c in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    return text(raw, hint) if codec_for(hint) else text(raw, "utf-8")


def words(value):
    """A header's RFC 2047 encoded words decoded with superset codecs (adjacent words of
    one charset joined before decoding: a multi-byte character may straddle two)."""
    value = str(value)
    if "=?" not in value:
        return value
    value = BETWEEN_WORDS.sub(r"\1\2", value)
    pieces, at, pending, pending_charset = [], 0, b"", None

    def flush():
        nonlocal pending, pending_charset
        if pending:
            pieces.append(text(pending, pending_charset.partition("*")[0]))
        pending, pending_charset = b"", None

    for match in ENCODED_WORD.finditer(value):
        if match.start() > at:
            flush()
            pieces.append(value[at : match.start()])
        charset = match[1].lower()
        if pending and charset != pending_charset:
            flush()
        pending += _word_bytes(match[2], match[3])
        pending_charset = charset
        at = match.end()
    flush()
    pieces.append(value[at:])
    return "".join(pieces)


def header(value, hint=None):
    """A header's text, its 8-bit bytes and its encoded words decoded."""
    return words(eight_bit(value, hint))
