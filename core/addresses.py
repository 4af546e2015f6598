"""Email addresses as keys: one normal form, so "is this the same customer?" is a plain
equality on every path (lost links, rate limits, merges, a customer's other tickets).

The normal form ("address key") is:

- the local part (before the last @) in ASCII, lower-cased. A local part with any non-ASCII
  character is refused: Django's validator lets through the four letters that case-fold into
  ASCII (ı, İ, ſ and the Kelvin sign K), which is how `bob@gmaıl.com` matched `bob@gmail.com`
  under PostgreSQL's `UPPER()`.
- the domain IDNA-encoded (as Django's mail code encodes it when it sends) and lower-cased, so
  `bob@GMAIL.com` and `bob@gmail.com` are one key while `bob@gmaıl.com` is
  `bob@xn--gmal-nza.com`, another domain.

A key only ever finds rows; mail always goes to the address stored on each row.
"""

from django.core.exceptions import ValidationError

NON_ASCII_LOCAL_PART = (
    "Use only plain letters (A to Z), digits and . _ + - before the @, as your email "
    "provider spells the address."
)


def address_key(address):
    """The normal form of an email address; ValueError for one that has none."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an email address")
    if not local.isascii():
        raise ValueError(NON_ASCII_LOCAL_PART)
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("the domain cannot be encoded") from None
    return f"{local.lower()}@{domain.lower()}"


def validate_address_key(address):
    """A form validator: the address has a normal form."""
    try:
        address_key(address)
    except ValueError as error:
        message = str(error)
        raise ValidationError(
            message if message == NON_ASCII_LOCAL_PART else "Enter a valid email address.",
            code="invalid",
        ) from None


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
