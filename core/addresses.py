"""Email addresses as keys: one normal form, so "is this the same customer?" is a plain
equality on every path (lost links, rate limits, merges, a customer's other tickets).

The normal form ("address key") is:

- the local part (before the last @) lower-cased. An internationalised one (RFC 6532,
  `jörg@müller.example`) is also put in Unicode's NFC, so the composed and decomposed
  spellings of `ö` are one key. It is refused when one of its characters stands in for
  ASCII: the four letters that case-map into ASCII (ı, İ, ſ and the Kelvin sign K: that is
  how `bob@gmaıl.com` once matched `bob@gmail.com` under PostgreSQL's `UPPER()`) and those
  that compatibility-fold into it (full-width `ｂｏｂ`, the ligature `ﬁ`); when it mixes
  Latin, Greek and Cyrillic letters (`pаypal` with a Cyrillic а); and when it is no
  dot-atom (quotes, spaces).
- the domain IDNA-encoded (as Django's mail code encodes it when it sends, and as DNS
  knows it) and lower-cased, so `bob@GMAIL.com` and `bob@gmail.com` are one key, as are
  `jörg@müller.example` and `jörg@xn--mller-kva.example`, while `bob@gmaıl.com` is
  `bob@xn--gmal-nza.com`, another domain.

Never a key: control and invisible formatting characters anywhere (header injection,
right-to-left overrides), U+FFFD (bytes that could not be read), a local part over 64
octets or an address over 254 characters (RFC 5321).

A key only ever finds rows; mail always goes to the address stored on each row, as its
sender spelled it (mail.transport sends a non-ASCII local part with SMTPUTF8, or not at all).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

NON_ASCII_LOCAL_PART = (
    "Use only plain letters (A to Z), digits and . _ + - before the @, as your email "
    "provider spells the address."
)
MAX_LOCAL_OCTETS = 64
MAX_ADDRESS = 254
# RFC 5322 atext in ASCII; an internationalised local part is a dot-atom of these and of
# non-ASCII characters (RFC 6532).
ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]")
LOOK_ALIKE_SCRIPTS = {"LATIN", "GREEK", "CYRILLIC"}
HIDDEN = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}  # Unicode general categories


def address_key(address):
    """The normal form of an email address; ValueError for one that has none."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an email address")
    if len(address) > MAX_ADDRESS or len(local.encode("utf-8", "replace")) > MAX_LOCAL_OCTETS:
        raise ValueError("too long for an email address")
    if any(_hidden(char) for char in address):
        raise ValueError("a control or invisible character")
    if not local.isascii():
        local = _international_local(local)
    try:
        _same_script(map(_unicode_label, domain.split(".")))
    except UnicodeError as error:
        raise ValueError(str(error)) from None
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("the domain cannot be encoded") from None
    return f"{local.lower()}@{domain.lower()}"


def needs_smtputf8(address):
    """Whether mail to `address` can only be sent with SMTPUTF8 (RFC 6531): its local part
    has non-ASCII characters (a non-ASCII domain is IDNA-encoded instead)."""
    return not address.strip().rpartition("@")[0].isascii()


def _hidden(char):
    """Control characters (CR and LF among them) and format characters (zero-width ones,
    bidirectional overrides), private-use and unassigned code points, line separators, and
    U+FFFD, which stands where bytes could not be read (the address is not the sender's)."""
    return char == "\ufffd" or unicodedata.category(char) in HIDDEN


def _international_local(local):
    """A non-ASCII local part in its normal form (NFC, lower case), or ValueError."""
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValueError("not an email address")
    for char in local:  # as written: NFC turns the Kelvin sign into a K
        if char.isascii():
            if char != "." and not ATEXT.match(char):
                raise ValueError("not an email address")
        elif unicodedata.category(char)[0] == "Z" or _stands_in_for_ascii(char):
            raise ValueError(f"{char!r} stands in for a plain letter")
    local = unicodedata.normalize("NFC", local)
    try:
        _same_script([local])
    except UnicodeError as error:
        raise ValueError(str(error)) from None
    return unicodedata.normalize("NFC", local.lower())


def _stands_in_for_ascii(char):
    upper = char.upper()
    return (
        any(c.isascii() for c in char.lower())  # İ, the Kelvin sign
        or (len(upper) == 1 and upper.isascii())  # ı, ſ (ß's SS is no simple mapping)
        or any(c.isascii() for c in unicodedata.normalize("NFKC", char))  # K, ｂ, ﬁ, ²
    )


def _unicode_label(label):
    """A domain label as people read it (`xn--` labels decoded), for the script check."""
    if label[:4].lower() != "xn--":
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        return label  # not punycode at all: IDNA-encoding it refuses it, or keeps it as is


def _same_script(parts):
    """UnicodeError if one part mixes letters of the look-alike scripts."""
    for part in parts:
        scripts = {unicodedata.name(char, "").partition(" ")[0] for char in part if char.isalpha()}
        if len(scripts & LOOK_ALIKE_SCRIPTS) > 1:
            raise UnicodeError(f"{part!r} mixes Latin, Greek or Cyrillic letters")


def validate_address_key(address):
    """A form validator: the address has a normal form and is one we can always email. A
    non-ASCII local part is refused here (with advice): it is received, but a reply needs
    SMTPUTF8, which not every mail server offers, and a form must promise its emails."""
    if needs_smtputf8(address):
        raise ValidationError(NON_ASCII_LOCAL_PART, code="invalid")
    try:
        address_key(address)
    except ValueError:
        raise ValidationError("Enter a valid email address.", code="invalid") from None


def address_key_or_raw(address):
    """For counting (rate limits) where the input may be anything: the key, or else the
    trimmed, lower-cased text itself."""
    try:
        return address_key(address)
    except ValueError:
        return address.strip().lower()[:254]


def mailbox_key(address):
    """For counting per person: the key with any plus tag dropped (`ada+1@x` and `ada+2@x`
    reach one mailbox, so they share one limit)."""
    key = address_key_or_raw(address)
    local, at, domain = key.rpartition("@")
    return f"{local.partition('+')[0]}@{domain}" if at and local else key
